"""Import pages: upload, the job's status (progress, preview, row errors), confirm."""

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core.documents import document_visible
from core.import_targets import ImportColumn, import_target
from core.imports import import_job_confirm, import_job_create
from core.models import Beneficiary, Consulate, MessageChannel, PreferredLanguage, Role
from core.models_imports import DocumentBatch, DocumentBatchFile, ImportJob
from core.permissions_documents import require_import
from core.tenancy import Scope
from core.uploads import private_file_response


def _yes_no():
    return [("yes", _("Yes")), ("no", _("No"))]


BENEFICIARY_COLUMNS = (
    ImportColumn("consulate", required=True, description=_(
        "The consulate of record, by its three-letter code."), example="CHI",
        codes=lambda: list(Consulate.objects.order_by("code").values_list("code", "name"))),
    ImportColumn("given_names", required=True, description=_("Given names."),
                 example="Ximena"),
    ImportColumn("family_names", required=True, description=_("Family names."),
                 example="Alvarado Quintero"),
    ImportColumn("date_of_birth", required=True, description=_("Date of birth, YYYY-MM-DD."),
                 example="1990-04-17"),
    ImportColumn("country_of_birth", description=_("Two-letter country code (MX when empty)."),
                 example="MX"),
    ImportColumn("a_number", description=_("A-number, 8 or 9 digits."),
                 example="A-012-345-678"),
    ImportColumn("curp", description=_("CURP, 18 characters."), example=""),
    ImportColumn("preferred_language", description=_("Preferred language (Spanish when "
                                                     "empty)."),
                 example="es", codes=lambda: PreferredLanguage.choices),
    ImportColumn("accessibility_needs", description=_("Accessibility needs."), example=""),
    ImportColumn("phone", description=_("Phone."), example="+1 312 555 0100"),
    ImportColumn("email", description=_("E-mail."), example=""),
    ImportColumn("address", description=_("Address."), example=""),
    ImportColumn("consents_to_family_lookup", description=_(
        "Whether the person agrees that family can follow the case on the public status "
        "page."), example="no", codes=_yes_no),
    ImportColumn("message_consent", description=_(
        "Whether the person agrees to receive messages (court-date reminders)."),
        example="yes", codes=_yes_no),
    ImportColumn("message_channel", description=_("How to send the messages."),
                 example="sms", codes=lambda: MessageChannel.choices),
    ImportColumn("mobile_number", description=_("Mobile number for SMS or WhatsApp."),
                 example="+1 312 555 0100"),
    ImportColumn("consent_comment", description=_(
        "How the person gave consent to receive messages; required when message_consent "
        "is yes."), example="Agreed by phone with the officer on 2025-11-02"),
    ImportColumn("opened_on", description=_(
        "Day the case was opened, YYYY-MM-DD: a case of an earlier year gets a case "
        "reference of that year (CHI-2025-…). Today when empty."), example="2025-11-02"),
    ImportColumn("confirm_distinct", description=_(
        "yes when a likely duplicate was checked and is a different person."),
        example="", codes=_yes_no),
)
SAMPLE_KINDS = {ImportJob.Kind.BENEFICIARIES, ImportJob.Kind.BOND_REQUESTS,
                ImportJob.Kind.RELEASES}


def import_columns(kind):
    if kind == ImportJob.Kind.BENEFICIARIES:
        return BENEFICIARY_COLUMNS
    return import_target(kind).columns


def require_import_kind(user, kind):
    """Who may bring in this kind of file (and read how to write one)."""
    if kind == ImportJob.Kind.RELEASES:
        if not Scope.of(user).is_partner:
            raise PermissionDenied
    elif kind == ImportJob.Kind.BENEFICIARIES:
        require_import(user, Beneficiary)
    else:
        require_import(user, import_target(kind).model)


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
    return render(request, template, {"form": form, "kind": kind,
                                      "columns": import_columns(kind), **context})


@login_required
@require_http_methods(["GET", "POST"])
def beneficiary_import(request):
    require_import(request.user, Beneficiary)
    return upload_page(
        request, kind=ImportJob.Kind.BENEFICIARIES, template="documents/import_upload.html",
        context={"title": _("Import beneficiaries")},
        start=lambda upload: import_job_create(
            actor=request.user, kind=ImportJob.Kind.BENEFICIARIES, upload=upload))


@login_required
@require_http_methods(["GET", "POST"])
def bond_request_import(request):
    """Draft bond requests for beneficiaries on record (the bond app registers the target)."""
    target = import_target(ImportJob.Kind.BOND_REQUESTS)
    require_import(request.user, target.model)
    return upload_page(
        request, kind=ImportJob.Kind.BOND_REQUESTS, template="documents/import_upload.html",
        context={"title": _("Import bond requests")},
        start=lambda upload: import_job_create(
            actor=request.user, kind=ImportJob.Kind.BOND_REQUESTS, upload=upload))


@login_required
def import_sample(request, kind):
    """A CSV with the columns of this kind of import and one example row, written from the
    same column definitions the page explains."""
    if kind not in SAMPLE_KINDS:
        raise Http404
    require_import_kind(request.user, kind)
    columns = import_columns(kind)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.name for column in columns])
    writer.writerow([column.example for column in columns])
    response = HttpResponse(out.getvalue().encode("utf-8-sig"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sample-{kind}.csv"'
    return response


def _job_context(job):
    skipped = len(job.unmatched)
    return {"job": job, "saved_so_far": job.saved_count, "skipped": skipped,
            "new_rows": max(0, job.processed_rows - skipped),
            "drafts_url": job.kind == ImportJob.Kind.BOND_REQUESTS
            and job.status == ImportJob.Status.DONE and job.saved_count}


@login_required
def import_job_detail(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    return render(request, "documents/import_job.html", _job_context(job))


@login_required
def import_job_progress(request, pk):
    """The job's progress alone: the status page swaps it in while the job runs; once the
    job has stopped running, the browser is sent to the whole page (htmx follows it)."""
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    if not job.is_running and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("core:import_job_detail", args=[job.pk])
        return response
    return render(request, "documents/_import_progress.html", _job_context(job))


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
