"""One signature from an approval queue's row. The first POST only says what will happen
(in the row when htmx asks, else on a page of its own); the signature is made by a second
POST carrying confirm=1, exactly as the case's own page asks. The outcome comes back as the
row (htmx) or as the page of outcomes that signing many shows."""

from types import SimpleNamespace

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.bulk import cases_sign_many
from casework.confirmations import CONFIRMATIONS

APPROVE = SimpleNamespace(label=_("Approve"))


class SignOneForm(forms.Form):
    comment = forms.CharField(label=_("Comment (recorded with your signature)"),
                              required=False, max_length=1000)


def queue_sign_one(request, *, kind, case, sign, queue_url: str, columns: int):
    """`case` is scoped to the user; `sign(actor=, case_id=, comment=)` is the kind's
    one-signature service; `columns` is the width of the queue's table."""
    form = SignOneForm(request.POST)
    context = {"kind": kind, "case": case, "columns": columns, "form": form,
               "sign_url": request.path, "queue_url": reverse(queue_url),
               "detail_url": kind.detail_url}
    if not form.is_valid() or request.POST.get("confirm") != "1":
        return _confirmation(request, context)
    outcome = cases_sign_many(sign=sign, actor=request.user, cases=[case],
                              comment=form.cleaned_data["comment"])[0]
    if request.htmx:
        return render(request, "casework/_queue_outcome_row.html",
                      {**context, "outcome": outcome, "span": columns - 5})
    return render(request, "casework/sign_outcomes.html", {
        "outcomes": [outcome], "queue_url": queue_url, "detail_url": kind.detail_url})


def _confirmation(request, context):
    confirmation = CONFIRMATIONS["approve"]
    consequence = confirmation.consequence(context["case"], {})
    if request.htmx:
        # "No, go back" fetches the queue page the person is on and keeps only this row.
        back = request.htmx.current_url_abs_path or context["queue_url"]
        return render(request, "casework/_queue_confirm_row.html",
                      {**context, "consequence": consequence, "back_url": back})
    return render(request, "casework/confirm.html", {
        **context, "action": APPROVE, "consequence": consequence,
        "confirmation": confirmation, "back_url": context["queue_url"], "has_files": False})
