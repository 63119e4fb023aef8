"""Grant documents: the award letter (PDF) and the applications export."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from casework.downloads import case_pdf_or_back, cases_export
from grants.models import GrantApplication
from grants.pdfs import grant_award_issue
from grants.selectors import grant_applications_visible_to


@require_GET
@login_required
def award_pdf(request, pk):
    application = get_object_or_404(grant_applications_visible_to(request.user), pk=pk)
    return case_pdf_or_back(request, application, lambda: grant_award_issue(
        actor=request.user, application=application), back="grants:application_detail")


GRANT_HEADERS = (_("Application"), _("State"), _("Consulate"), _("Program"), _("Beneficiary"),
                 _("Case reference"), _("Amount"), _("Currency"), _("Payee"), _("Payee kind"),
                 _("Amount disbursed"), _("Disbursed on"), _("Created at"))


def grant_rows(applications):
    tz = timezone.get_current_timezone()
    for a in applications.order_by("created_at", "id").iterator(chunk_size=2000):
        yield (a.number, a.get_state_display(), a.consulate.code, a.program.name,
               a.beneficiary.full_name, a.beneficiary.reference, a.amount.amount,
               str(a.amount.currency), a.payee_name, a.get_payee_kind_display(),
               a.disbursed_amount.amount if a.disbursed_amount is not None else "",
               a.disbursed_on, a.created_at.astimezone(tz))


@require_GET
@login_required
def applications_export(request, fmt):
    return cases_export(request, fmt, model=GrantApplication,
                        cases=grant_applications_visible_to(request.user), rows=grant_rows,
                        headers=GRANT_HEADERS, stem="grants", sheet_title="Grants")
