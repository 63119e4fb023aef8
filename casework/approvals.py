"""Approvals in rounds, with tiers and four eyes, the same for every kind of case.

The rules, stated once (the stricter of what bonds and grants did):
- nobody signs a case they created or submitted;
- each approver signs once per round; a return starts a new round and keeps the old
  signatures for the record;
- the first signature holds the money (a pending reservation), so the first signer learns
  at once that the budget is short, and no later signature can fail for lack of money; a
  return, a rejection or a withdrawal releases what was held;
- consulate and headquarters approvers hear about it.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework.kinds import CaseKind
from casework.money import maximum_check, money_hold, money_release
from casework.people import approvers_of, officers_and_partner_staff_of
from casework.steps import case_audit, case_notify, case_transition
from core.approvals import approvals_required


def approvals_needed(case) -> int:
    return approvals_required(case.program.approval_tiers, case.amount.amount)


def round_signers(case) -> set:
    return set(case.approvals.filter(round=case.approval_round)
               .values_list("approver_id", flat=True))


def may_sign(user, case) -> bool:
    """Four eyes: neither the case's creator nor its submitter, and once per round."""
    return (user.pk not in (case.created_by_id, case.submitted_by_id)
            and user.pk not in round_signers(case))


def signature_check(case, actor) -> set:
    if actor.pk in (case.created_by_id, case.submitted_by_id):
        raise ValidationError(_("You created or submitted %(ref)s: a different approver must "
                                "sign it.") % {"ref": case.reference})
    signed = round_signers(case)
    if actor.pk in signed:
        raise ValidationError(_("You have already signed %(ref)s: a different approver must "
                                "sign too.") % {"ref": case.reference})
    return signed


def case_sign(kind: CaseKind, case, *, actor, comment="") -> bool:
    """One approver's signature on a locked, submitted case. True when it completes the
    program's tier and the case is approved; False when another signature is needed."""
    signed = signature_check(case, actor)
    maximum_check(kind, case)
    held_now = money_hold(kind, case, actor=actor)
    case.approvals.create(round=case.approval_round, approver=actor, comment=comment)
    needed, count = approvals_needed(case), len(signed) + 1
    if count < needed:
        case.save(update_fields=["reservation_key"])
        case_audit(kind, case, actor=actor, action="approval", comment=comment,
                   changes={"approvals": [count - 1, count], "needed": needed,
                            "money_held": held_now})
        others = [u for u in approvers_of(case) if may_sign(u, case)]
        case_notify(kind, case, users=others, action="approval", actor=actor, comment=comment)
        return False
    case_transition(kind, case, "approve", actor=actor, comment=comment,
                    changes={"approvals": [count - 1, count], "needed": needed},
                    notify_users=officers_and_partner_staff_of(case, kind.partner_of(case)),
                    reservation_key=case.reservation_key)
    return True


def case_unsubmit(kind: CaseKind, case, name: str, *, actor, action: str, comment: str,
                  notify_users=()):
    """Return, reject or withdraw a submitted case: what the first signature held goes back
    to the budget; the round's signatures stay on record."""
    released = money_release(case, actor=actor)
    case.reservation_key = ""
    return case_transition(kind, case, name, actor=actor, action=action, comment=comment,
                           changes={"money_released": released}, notify_users=notify_users)
