"""Signing many submitted cases at once from an approval queue: each case is signed exactly as
one signature on its own page is (same service, same checks: four eyes, per-case maximum,
money and people caps), in its own transaction, so one refusal undoes nothing else."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from casework.approvals import approvals_needed, round_signers

APPROVED, AWAITING, REFUSED = "approved", "awaiting", "refused"


@dataclass(frozen=True)
class SignOutcome:
    case: object
    status: str  # APPROVED, AWAITING (another signature is needed) or REFUSED
    reason: str = ""
    signatures: int = 0
    needed: int = 0

    @property
    def label(self):
        return {APPROVED: _("Approved"), AWAITING: _("Awaiting another signature"),
                REFUSED: _("Refused")}[self.status]


def cases_sign_many(*, sign: Callable, actor, cases, comment: str = "") -> list[SignOutcome]:
    """`sign(actor=, case_id=, comment=)` is the kind's one-signature service (it opens its
    own transaction); `cases` are already scoped to the actor."""
    outcomes = []
    for case in cases:
        try:
            signed = sign(actor=actor, case_id=case.pk, comment=comment)
        except ValidationError as exc:
            outcomes.append(SignOutcome(case, REFUSED, " ".join(str(m) for m in exc.messages)))
            continue
        except PermissionDenied:
            outcomes.append(SignOutcome(case, REFUSED, str(_(
                "You may not sign this request: it is outside your consulates or your role."))))
            continue
        count, needed = len(round_signers(signed)), approvals_needed(signed)
        status = APPROVED if signed.state == "approved" else AWAITING
        outcomes.append(SignOutcome(signed, status, signatures=count, needed=needed))
    return outcomes


def with_signatures(rows) -> list:
    """Mark each case of a queue page (approvals prefetched) with this round's signatures and
    the signatures its amount needs: no query per row."""
    rows = list(rows)
    for case in rows:
        case.signatures = sum(1 for a in case.approvals.all() if a.round == case.approval_round)
        case.signatures_needed = approvals_needed(case)
    return rows
