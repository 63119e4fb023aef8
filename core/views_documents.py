"""Checking an issued PDF: number and verification code, within the user's scope."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.documents import CODE_LENGTH, document_verify
from core.tenancy import Scope


class DocumentVerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Document number"), max_length=20, strip=True,
        help_text=_("As printed at the foot of the document, e.g. FZ-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Verification code"), max_length=CODE_LENGTH + 4, strip=True,
        help_text=_("The 10-character code printed next to the number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


@require_GET
@login_required
def document_verify_view(request):
    """Any signed-in role; a document outside the user's scope reads as not found."""
    form = DocumentVerifyForm(request.GET or None)
    document, searched = None, False
    if form.is_valid():
        searched = True
        document = document_verify(
            number=form.cleaned_data["number"],
            code=form.cleaned_data["code"],
            scope=Scope.of(request.user),
        )
    return render(
        request,
        "core/document_verify.html",
        {"form": form, "document": document, "searched": searched},
    )
