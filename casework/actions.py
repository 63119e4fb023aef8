"""The steps a person can take on a case, for both apps: each names its form, its service and
the transition it leads to; the states it is offered in come from the state machine itself,
so the buttons can never disagree with the transitions. One view dispatches them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import FSMField

from casework.confirmations import CONFIRMATIONS, Confirmation
from casework.kinds import CaseKind
from casework.sentences import case_sentence


@dataclass(frozen=True)
class Action:
    slug: str
    label: object
    form: type
    service: Callable
    transition: str               # the FSM method the step leads to
    may: Callable                 # (user, case) -> bool
    style: str = ""
    arguments: Callable | None = None  # (cleaned_data, currency) -> service keyword args
    then: Callable | None = None       # (service result) -> URL instead of the case's page
    done: str = ""                     # the sentence said afterwards (casework.sentences)
    shown_if: Callable | None = None   # (user, case) -> bool: a further test for the button
    confirm: Confirmation | None = None  # else the one of its transition, if it has one

    @property
    def confirmation(self) -> Confirmation | None:
        return self.confirm or CONFIRMATIONS.get(self.transition)

    def kwargs(self, cleaned: dict, currency: str) -> dict:
        return self.arguments(cleaned, currency) if self.arguments else dict(cleaned)

    def sources(self, model) -> set:
        return transition_sources(model, self.transition)

    def offered_to(self, user, case) -> bool:
        return (case.state in self.sources(type(case)) and bool(self.may(user, case))
                and (self.shown_if is None or self.shown_if(user, case)))


def state_field(model) -> FSMField:
    return next(f for f in model._meta.fields if isinstance(f, FSMField))


def transition_sources(model, name: str) -> set:
    return {t.source for t in state_field(model).get_all_transitions(model) if t.name == name}


def transitions_from(model, state: str) -> set:
    return {t.name for t in state_field(model).get_all_transitions(model)
            if t.source in (state, "*", "+")}


def actions_offered(actions: dict, user, case, bound=None) -> list:
    """(action, form) for every step this user may take now; a bound form with errors is
    shown again in place of a fresh one."""
    offered = []
    for action in actions.values():
        if action.offered_to(user, case):
            form = bound[1] if bound and bound[0] == action.slug else action.form(
                prefix=action.slug)
            offered.append((action, form))
    return offered


def case_action(request, *, kind: CaseKind, actions: dict, case, slug: str, id_arg: str,
                redisplay: Callable):
    """POST of one step: validate its form, have a step that moves money or cannot be
    undone confirmed first, call its service, say what happened. A refusal shows the form
    again with what the person typed."""
    step = actions.get(slug)
    if step is None:
        raise Http404
    if not step.may(request.user, case):
        raise PermissionDenied
    form = step.form(request.POST, request.FILES, prefix=step.slug)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return redisplay(bound=(step.slug, form))
    if step.confirmation and request.POST.get("confirm") != "1":
        return confirmation_page(request, kind=kind, step=step, case=case, form=form)
    try:
        result = step.service(actor=request.user, **{id_arg: case.pk},
                              **step.kwargs(form.cleaned_data, case.program.currency))
    except ValidationError as exc:
        if not step.offered_to(request.user, case):  # out of order: no form to keep
            messages.error(request, " ".join(str(m) for m in exc.messages))
            return redirect(kind.detail_url, pk=case.pk)
        form.add_error(None, exc)
        return redisplay(bound=(step.slug, form))
    fresh = kind.model.objects.get(pk=case.pk)
    messages.success(request, str(case_sentence(kind, fresh, _said(step, fresh))))
    if step.then:
        return redirect(step.then(result))
    return redirect(kind.detail_url, pk=case.pk)


def confirmation_page(request, *, kind: CaseKind, step: Action, case, form):
    """The second step: the consequence in words, the form as it was filled in, and one
    button that sends it again with confirm=1. Nothing has changed yet."""
    confirmation = step.confirmation
    return render(request, "casework/confirm.html", {
        "kind": kind, "case": case, "action": step, "form": form,
        "consequence": confirmation.consequence(case, form.cleaned_data),
        "confirmation": confirmation, "back_url": reverse(kind.detail_url, args=[case.pk]),
        "has_files": any(f.widget.input_type == "file" for f in form.fields.values()
                         if hasattr(f.widget, "input_type")),
    })


def _said(step: Action, case) -> str:
    if step.transition == "approve" and case.state != "approved":
        return "sign"
    return step.done or step.slug.replace("-", "_")
