"""Reads, already scoped to the user: outside the scope is a 404, a role that may not read
is a PermissionDenied."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import connection
from django.http import Http404
from django.utils import timezone

from core.models import AuditEvent, Beneficiary, Consulate, Role
from core.search import Hit, search_beneficiaries
from core.tenancy import Scope

BENEFICIARY_READERS = (Role.CONSULATE_OFFICER, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN,
                       Role.AUDITOR)
BENEFICIARY_WRITERS = (Role.CONSULATE_OFFICER, Role.PROGRAM_ADMIN)
AUDIT_READERS = (Role.AUDITOR, Role.PROGRAM_ADMIN)


def beneficiaries_visible_to(user, *, query="", include_merged=False):
    """The records the user may read; with a query, those the search finds (any order)."""
    scope = Scope.of(user)
    scope.require(*BENEFICIARY_READERS)
    qs = Beneficiary.objects.filter(scope.consulate_q("consulate", *BENEFICIARY_READERS))
    if not include_merged:
        qs = qs.active()
    if (query or "").strip():
        qs = qs.filter(pk__in=[hit.beneficiary.pk for hit in search_beneficiaries(qs, query)])
    return qs.select_related("consulate")


@dataclass(frozen=True)
class SearchRow:
    """A search hit; outside the user's consulates only where it is registered shows."""

    hit: Hit
    visible: bool

    @property
    def beneficiary(self):
        return self.hit.beneficiary


def beneficiary_search(user, query, *, limit=50):
    """Active records across the network for what was typed, best first."""
    scope = Scope.of(user)
    scope.require(*BENEFICIARY_READERS)
    hits = search_beneficiaries(Beneficiary.objects.active(), query, limit=limit)
    return [SearchRow(hit, scope.reaches_consulate(hit.beneficiary.consulate_id,
                                                   *BENEFICIARY_READERS)) for hit in hits]


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
    # Instants, not created_at::date; and, since events are appended in time order under the
    # chain's lock, the same range as ids: the list then walks only that stretch of its index.
    if date_from:
        start = _day_start(date_from)
        qs = qs.filter(created_at__gte=start, pk__gte=_first_id_from(start))
    if date_to:
        end = _day_start(date_to + timedelta(days=1))
        qs = qs.filter(created_at__lt=end, pk__lte=_last_id_before(end))
    return qs.order_by("-id")


def _first_id_from(instant):
    first = (AuditEvent.objects.filter(created_at__gte=instant).order_by("created_at")
             .values_list("pk", flat=True).first())
    return first if first is not None else 1 << 62


def _last_id_before(instant):
    last = (AuditEvent.objects.filter(created_at__lt=instant).order_by("-created_at")
            .values_list("pk", flat=True).first())
    return last if last is not None else 0


def _day_start(day):
    return datetime.combine(day, time.min, timezone.get_current_timezone())


@dataclass(frozen=True)
class KeysetPage:
    """One page of a list in id order, newest first: `older` and `newer` are the ids to pass as
    `before` and `after` for the neighbouring pages (None when there is none)."""

    object_list: list
    older: int | None = None
    newer: int | None = None


def keyset_page(rows, *, before=None, after=None, size=50) -> KeysetPage:
    """A page of `rows` (ordered by -id) after or before an id: no COUNT(*) and no OFFSET, so
    the cost stays the same at any depth of a table with millions of rows."""
    if after is not None:
        found = list(rows.filter(pk__gt=after).order_by("id")[:size + 1])
        page = found[:size][::-1]
        newer = page[0].pk if len(found) > size else None
        return KeysetPage(page, older=page[-1].pk if page else None, newer=newer)
    found = list((rows.filter(pk__lt=before) if before is not None else rows)[:size + 1])
    page = found[:size]
    older = page[-1].pk if len(found) > size else None
    newer = page[0].pk if before is not None and page else None
    return KeysetPage(page, older=older, newer=newer)


_DISTINCT_SQL = (
    'WITH RECURSIVE seen (value) AS (SELECT min("{column}") FROM "{table}"'
    ' UNION ALL SELECT (SELECT min("{column}") FROM "{table}" WHERE "{column}" > seen.value)'
    ' FROM seen WHERE seen.value IS NOT NULL) SELECT value FROM seen WHERE value IS NOT NULL'
)


def _distinct_values(column):
    """The column's distinct values by skipping through its index, one probe per value
    (a loose index scan), instead of SELECT DISTINCT over every row."""
    sql = _DISTINCT_SQL.format(column=column, table=AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]


def audit_filter_choices():
    return {"actions": _distinct_values("action"),
            "object_types": _distinct_values("object_type")}


def object_history(obj, *, limit=100):
    """Audit events about one object, newest first: for that object's own page, whose view
    has already checked the reader may see the object."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-id")[:limit]
    )
