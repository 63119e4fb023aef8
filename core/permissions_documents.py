"""Who may import and export: a role of the house AND the model's import/export permission.

The roles say whose rows (selectors still limit them); the Django permissions
`<app>.import_<model>` / `<app>.export_<model>` (django-import-export's codes, settings
IMPORT_EXPORT_*_PERMISSION_CODE, also used by the admin's import/export buttons) say who
was given the right. A user needs both. ROLE_PERMISSIONS is what each role is normally
given (the demo and the test factories grant it).
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from core.models import Role
from core.tenancy import Scope

EXPORT_ROLES = (Role.PROGRAM_ADMIN, Role.AUDITOR, Role.FINANCE_APPROVER,
                Role.CONSULATE_OFFICER)
FINANCE_EXPORT_ROLES = (Role.PROGRAM_ADMIN, Role.AUDITOR, Role.FINANCE_APPROVER)

CASE_EXPORT_ROLES = (Role.PROGRAM_ADMIN, Role.AUDITOR, Role.FINANCE_APPROVER,
                     Role.CONSULATE_OFFICER)
# Core's own rights; each case app adds its models' through role_permissions_register() in
# its ready(), so core never names a domain app.
ROLE_PERMISSIONS = {
    Role.PROGRAM_ADMIN: ["core.export_beneficiary", "ledger.export_transfer",
                         "core.import_beneficiary"],
    Role.AUDITOR: ["core.export_beneficiary", "ledger.export_transfer"],
    Role.FINANCE_APPROVER: ["core.export_beneficiary", "ledger.export_transfer"],
    Role.CONSULATE_OFFICER: ["core.export_beneficiary"],
}


def role_permissions_register(*, roles, names) -> None:
    """Give these roles these `<app>.<code>_<model>` rights by default (idempotent)."""
    for role in roles:
        granted = ROLE_PERMISSIONS.setdefault(role, [])
        granted.extend(name for name in names if name not in granted)


def may_export(user, model, roles=EXPORT_ROLES):
    return Scope.of(user).has_role(*roles) and user.has_perm(_perm("export", model))


def may_import(user, model):
    """Imports are for headquarters' program administrators holding the permission."""
    return (Scope.of(user).is_headquarters(Role.PROGRAM_ADMIN)
            and user.has_perm(_perm("import", model)))


def require_export(user, model, roles=EXPORT_ROLES):
    if not may_export(user, model, roles):
        raise PermissionDenied


def require_import(user, model):
    if not may_import(user, model):
        raise PermissionDenied


def document_permissions_grant(*, user, roles):
    """Give the user the import/export permissions of these roles (again: no change)."""
    names = {name for role in roles for name in ROLE_PERMISSIONS.get(role, ())}
    user.user_permissions.add(*[_permission(name) for name in sorted(names)])
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)


def _permission(name):
    app_label, codename = name.split(".")
    model = codename.split("_", 1)[1]
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"})
    return permission


def _perm(code, model):
    return f"{model._meta.app_label}.{code}_{model._meta.model_name}"
