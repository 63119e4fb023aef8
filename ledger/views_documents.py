"""Ledger documents: the monthly reconciliation statement (PDF) and exports (CSV/XLSX)."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.exports import export_response
from core.models import Consulate, PartnerOrganization
from core.money import from_minor
from core.pdf_common import pdf_attachment, reader_language
from core.permissions_documents import FINANCE_EXPORT_ROLES, require_export
from core.tenancy import Scope
from core.timezones import fund_today
from ledger.models import Transfer
from ledger.pdfs import FIGURE_LABELS, reconciliation_statement_issue
from ledger.selectors import FIGURES, reconciliation

READERS = FINANCE_EXPORT_ROLES


class StatementForm(forms.Form):
    consulate = forms.IntegerField(required=False, min_value=1)
    partner = forms.IntegerField(required=False, min_value=1)
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("consulate")) == bool(data.get("partner")):
            raise forms.ValidationError(_("Choose a consulate or a partner."))
        return data

    def year_month(self):
        value = self.cleaned_data.get("month")
        if not value:
            today = fund_today()  # a report period is in the fund's zone
            return today.year, today.month
        year, month = value.split("-")
        return int(year), int(month)


def _staff_reaches_partner(scope, partner):
    if scope.is_headquarters(*READERS):
        return True
    reached = scope.consulate_ids(*READERS)
    return partner.consulates.filter(pk__in=reached).exists()


def statement_holder(user, form):
    """(consulate, partner) the user may read, or 404 / 403."""
    scope = Scope.of(user)
    if form.cleaned_data.get("consulate"):
        consulate = get_object_or_404(Consulate, pk=form.cleaned_data["consulate"])
        if not scope.has_role(*READERS):
            raise PermissionDenied
        if not scope.reaches_consulate(consulate.pk, *[r for r in READERS
                                                         if scope.has_role(r)]):
            raise Http404
        return consulate, None
    partner = get_object_or_404(PartnerOrganization, pk=form.cleaned_data["partner"])
    if partner.pk in scope.partner_ids:
        return None, partner
    if not scope.has_role(*READERS):
        raise PermissionDenied if not scope.is_partner else Http404
    if not _staff_reaches_partner(scope, partner):
        raise Http404
    return None, partner


@require_GET
@login_required
def reconciliation_pdf(request):
    form = StatementForm(request.GET)
    if not form.is_valid():
        raise Http404
    consulate, partner = statement_holder(request.user, form)
    year, month = form.year_month()
    document, pdf = reconciliation_statement_issue(
        actor=request.user, year=year, month=month, consulate=consulate, partner=partner,
        language=reader_language(request))
    return pdf_attachment(document, pdf, stem=f"reconciliation-{year}-{month:02d}")


def _format(fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return fmt


def transfers_visible_to(user):
    """Ledger transfers touching an account of the user's consulates (all for headquarters)."""
    scope = Scope.of(user)
    transfers = Transfer.objects.select_related("debit_account", "credit_account")
    if scope.is_headquarters(*READERS):
        return transfers
    ids = scope.consulate_ids(*READERS)
    return transfers.filter(Q(debit_account__consulate_ref__in=ids)
                            | Q(credit_account__consulate_ref__in=ids))


TRANSFER_HEADERS = (_("Created at"), _("Transfer"), _("Code"), _("Debit account"),
                    _("Credit account"), _("Amount"), _("Currency"), _("Phase"),
                    _("Reference"), _("Memo"))


def _phase(t):
    if t.pending:
        return "pending"
    if t.post_pending:
        return "post"
    if t.void_pending:
        return "void"
    return "posted"


def _transfer_rows(transfers):
    tz = timezone.get_current_timezone()
    for t in transfers.order_by("created_at", "id").iterator(chunk_size=2000):
        yield (t.created_at.astimezone(tz), t.id, t.code, t.debit_account.name,
               t.credit_account.name, from_minor(t.amount, t.currency).amount, t.currency,
               _phase(t), t.reference, t.memo)


@require_GET
@login_required
def transfers_export(request, fmt):
    require_export(request.user, Transfer, FINANCE_EXPORT_ROLES)
    rows = _transfer_rows(transfers_visible_to(request.user))
    stamp = datetime.date.today().isoformat()
    return export_response(_format(fmt), filename=f"ledger-entries-{stamp}",
                           headers=[str(h) for h in TRANSFER_HEADERS], rows=rows,
                           sheet_title="Ledger")


def reconciliation_visible_to(user, *, date_from=None, date_to=None):
    scope = Scope.of(user)
    rows = reconciliation(date_from=date_from, date_to=date_to)
    if scope.is_headquarters(*READERS):
        return rows
    ids = scope.consulate_ids(*READERS)
    partners = set(PartnerOrganization.objects.filter(consulates__in=ids)
                   .values_list("pk", flat=True))
    return [r for r in rows if r.consulate_id in ids or r.partner_id in partners]


@require_GET
@login_required
def reconciliation_export(request, fmt):
    require_export(request.user, Transfer, FINANCE_EXPORT_ROLES)
    rows = reconciliation_visible_to(request.user)
    consulates = Consulate.objects.in_bulk({r.consulate_id for r in rows} - {None})
    partners = PartnerOrganization.objects.in_bulk({r.partner_id for r in rows} - {None})
    headers = [str(_("Program")), str(_("Currency")), str(_("Consulate")), str(_("Partner"))]
    headers += [str(FIGURE_LABELS[f]) for f in FIGURES]

    def lines():
        for r in rows:
            yield ([r.program, r.currency, consulates.get(r.consulate_id, ""),
                    partners.get(r.partner_id, "")]
                   + [from_minor(getattr(r, f), r.currency).amount for f in FIGURES])

    stamp = datetime.date.today().isoformat()
    return export_response(_format(fmt), filename=f"reconciliation-{stamp}", headers=headers,
                           rows=lines(), sheet_title="Reconciliation")

