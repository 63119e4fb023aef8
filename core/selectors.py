"""Reads, already scoped to the user: outside the scope is a 404, a role that may not read
is a PermissionDenied."""

from django.db.models import Q
from django.http import Http404

from core.models import AuditEvent, Beneficiary, Consulate, Role
from core.tenancy import Scope

BENEFICIARY_READERS = (Role.CONSULATE_OFFICER, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN,
                       Role.AUDITOR)
BENEFICIARY_WRITERS = (Role.CONSULATE_OFFICER, Role.PROGRAM_ADMIN)
AUDIT_READERS = (Role.AUDITOR, Role.PROGRAM_ADMIN)


def beneficiaries_visible_to(user, *, query="", include_merged=False):
    scope = Scope.of(user)
    scope.require(*BENEFICIARY_READERS)
    qs = Beneficiary.objects.filter(scope.consulate_q("consulate", *BENEFICIARY_READERS))
    if not include_merged:
        qs = qs.active()
    query = (query or "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = (
            Q(reference__iexact=query)
            | Q(curp__iexact=query)
            | Q(given_names__icontains=query)
            | Q(family_names__icontains=query)
        )
        if len(digits) >= 8:
            condition |= Q(a_number=digits.zfill(9))
        qs = qs.filter(condition)
    return qs.select_related("consulate")


def beneficiary_get(user, pk):
    """A beneficiary the user may read; a merged record is found too (it says where it went)."""
    try:
        return beneficiaries_visible_to(user, include_merged=True).select_related(
            "merged_into", "created_by"
        ).get(pk=pk)
    except Beneficiary.DoesNotExist:
        raise Http404 from None


def beneficiary_for_change(user, pk):
    """A beneficiary the user may edit: 403 for a role that never edits, 404 outside scope."""
    scope = Scope.of(user)
    scope.require(*BENEFICIARY_WRITERS)
    beneficiary = beneficiary_get(user, pk)
    if not scope.reaches_consulate(beneficiary.consulate_id, *BENEFICIARY_WRITERS):
        raise Http404
    return beneficiary


def consulates_for_new_beneficiaries(user):
    scope = Scope.of(user)
    scope.require(*BENEFICIARY_WRITERS)
    return Consulate.objects.filter(scope.consulate_q("pk", *BENEFICIARY_WRITERS))


def recent_beneficiaries(user, *, limit=10):
    return beneficiaries_visible_to(user).order_by("-created_at")[:limit]


def audit_events_visible_to(user, *, action="", object_type="", actor="", date_from=None,
                            date_to=None):
    scope = Scope.of(user)
    scope.require(*AUDIT_READERS)
    qs = AuditEvent.objects.select_related("actor", "consulate", "partner")
    if not scope.is_headquarters(*AUDIT_READERS):
        qs = qs.filter(consulate_id__in=scope.consulate_ids(*AUDIT_READERS))
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor:
        qs = qs.filter(actor__username__iexact=actor)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-id")


def audit_filter_choices():
    return {
        "actions": list(
            AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        ),
        "object_types": list(
            AuditEvent.objects.order_by("object_type")
            .values_list("object_type", flat=True)
            .distinct()
        ),
    }


def object_history(obj, *, limit=100):
    """Audit events about one object, newest first: for that object's own page, whose view
    has already checked the reader may see the object."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-id")[:limit]
    )
