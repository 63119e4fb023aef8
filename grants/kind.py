"""Grant applications as casework sees them, and what each state means to families."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.kinds import NOT_APPROVED, RECEIVED, REQUEST_CLOSED, CaseKind, StateWords
from grants.models import GrantApplication, State

PAID = _("Grant paid")

STATES = {
    State.DRAFT: StateWords(None),
    State.SUBMITTED: StateWords(RECEIVED, "submitted_at"),
    State.APPROVED: StateWords(_("Grant approved"), "approved_at"),
    State.DISBURSED: StateWords(PAID, "disbursed_on"),
    State.CONFIRMED: StateWords(PAID, "received_on"),
    State.CLOSED: StateWords(PAID, "closed_at"),
    State.REJECTED: StateWords(NOT_APPROVED, "closed_at"),
    State.WITHDRAWN: StateWords(REQUEST_CLOSED, "closed_at"),
    State.VOIDED: StateWords(REQUEST_CLOSED, "closed_at"),
}

# What families read the service is, by program kind.
SERVICES = {
    "family_emergency": _("Emergency support for the family"),
    "legal_fees": _("Help paying a lawyer"),
    "medical_repatriation": _("Medical return to Mexico"),
    "transfer_of_remains": _("Transfer of remains to Mexico"),
    "reintegration": _("Support on return to Mexico"),
}

GRANT = CaseKind(
    label="grant_application", model=GrantApplication, key_prefix="grant-application",
    storage_folder="grants",
    purpose="grant", detail_url="grants:application_detail",
    email_template="casework/email/case_changed.txt",
    noun=pgettext_lazy("sentence", "Grant application"),
    noun_lower=pgettext_lazy("sentence", "grant application"),
    service=_("Relief grant"), states=STATES,
    partner_of=lambda app: app.payee_partner_id,
    ledger_partner_of=lambda app: app.payee_partner_id_for_ledger,
    maximum_of=lambda program: program.per_grant_max,
    family_fields=("program__kind",),
    family_service_of=lambda row: SERVICES.get(row["program__kind"], _("Relief grant")),
)
