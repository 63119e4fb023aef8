"""Audit actions ("bond_request.approve") as words people read ("Bond request: approval").

The trail keeps the code; pages show `audit_sentence(code)`. A code not listed here still
reads as words: its parts with spaces, never the raw code.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NOUNS = {
    "bond_request": gettext_lazy("Bond request"),
    "grant_application": gettext_lazy("Grant application"),
    "beneficiary": gettext_lazy("Person's record"),
    "bond_program": gettext_lazy("Bond program"),
    "grant_program": gettext_lazy("Grant program"),
    "import": gettext_lazy("Import"),
    "notification": gettext_lazy("Message"),
    "messages": gettext_lazy("Messages"),
    "statement_batch": gettext_lazy("Monthly statements"),
    "user": gettext_lazy("User"),
    "auth": gettext_lazy("Sign-in"),
    "membership": gettext_lazy("Role"),
    "payments": gettext_lazy("Payments"),
    "disbursement": gettext_lazy("Payment"),
    "pale": gettext_lazy("Legal advice"),
    "obligations": gettext_lazy("Hearings and check-ins"),
    "ledger": gettext_lazy("Ledger"),
}

ACTIONS = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "submit": gettext_lazy("sent for approval"),
    "approval": gettext_lazy("signed by an approver"),
    "approve": gettext_lazy("approved"),
    "return": gettext_lazy("returned for changes"),
    "reject": gettext_lazy("rejected"),
    "withdraw": gettext_lazy("withdrawn"),
    "void": gettext_lazy("voided, money released"),
    "stay": gettext_lazy("stayed (EOIR-43)"),
    "lift_stay": gettext_lazy("stay lifted"),
    "mark_ineligible": gettext_lazy("marked ineligible"),
    "request_payment": gettext_lazy("payment requested"),
    "payment_failed": gettext_lazy("payment failed"),
    "payment_reversed": gettext_lazy("payment came back"),
    "payment_reversed_late": gettext_lazy("payment came back late"),
    "confirm_posting": gettext_lazy("posted with ICE (I-305)"),
    "confirm_release": gettext_lazy("release confirmed"),
    "confirm_receipt": gettext_lazy("receipt confirmed"),
    "receipt": gettext_lazy("receipt recorded"),
    "cancel": gettext_lazy("bond cancelled (I-391), refund due"),
    "breach": gettext_lazy("breach recorded (I-323)"),
    "record_refund": gettext_lazy("refund recorded"),
    "write_off": gettext_lazy("written off"),
    "close": gettext_lazy("closed"),
    "document": gettext_lazy("document added"),
    "move": gettext_lazy("moved"),
    "allocate": gettext_lazy("money allocated"),
    "reallocate": gettext_lazy("money moved between consulates"),
    "partner_cap": gettext_lazy("partner cap set"),
    "merge": gettext_lazy("records merged"),
    "merge_undo": gettext_lazy("merge undone"),
    "upload": gettext_lazy("file uploaded"),
    "confirm": gettext_lazy("confirmed"),
    "retry": gettext_lazy("sent again"),
    "start": gettext_lazy("started"),
    "run": gettext_lazy("run"),
    "issue": gettext_lazy("issued"),
    "open": gettext_lazy("opened"),
    "resolve": gettext_lazy("resolved"),
    "save": gettext_lazy("saved"),
    "opt_out": gettext_lazy("the person asked not to be contacted"),
    "language_set": gettext_lazy("language changed"),
    "backup_codes_generate": gettext_lazy("new backup codes created"),
    "duplicate_dismiss": gettext_lazy("not a duplicate"),
    "location_record": gettext_lazy("whereabouts recorded"),
    "service_record": gettext_lazy("service recorded"),
    "family_subscribe": gettext_lazy("family signed up for messages"),
    "messages_consent": gettext_lazy("agreed to receive messages"),
    "messages_withdraw": gettext_lazy("consent to messages withdrawn"),
    "messages_resume": gettext_lazy("messages resumed: the person asked again"),
    "family_contact_update": gettext_lazy("family contact changed"),
}


def _words(code: str) -> str:
    return code.replace("_", " ").strip()


def audit_sentence(action: str) -> str:
    """'bond_request.approve' -> 'Bond request: approved'; unknown parts read as words."""
    head, _sep, rest = (action or "").partition(".")
    noun = NOUNS.get(head) or _words(head).capitalize()
    if not rest:
        return str(noun)
    verb = ACTIONS.get(rest) or ACTIONS.get(rest.rpartition(".")[2]) or _words(
        rest.replace(".", " "))
    return _("%(subject)s: %(what)s") % {"subject": noun, "what": verb}
