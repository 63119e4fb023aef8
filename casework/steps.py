"""The step every change of a case takes: lock, guard, transition, audit, notify."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from casework.kinds import CaseKind
from casework.sentences import case_sentence
from core.audit import audit_record
from core.notify import notify


def out_of_order(case) -> ValidationError:
    return ValidationError(
        _("%(ref)s is now “%(state)s”: that step is no longer possible. Nothing was changed.")
        % {"ref": case.reference, "state": case.get_state_display()})


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def require_comment(comment: str, message=None) -> None:
    if not (comment or "").strip():
        raise ValidationError(message or _("Please say why in the comment."))


def require_state(case: models.Model, *states: str) -> None:
    if case.state not in states:
        raise out_of_order(case)


def case_lock(kind: CaseKind, case_id: int) -> models.Model:
    """The case re-read and locked for the rest of the transaction (its own row only)."""
    return (kind.model.objects.select_for_update(of=("self",))
            .select_related("program", "beneficiary", "consulate").get(pk=case_id))


def case_proceed(case: models.Model, name: str, /, **kwargs) -> None:
    method = getattr(case, name)
    if not can_proceed(method):
        raise out_of_order(case)
    method(**kwargs)


def case_audit(kind: CaseKind, case, *, actor, action: str, changes=None, comment="") -> None:
    audit_record(actor=actor, action=f"{kind.label}.{action}", obj=case, changes=changes,
                 comment=comment, consulate_id=case.consulate_id,
                 partner_id=kind.partner_of(case))


def case_notify(kind: CaseKind, case, *, users, action: str, actor=None, comment="") -> None:
    """E-mail the people who act next (never the one who acted), after commit."""
    users = [u for u in users if u is not None and u.pk != getattr(actor, "pk", None)]
    if not users:
        return
    notify(users=list({u.pk: u for u in users}.values()),
           subject=case_sentence(kind, case, action), template_name=kind.email_template,
           context={"ref": case.reference, "beneficiary": str(case.beneficiary),
                    "state": case.get_state_display(), "program": case.program.name,
                    "amount": str(case.amount), "comment": comment,
                    "sentence": case_sentence(kind, case, action),
                    "path": reverse(kind.detail_url, args=[case.pk])})


def case_transition(kind: CaseKind, case, name: str, *, actor, action: str | None = None,
                    comment="", changes=None, notify_users=(), **kwargs):
    """Stamp the transition `name`, save, record who/when/from/to/why, tell the next people."""
    before = case.state
    case_proceed(case, name, **kwargs)
    case.save()
    action = action or name
    case_audit(kind, case, actor=actor, action=action, comment=comment,
               changes={"state": [before, case.state], **(changes or {})})
    case_notify(kind, case, users=notify_users, action=action, actor=actor, comment=comment)
    return case
