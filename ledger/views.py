"""Reconciliation and account statements for finance, auditors and the tenants they concern.

Who sees what (core.tenancy.Scope): headquarters roles see every row; consulate-scoped staff
only their consulates' rows; partner staff only their partner's rows. A user without a role
gets 403; an account outside the scope, 404.
"""

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.models import Consulate, PartnerOrganization
from core.tenancy import Scope
from ledger import selectors
from ledger.forms import ReconciliationFilterForm
from ledger.models import Account
from ledger.money import format_amount
from ledger.pdfs import FIGURE_LABELS
from ledger.programs import program_names
from ledger.statement import PEOPLE, currency_blocks, owners_name

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PAGE_SIZE = 50


def _scope(request):
    scope = Scope.of(request.user)
    if not scope.roles:
        raise PermissionDenied
    return scope


def _row_visible(scope, row):
    if row.kind == "consulate":
        return scope.is_staff_of_consulates and scope.reaches_consulate(row.consulate_id)
    return row.partner_id in scope.partner_ids or scope.is_headquarters()


def _labels(rows, stale=(), *, programs, pairs=()):
    """Names of the rows', the breakdown's and the stale clearing accounts' consulates and
    partners."""
    owners_name(rows, pairs)
    consulates = Consulate.objects.in_bulk({s.consulate_id for s in stale if s.consulate_id})
    partners = PartnerOrganization.objects.in_bulk({s.partner_id for s in stale
                                                    if s.partner_id})
    for row in (*rows, *stale):
        row.program_name = programs.get(row.program, row.program)
    for item in stale:
        consulate, partner = consulates.get(item.consulate_id), partners.get(item.partner_id)
        item.consulate_label = str(consulate) if consulate else f"#{item.consulate_id}"
        item.partner_label = str(partner) if partner else f"#{item.partner_id}"
        item.amount_display = format_amount(item.amount, item.currency)
    return rows


def _pair_visible(scope, pair):
    """The consulate x partner breakdown names both sides: on the page, headquarters roles
    read it (a consulate's staff read their consulate's rows, a partner its own)."""
    return scope.is_headquarters()


def _filters(request, programs, scope):
    """The bound filter form, the first program (by name) chosen when none is asked for."""
    data = request.GET.copy()
    if not data.get("program") and programs:
        data["program"] = min(programs, key=lambda ref: (programs[ref], ref))
    return ReconciliationFilterForm(data, programs=programs,
                                    consulates=_consulate_choices(scope),
                                    partners=_partner_choices(scope))


@login_required
def reconciliation(request):
    scope = _scope(request)
    programs = _programs()
    form = _filters(request, programs, scope)
    context = {"form": form, "rows": [], "blocks": [], "stale": [],
               "advance_days": selectors.ADVANCE_DAYS,
               "receivable_days": selectors.RECEIVABLE_DAYS, "fund_zone": settings.TIME_ZONE}
    if not form.is_valid():
        return render(request, "ledger/reconciliation.html", context)
    filters = form.cleaned_data
    dims = {"program": filters["program"], "currency": filters.get("currency") or None,
            "consulate_id": filters.get("consulate"), "partner_id": filters.get("partner")}
    period = {"date_from": filters.get("date_from"), "date_to": filters.get("date_to")}
    rows = [r for r in selectors.reconciliation(**dims, **period) if _row_visible(scope, r)]
    if request.GET.get("format") == "csv":
        return _csv(_labels(rows, programs=programs))
    pairs = [p for p in selectors.reconciliation_pairs(**dims, **period)
             if _pair_visible(scope, p)]
    stale = _stale_clearing(rows, dims)
    _labels(rows, stale, programs=programs, pairs=pairs)
    context.update(
        rows=rows, stale=stale, program_name=programs.get(dims["program"], dims["program"]),
        blocks=currency_blocks(rows, pairs),
        period=bool(period["date_from"] or period["date_to"]), **period)
    return render(request, "ledger/reconciliation.html", context)


def _programs():
    """{ref: name} of every program the books hold (a few rows: one per program)."""
    refs = set(Account.objects.values_list("program_ref", flat=True).distinct())
    names = program_names(refs)
    return {ref: names.get(ref, ref) for ref in refs}


def _consulate_choices(scope):
    consulates = Consulate.objects.filter(scope.consulate_q("pk")) \
        if scope.is_staff_of_consulates else Consulate.objects.none()
    return consulates.order_by("name").values_list("pk", "name")


def _partner_choices(scope):
    if scope.is_headquarters():
        reach = Q()
    else:
        reach = Q(pk__in=scope.partner_ids)
        if scope.is_staff_of_consulates:
            reach |= Q(consulates__in=scope.consulate_ids())
    partners = PartnerOrganization.objects.filter(reach).distinct()
    return partners.order_by("name").values_list("pk", "name")


def _stale_clearing(rows, dims):
    """Clearing accounts past their date, scoped as the rows are: with the same filters, and
    only those that are part of a row shown (a consulate's or a partner's)."""
    shown = {(r.program, r.currency, r.consulate_id, r.partner_id) for r in rows}
    return [s for s in selectors.stale_clearing_balances(**dims) if s.row_keys & shown]


def _figure_labels():
    """The CSV's columns: the statement's figures, in the order exports have always had."""
    return [(name, FIGURE_LABELS[name]) for name in selectors.FIGURES]


def _csv_cell(value):
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _decimal(amount):
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 100)
    return f"{sign}{major}.{minor:02d}"


def _csv(rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reconciliation.csv"'
    writer = csv.writer(response)
    figures = _figure_labels()
    writer.writerow([_csv_cell(h) for h in (_("Program"), _("Currency"), _("Kind"), _("Name"),
                                            *(label for _n, label in figures))])
    for row in rows:
        kind = _("Consulate") if row.kind == "consulate" else _("Partner")
        text = [_csv_cell(v) for v in (row.program_name, row.currency, kind, row.label)]
        # Amounts are ours (digits, a point and maybe a sign), written as plain numbers.
        writer.writerow(text + [getattr(row, name) if row.currency == PEOPLE
                                else _decimal(getattr(row, name)) for name, _l in figures])
    return response


def _account_visible(scope, account):
    if scope.is_headquarters():
        return True
    if account.partner_ref is not None and account.partner_ref in scope.partner_ids:
        return True
    return (account.consulate_ref is not None and scope.is_staff_of_consulates
            and scope.reaches_consulate(account.consulate_ref))


@login_required
def account_statement(request, pk):
    scope = _scope(request)
    account = Account.objects.filter(pk=pk).first()
    if account is None or not _account_visible(scope, account):
        raise Http404
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    transfers, has_next = selectors.account_statement(
        account_id=account.pk, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    for t in transfers:
        t.signed_display = format_amount(t.signed_amount, account.currency)
        t.balance_display = format_amount(t.balance_after, account.currency)
    return render(request, "ledger/account_statement.html", {
        "account": account, "transfers": transfers, "page": page, "has_next": has_next,
        "balance": format_amount(account.credits_posted - account.debits_posted,
                                 account.currency),
        "pending": format_amount(account.credits_pending - account.debits_pending,
                                 account.currency),
    })
