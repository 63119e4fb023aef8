"""Bond documents: authorization letter and voucher (PDF), the case list export."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from bondfund import resources
from bondfund.models import BondRequest
from bondfund.pdfs import bond_authorization_issue, disbursement_voucher_issue
from bondfund.selectors import bond_request_for, bond_requests_visible_to
from casework.downloads import case_pdf_or_back, cases_export
from core.imports import import_job_create
from core.models import PartnerOrganization
from core.models_imports import ImportJob
from core.pdf_common import reader_language
from core.tenancy import Scope


@require_GET
@login_required
def authorization_pdf(request, pk):
    bond = bond_request_for(request.user, pk)
    return case_pdf_or_back(request, bond, lambda: bond_authorization_issue(
        actor=request.user, bond=bond), back="bondfund:request_detail")


@require_GET
@login_required
def voucher_pdf(request, pk):
    bond = bond_request_for(request.user, pk)
    return case_pdf_or_back(request, bond, lambda: disbursement_voucher_issue(
        actor=request.user, bond=bond, language=reader_language(request)),
        back="bondfund:request_detail")


CASE_HEADERS = (_("Case"), _("State"), _("Consulate"), _("Beneficiary"), _("Case reference"),
                _("A-number"), _("Program"), _("Obligor"), _("Decided by"), _("Decision date"),
                _("Bond amount"), _("Currency"), _("Amount disbursed"), _("Disbursed on"),
                _("Posted on"), _("Released on"), _("Created at"))


def _money_cells(money):
    return (money.amount, str(money.currency)) if money is not None else ("", "")


def case_rows(bonds):
    tz = timezone.get_current_timezone()
    for r in bonds.order_by("created_at", "id").iterator(chunk_size=2000):
        amount, currency = _money_cells(r.amount)
        yield (r.reference, r.get_state_display(), r.consulate.code, r.beneficiary.full_name,
               r.beneficiary.reference, r.beneficiary.a_number_display, r.program.name,
               r.obligor.name if r.obligor else "", r.get_authority_display(), r.decided_on,
               amount, currency, _money_cells(r.disbursed_amount)[0], r.disbursed_on,
               r.posted_on, r.released_on, r.created_at.astimezone(tz))


@require_GET
@login_required
def requests_export(request, fmt):
    return cases_export(request, fmt, model=BondRequest,
                        cases=bond_requests_visible_to(request.user), rows=case_rows,
                        headers=CASE_HEADERS, stem="bond-cases", sheet_title="Cases")


class ReleaseImportForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner organization"),
                                     queryset=PartnerOrganization.objects.none())
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: a_number or case_reference, release_date "
                                       "(YYYY-MM-DD)."))

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        if partners.count() == 1:
            self.fields["partner"].initial = partners.first()


@login_required
@require_http_methods(["GET", "POST"])
def release_import(request):
    """Partner staff upload their release confirmations; only their posted bonds match."""
    scope = Scope.of(request.user)
    if not scope.is_partner:
        raise PermissionDenied
    partners = PartnerOrganization.objects.filter(pk__in=scope.partner_ids)
    form = ReleaseImportForm(request.POST or None, request.FILES or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(actor=request.user, kind=ImportJob.Kind.RELEASES,
                                    upload=form.cleaned_data["file"],
                                    partner=form.cleaned_data["partner"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("core:import_job_detail", pk=job.pk)
    return render(request, "documents/import_upload.html", {
        "form": form, "title": _("Import release confirmations"),
        "columns": resources.RELEASE_COLUMNS, "kind": ImportJob.Kind.RELEASES})
