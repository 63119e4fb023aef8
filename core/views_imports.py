"""Import pages: upload, the job's status (progress, preview, row errors), confirm."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core.documents import document_visible
from core.import_targets import import_target
from core.imports import import_job_confirm, import_job_create
from core.models import Beneficiary, Role
from core.models_imports import DocumentBatch, DocumentBatchFile, ImportJob
from core.permissions_documents import require_import
from core.tenancy import Scope
from core.uploads import private_file_response

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
    """Draft bond requests for beneficiaries on record (the bond app registers the target)."""
    target = import_target(ImportJob.Kind.BOND_REQUESTS)
    require_import(request.user, target.model)
    columns = target.columns
    return upload_page(
        request, kind=ImportJob.Kind.BOND_REQUESTS, template="documents/import_upload.html",
        context={"title": _("Import bond requests"), "columns": columns},
        start=lambda upload: import_job_create(
            actor=request.user, kind=ImportJob.Kind.BOND_REQUESTS, upload=upload))


@login_required
def import_job_detail(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    return render(request, "documents/import_job.html",
                  {"job": job, "saved_so_far": job.saved_count})


@login_required
@require_POST
def import_job_confirm_view(request, pk):
    get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    try:
        import_job_confirm(actor=request.user, job_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("core:import_job_detail", pk=pk)


# Document batches (monthly statements made by a worker) ----------------------------------

BATCH_READERS = (Role.PROGRAM_ADMIN, Role.FINANCE_APPROVER, Role.AUDITOR,
                 Role.CONSULATE_OFFICER, Role.PARTNER_STAFF)


def _visible_files(user, batch):
    scope = Scope.of(user)
    files = batch.files.select_related("document").order_by("holder", "pk")
    return [f for f in files if document_visible(document=f.document, scope=scope)]


@login_required
def document_batch_detail(request, pk):
    """A batch's progress and the statements in it the user may read (their own holder's)."""
    if not Scope.of(request.user).has_role(*BATCH_READERS):
        raise PermissionDenied
    batch = get_object_or_404(DocumentBatch, pk=pk)
    response = render(request, "documents/document_batch.html",
                      {"batch": batch, "files": _visible_files(request.user, batch)})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_batch_file(request, pk):
    item = get_object_or_404(DocumentBatchFile.objects.select_related("document"), pk=pk)
    if not document_visible(document=item.document, scope=Scope.of(request.user)):
        raise Http404
    return private_file_response(item.storage_name, download_name=f"{item.document.number}.pdf",
                                 content_type="application/pdf")
