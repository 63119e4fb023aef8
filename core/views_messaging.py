"""Pages that change how a person is reached: a family contact's details, and resuming
messages after the person or the contact said STOP."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import selectors
from core.consent import opted_out_sentence
from core.forms import FamilyContactForm
from core.forms_messaging import MessagesResumeForm
from core.services_messaging import family_contact_update, person_messages_resume


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _contact_of(beneficiary, contact_pk):
    contact = beneficiary.family_contacts.filter(pk=contact_pk).first()
    if contact is None:
        raise Http404
    return contact


@login_required
def family_contact_edit(request, pk, contact_pk):
    beneficiary = selectors.beneficiary_for_change(request.user, pk)
    contact = _contact_of(beneficiary, contact_pk)
    form = FamilyContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            family_contact_update(actor=request.user, beneficiary_id=beneficiary.pk,
                                  contact_id=contact.pk, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The details of %(name)s were saved.")
                             % {"name": contact.name})
            return redirect("core:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "core/family_contact_form.html",
                  {"form": form, "beneficiary": beneficiary, "contact": contact})


@login_required
def messages_resume(request, pk, contact_pk=None):
    """Clear an opt-out: only with the officer's explicit confirmation that the person
    asked again, and how."""
    beneficiary = selectors.beneficiary_for_change(request.user, pk)
    person = beneficiary if contact_pk is None else _contact_of(beneficiary, contact_pk)
    if not person.messages_opted_out_at:
        messages.info(request, _("This person had not asked to stop messages."))
        return redirect("core:beneficiary_detail", pk=beneficiary.pk)
    form = MessagesResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_messages_resume(actor=request.user, beneficiary_id=beneficiary.pk,
                                   contact_id=contact_pk, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Messages to %(name)s can be sent again.")
                             % {"name": getattr(person, "name", beneficiary.full_name)})
            return redirect("core:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "core/messages_resume.html", {
        "form": form, "beneficiary": beneficiary,
        "name": getattr(person, "name", beneficiary.full_name),
        "opted_out": opted_out_sentence(person),
    })
