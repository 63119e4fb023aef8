"""Read-only queries behind the family status page.

Families see plain words, never amounts, A-numbers, addresses of the person, partner or staff
names, documents or notes: the queries below fetch only states and dates (`values()`), so
nothing else can reach a template by accident.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Consulate
from public.references import consulate_code_of

# The general consular hotline (CIAM), for when no consulate can be named.
DEFAULT_HOTLINE = "+1 520 623 7874"

RECEIVED = _("Request received")
NOT_APPROVED = _("Not approved: please call the consulate")
REQUEST_CLOSED = _("Request closed")
CASE_CLOSED = _("Case closed")

BOND_STAGES = {
    "submitted": (RECEIVED, "created_at"),
    "approved": (_("Bond approved"), "updated_at"),
    "stayed": (_("Bond approved, on hold by the immigration authorities"), "stayed_on"),
    "disbursed": (_("Bond paid"), "disbursed_on"),
    "posted": (_("Bond paid"), "posted_on"),
    "released": (_("Released"), "released_on"),
    "refund_due": (CASE_CLOSED, "cancelled_on"),
    "closed_refunded": (CASE_CLOSED, "cancelled_on"),
    "breached": (CASE_CLOSED, "breached_on"),
    "closed_forfeited": (CASE_CLOSED, "breached_on"),
    "rejected": (NOT_APPROVED, "updated_at"),
    "ineligible": (NOT_APPROVED, "updated_at"),
    "withdrawn": (REQUEST_CLOSED, "updated_at"),
    "voided": (REQUEST_CLOSED, "updated_at"),
}
BOND_DATE_FIELDS = sorted({f for _label, f in BOND_STAGES.values()})

GRANT_STAGES = {
    "submitted": (RECEIVED, "submitted_at"),
    "approved": (_("Grant approved"), "approved_at"),
    "disbursed": (_("Grant paid"), "disbursed_on"),
    "confirmed": (_("Grant paid"), "received_on"),
    "closed": (_("Grant paid"), "closed_at"),
    "rejected": (NOT_APPROVED, "closed_at"),
    "withdrawn": (REQUEST_CLOSED, "closed_at"),
    "voided": (REQUEST_CLOSED, "closed_at"),
}
GRANT_DATE_FIELDS = sorted({f for _label, f in GRANT_STAGES.values()})

GRANT_SERVICES = {
    "family_emergency": _("Emergency support for the family"),
    "legal_fees": _("Help paying a lawyer"),
    "medical_repatriation": _("Medical return to Mexico"),
    "transfer_of_remains": _("Transfer of remains to Mexico"),
    "reintegration": _("Support on return to Mexico"),
}


@dataclass(frozen=True)
class ServiceStage:
    service: str
    stage: str
    since: date | None
    started: datetime


@dataclass(frozen=True)
class FamilyStatus:
    reference: str
    consulate: Consulate
    services: list = field(default_factory=list)

    @property
    def current(self):
        """The stage of the service that moved last."""
        dated = [s for s in self.services if s.since]
        return max(dated, key=lambda s: (s.since, s.started)) if dated else None


def family_status(beneficiary, *, reference) -> FamilyStatus:
    """What the family may read about a consenting beneficiary (a query per kind of service)."""
    services = sorted(
        [*_bond_services(beneficiary.pk), *_grant_services(beneficiary.pk)],
        key=lambda s: s.started,
    )
    return FamilyStatus(reference=reference, consulate=beneficiary.consulate, services=services)


def _bond_services(beneficiary_id):
    from bondfund.models import BondRequest

    rows = (
        BondRequest.objects.filter(beneficiary_id=beneficiary_id, state__in=BOND_STAGES)
        .order_by("created_at", "id")
        .values("state", *BOND_DATE_FIELDS)
    )
    for row in rows:
        stage, date_field = BOND_STAGES[row["state"]]
        yield ServiceStage(service=_("Bond for release from detention"), stage=stage,
                           since=_as_date(row[date_field] or row["updated_at"]),
                           started=row["created_at"])


def _grant_services(beneficiary_id):
    from grants.models import GrantApplication

    rows = (
        GrantApplication.objects.filter(beneficiary_id=beneficiary_id, state__in=GRANT_STAGES)
        .order_by("created_at", "id")
        .values("state", "program__kind", "created_at", *GRANT_DATE_FIELDS)
    )
    for row in rows:
        stage, date_field = GRANT_STAGES[row["state"]]
        yield ServiceStage(
            service=GRANT_SERVICES.get(row["program__kind"], _("Relief grant")), stage=stage,
            since=_as_date(row[date_field] or row["created_at"]), started=row["created_at"],
        )


def _as_date(value):
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def consulate_for_reference(reference):
    """The consulate a reference's prefix names (CHI-...), whether or not the case exists."""
    code = consulate_code_of(reference)
    return Consulate.objects.filter(code=code).first() if code else None


def family_hotline() -> str:
    return getattr(settings, "FIANZA_FAMILY_HOTLINE", DEFAULT_HOTLINE)
