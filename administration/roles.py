"""A role brings its permissions: one auth Group per role, holding the role's rights
(core.permissions_documents.ROLE_PERMISSIONS, which every app completes in its ready()), and
every user is in the groups of the roles their memberships give them.

Membership services call `user_role_groups_sync`; after every migrate the groups' rights and
all users' groups are brought in step (so a right an app adds reaches every holder of the
role, and users made before this existed get their groups).
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from core.models import Membership, Role
from core.permissions_documents import ROLE_PERMISSIONS

GROUP_PREFIX = "role:"


def role_group_name(role) -> str:
    return f"{GROUP_PREFIX}{role}"


def _permission(name):
    app_label, codename = name.split(".")
    model = codename.split("_", 1)[1]
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"})
    return permission


def role_group(role) -> Group:
    """The role's group, holding exactly the role's rights (of the models that exist: a
    migrate run to an earlier state may lack some)."""
    group, _ = Group.objects.get_or_create(name=role_group_name(role))
    permissions = []
    for name in sorted(ROLE_PERMISSIONS.get(role, ())):
        try:
            permissions.append(_permission(name))
        except ContentType.DoesNotExist:
            continue
    group.permissions.set(permissions)
    return group


def user_role_groups_sync(user) -> None:
    """Put the user in the groups of the roles they hold, and out of the others."""
    held = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    for role in Role.values:
        group = role_group(role)
        if role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def role_groups_sync() -> None:
    """Every role's group with its rights, and exactly the holders of the role in it."""
    from django.contrib.auth import get_user_model

    for role in Role.values:
        group = role_group(role)
        holders = Membership.objects.filter(role=role).values_list("user_id", flat=True)
        group.user_set.set(get_user_model().objects.filter(pk__in=holders))


def role_groups_after_migrate(sender, using="default", **kwargs):
    if using != "default":
        return
    role_groups_sync()
