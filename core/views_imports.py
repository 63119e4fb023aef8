"""Import pages: upload, the job's status (progress, preview, row errors), confirm."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core.imports import import_job_confirm, import_job_create, saving_progress
from core.models import Beneficiary
from core.models_imports import ImportJob
from core.permissions_documents import require_import

BENEFICIARY_COLUMNS = ("consulate", "given_names", "family_names", "date_of_birth",
                       "country_of_birth", "a_number", "curp", "preferred_language", "phone",
                       "email", "address", "consents_to_family_lookup", "confirm_distinct")


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("The first row names the columns."))


def upload_page(request, *, kind, template, context, start):
    """GET the form; POST store the file, queue its check and show its status page."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = start(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("core:import_job_detail", pk=job.pk)
    return render(request, template, {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def beneficiary_import(request):
    require_import(request.user, Beneficiary)
    return upload_page(
        request, kind=ImportJob.Kind.BENEFICIARIES, template="documents/import_upload.html",
        context={"title": _("Import beneficiaries"), "columns": BENEFICIARY_COLUMNS},
        start=lambda upload: import_job_create(
            actor=request.user, kind=ImportJob.Kind.BENEFICIARIES, upload=upload))


@login_required
@require_http_methods(["GET", "POST"])
def bond_request_import(request):
    """Draft bond requests for beneficiaries on record (core knows bonds by name only)."""
    require_import(request.user, apps.get_model("bondfund", "BondRequest"))
    columns = import_string("bondfund.resources.BOND_REQUEST_COLUMNS")
    return upload_page(
        request, kind=ImportJob.Kind.BOND_REQUESTS, template="documents/import_upload.html",
        context={"title": _("Import bond requests"), "columns": columns},
        start=lambda upload: import_job_create(
            actor=request.user, kind=ImportJob.Kind.BOND_REQUESTS, upload=upload))


@login_required
def import_job_detail(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    return render(request, "documents/import_job.html",
                  {"job": job, "saved_so_far": saving_progress(job)})


@login_required
@require_POST
def import_job_confirm_view(request, pk):
    get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    try:
        import_job_confirm(actor=request.user, job_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("core:import_job_detail", pk=pk)
