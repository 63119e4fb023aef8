"""Pages for one record per person: recording whereabouts and services, undoing a merge,
and the queue of likely duplicates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import selectors
from core.duplicate_queue import (
    REVIEWERS,
    duplicate_review_dismiss,
    duplicate_reviews_visible_to,
    review_reason_texts,
)
from core.forms_people import CommentForm, PersonLocationForm, PersonServiceForm
from core.merge import beneficiary_merge_undo
from core.tenancy import Scope
from core.whereabouts import person_location_record, person_service_record


def _record(request, pk, form_class, service, title):
    beneficiary = selectors.beneficiary_for_change(request.user, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, beneficiary_id=beneficiary.pk, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Recorded on %(reference)s.")
                             % {"reference": beneficiary.reference})
            return redirect("core:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "core/person_record_form.html",
                  {"form": form, "beneficiary": beneficiary, "title": title})


@login_required
def location_record(request, pk):
    return _record(request, pk, PersonLocationForm, person_location_record,
                   _("Where the person is"))


@login_required
def service_record(request, pk):
    return _record(request, pk, PersonServiceForm, person_service_record,
                   _("A service the person received"))


@require_POST
@login_required
def merge_undo(request, merge_pk):
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        duplicate = beneficiary_merge_undo(actor=request.user, merge_id=merge_pk,
                                           comment=comment)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("core:duplicate_queue")
    messages.success(request, _("The merge was undone: %(reference)s is a record of its own "
                                "again.") % {"reference": duplicate.reference})
    return redirect("core:beneficiary_detail", pk=duplicate.pk)


@login_required
def duplicate_queue(request):
    if not Scope.of(request.user).has_role(*REVIEWERS):
        raise PermissionDenied
    reviews = list(duplicate_reviews_visible_to(request.user)[:100])
    rows = [{"review": r, "reasons": review_reason_texts(r)} for r in reviews]
    return render(request, "core/duplicate_queue.html", {"rows": rows})


@require_POST
@login_required
def duplicate_dismiss(request, review_pk):
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        duplicate_review_dismiss(actor=request.user, review_id=review_pk, comment=comment)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Marked as different people; the pair will not be "
                                    "proposed again."))
    return redirect("core:duplicate_queue")
