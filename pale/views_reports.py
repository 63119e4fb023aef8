"""Accountability figures and the network report (page, PDF and XLSX)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exports import export_response
from core.pdf import render_pdf
from core.pdf_common import money_text, reader_language
from core.tenancy import Scope
from core.timezones import fund_zone
from pale import figures, forms, selectors


def _period(request, consulates):
    today = timezone.now().astimezone(fund_zone()).date()
    start, end = forms.default_period(today)
    form = forms.PeriodForm(request.GET or None, consulates=consulates,
                            initial={"date_from": start, "date_to": end})
    chosen = consulates
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        chosen = form.cleaned_data["consulates"] or consulates
    return form, start, end, chosen


@login_required
def accountability(request):
    """Staff see their consulates' advisors; an advisor sees its own figures."""
    scope = Scope.of(request.user)
    if not (scope.is_staff_of_consulates or scope.partner_ids):
        raise PermissionDenied
    consulates = selectors.consulates_for_reports(request.user)
    form, start, end, chosen = _period(request, consulates)
    referrals = selectors.referrals_visible_to(request.user)
    if scope.is_staff_of_consulates and chosen is not consulates:
        referrals = referrals.filter(consulate__in=chosen)
    rows = figures.accountability(referrals=referrals, date_from=start, date_to=end)
    return render(request, "pale/accountability.html", {
        "form": form, "rows": rows, "date_from": start, "date_to": end,
        "show_consulate_filter": scope.is_staff_of_consulates})


def _report(request):
    scope = Scope.of(request.user)
    if not scope.is_staff_of_consulates:
        raise PermissionDenied
    consulates = selectors.consulates_for_reports(request.user)
    form, start, end, chosen = _period(request, consulates)
    return form, figures.network_report(consulates=chosen, date_from=start, date_to=end)


def report_context(result):
    """The report's figures as printed (amounts in words of their currency), for both the
    page and the PDF."""
    return {
        "report": result, "bond_authorized": money_text(result.bond_authorized),
        "grants": [(label, currency, count, money_text(total))
                   for label, currency, count, total, _kind in result.grants],
        "per_consulate": [{**row, "name": row["consulate"].name,
                           "bond_authorized": money_text(row["bond_authorized"])}
                          for row in result.per_consulate],
    }


@login_required
def report(request):
    form, result = _report(request)
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "pale/report.html", {"form": form, "query": query.urlencode(),
                                                **report_context(result)})


def report_rows(result):
    yield [_("Period"), f"{result.date_from:%Y-%m-%d} – {result.date_to:%Y-%m-%d}", ""]
    yield [_("Consulates"), ", ".join(c.code for c in result.consulates), ""]
    yield [_("Bond cases authorized"), result.bond_cases, ""]
    yield [_("Bond amount authorized"), result.bond_authorized.amount, "USD"]
    yield [_("People referred to PALE"), result.people_referred, ""]
    yield [_("PALE referrals"), result.referrals, ""]
    yield [_("External legal advice sessions"), result.sessions, ""]
    for label, currency, count, total, _kind in result.grants:
        yield [_("%(kind)s: grants paid") % {"kind": label}, count, currency]
        yield [_("%(kind)s: amount paid") % {"kind": label}, total.amount, currency]
    yield [_("People served"), result.people_served, ""]
    for row in result.per_consulate:
        name = row["consulate"].name
        yield [_("%(consulate)s: bond cases") % {"consulate": name}, row["bond_cases"], ""]
        yield [_("%(consulate)s: amount authorized") % {"consulate": name},
               row["bond_authorized"].amount, "USD"]
        yield [_("%(consulate)s: referrals") % {"consulate": name}, row["referrals"], ""]
        yield [_("%(consulate)s: sessions") % {"consulate": name}, row["sessions"], ""]


@login_required
def report_export(request):
    form, result = _report(request)
    fmt = request.GET.get("format", "xlsx")
    stem = f"fianza-report-{result.date_from:%Y%m%d}-{result.date_to:%Y%m%d}"
    if fmt == "pdf":
        language = reader_language(request)
        with translation.override(language):
            title = _("Network report")
        pdf = render_pdf("pale/report_pdf.html", report_context(result), language=language,
                         title=title)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return export_response("xlsx", filename=stem,
                           headers=[_("Figure"), _("Value"), _("Currency")],
                           rows=report_rows(result), sheet_title=_("Network report"))
