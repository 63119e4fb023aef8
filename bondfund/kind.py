"""Bond requests as casework sees them, and what each state means: the one place that
says, for every state of the machine, what families read and which date they see."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondfund.models import BondRequest, State
from casework.kinds import (
    CASE_CLOSED,
    NOT_APPROVED,
    RECEIVED,
    REQUEST_CLOSED,
    CaseKind,
    StateWords,
)

STATES = {
    State.DRAFT: StateWords(None),
    State.SUBMITTED: StateWords(RECEIVED, "created_at"),
    State.APPROVED: StateWords(_("Bond approved")),
    State.STAYED: StateWords(_("Bond approved, on hold by the immigration authorities"),
                             "stayed_on"),
    State.DISBURSED: StateWords(_("Bond paid"), "disbursed_on"),
    State.POSTED: StateWords(_("Bond paid"), "posted_on"),
    State.RELEASED: StateWords(_("Released"), "released_on"),
    State.REFUND_DUE: StateWords(CASE_CLOSED, "cancelled_on"),
    State.CLOSED_REFUNDED: StateWords(CASE_CLOSED, "cancelled_on"),
    State.BREACHED: StateWords(CASE_CLOSED, "breached_on"),
    State.CLOSED_FORFEITED: StateWords(CASE_CLOSED, "breached_on"),
    State.REJECTED: StateWords(NOT_APPROVED),
    State.INELIGIBLE: StateWords(NOT_APPROVED),
    State.WITHDRAWN: StateWords(REQUEST_CLOSED),
    State.VOIDED: StateWords(REQUEST_CLOSED),
}

BOND = CaseKind(
    label="bond_request", model=BondRequest, key_prefix="bond", storage_folder="bonds",
    purpose="bond",
    detail_url="bondfund:request_detail", email_template="casework/email/case_changed.txt",
    noun=pgettext_lazy("sentence", "Bond request"),
    noun_lower=pgettext_lazy("sentence", "bond request"),
    service=_("Bond for release from detention"), states=STATES,
    partner_of=lambda bond: bond.obligor_id, ledger_partner_of=lambda bond: bond.obligor_id,
    maximum_of=lambda program: program.per_case_maximum,
)
