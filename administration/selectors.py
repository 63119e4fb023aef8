"""What a program administrator administers: everything from headquarters; from a consulate,
that consulate, the partners serving it and the people working there or for those partners.
Other roles get a PermissionDenied; an object outside the scope is a 404."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from core.models import Consulate, Membership, PartnerOrganization, Role
from core.tenancy import Scope


def administrator_scope(user) -> Scope:
    scope = Scope.of(user)
    scope.require(Role.PROGRAM_ADMIN)
    return scope


def is_headquarters_administrator(user) -> bool:
    return administrator_scope(user).is_headquarters(Role.PROGRAM_ADMIN)


def consulates_administered_by(user):
    scope = administrator_scope(user)
    return Consulate.objects.filter(scope.consulate_q("pk", Role.PROGRAM_ADMIN))


def partners_administered_by(user):
    scope = administrator_scope(user)
    if scope.is_headquarters(Role.PROGRAM_ADMIN):
        return PartnerOrganization.objects.all()
    ids = scope.consulate_ids(Role.PROGRAM_ADMIN)
    return PartnerOrganization.objects.filter(
        pk__in=PartnerOrganization.consulates.through.objects.filter(
            consulate_id__in=ids).values("partnerorganization_id"))


def partner_list(user):
    return (partners_administered_by(user).order_by("name", "pk")
            .prefetch_related(Prefetch("consulates", Consulate.objects.order_by("code"))))


def partner_get(user, pk):
    return get_object_or_404(partners_administered_by(user), pk=pk)


def consulate_get(user, pk):
    return get_object_or_404(consulates_administered_by(user), pk=pk)


def memberships_administered_by(user):
    """Memberships this administrator may see and remove."""
    scope = administrator_scope(user)
    if scope.is_headquarters(Role.PROGRAM_ADMIN):
        return Membership.objects.all()
    return Membership.objects.filter(
        Q(consulate_id__in=scope.consulate_ids(Role.PROGRAM_ADMIN))
        | Q(partner__in=partners_administered_by(user)))


def users_administered_by(user):
    scope = administrator_scope(user)
    users = get_user_model().objects.all()
    if not scope.is_headquarters(Role.PROGRAM_ADMIN):
        users = users.filter(pk__in=memberships_administered_by(user).values("user_id"))
    return users


def _memberships_prefetch(user):
    """Only the memberships this administrator administers are shown."""
    return Prefetch("memberships", memberships_administered_by(user)
                    .select_related("consulate", "partner").order_by("role", "pk"))


def user_list(user, *, query=""):
    users = users_administered_by(user)
    query = (query or "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(email__icontains=query)
                             | Q(first_name__icontains=query) | Q(last_name__icontains=query))
    return users.order_by("last_name", "first_name", "pk").prefetch_related(
        _memberships_prefetch(user))


def user_get(user, pk):
    return get_object_or_404(users_administered_by(user).prefetch_related(
        _memberships_prefetch(user)), pk=pk)


def last_invitation_of(target):
    return target.invitations.order_by("-created_at", "-pk").first()
