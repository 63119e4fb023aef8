"""The monthly reconciliation statement of a consulate or a partner, as an issued PDF."""

import calendar
import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.documents import document_issue
from core.models import IssuedDocument
from ledger.programs import program_names
from ledger.selectors import reconciliation, reconciliation_pairs
from ledger.statement import currency_blocks, owners_name

FIGURE_LABELS = {
    "allocated": gettext_lazy("Allocated"),
    "reserved": gettext_lazy("Reserved (pending)"),
    "disbursed": pgettext_lazy("figure", "Disbursed"),
    "bonds_outstanding": gettext_lazy("Bonds outstanding"),
    "refunds_due": gettext_lazy("Refunds due"),
    "refunds_received_principal": gettext_lazy("Refunds received (principal)"),
    "refunds_received_interest": gettext_lazy("Refunds received (interest)"),
    "forfeited": gettext_lazy("Forfeited"),
    "granted": gettext_lazy("Granted"),
    "available": gettext_lazy("Available"),
    "authorized": gettext_lazy("Authorized"),
}


def month_bounds(year, month):
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def statement_rows(*, year, month, consulate_id=None, partner_id=None):
    """The reconciliation rows of the month for one consulate or one partner."""
    date_from, date_to = month_bounds(year, month)
    rows = reconciliation(consulate_id=consulate_id, partner_id=partner_id,
                          date_from=date_from, date_to=date_to)
    if consulate_id is not None:
        return [r for r in rows if r.consulate_id == consulate_id]
    return [r for r in rows if r.partner_id == partner_id]


def statement_programs(*, year, month, consulate_id=None, partner_id=None):
    """Per program the holder has figures in: its name and the page's currency blocks
    (budget, after payment, consulate x partner breakdown with totals; people apart)."""
    rows = statement_rows(year=year, month=month, consulate_id=consulate_id,
                          partner_id=partner_id)
    date_from, date_to = month_bounds(year, month)
    names = program_names({r.program for r in rows})
    programs = []
    for program in sorted({r.program for r in rows}, key=lambda p: (names.get(p, p), p)):
        mine = [r for r in rows if r.program == program]
        pairs = reconciliation_pairs(program=program, consulate_id=consulate_id,
                                     partner_id=partner_id, date_from=date_from,
                                     date_to=date_to)
        owners_name(mine, pairs)
        programs.append({"program": program, "name": names.get(program, program),
                         "blocks": currency_blocks(mine, pairs)})
    return programs


def reconciliation_statement_issue(*, actor, year, month, consulate=None, partner=None,
                                   language):
    """Issue the statement of `consulate` or `partner` (the caller checked the scope)."""
    holder = consulate or partner
    date_from, date_to = month_bounds(year, month)
    with translation.override(language):  # the tables' words are written in its language
        programs = statement_programs(year=year, month=month,
                                      consulate_id=consulate.pk if consulate else None,
                                      partner_id=partner.pk if partner else None)
        title = _("Reconciliation statement %(month)s — %(holder)s") % {
            "month": f"{year}-{month:02d}", "holder": holder}
    return document_issue(
        kind=IssuedDocument.Kind.RECONCILIATION_STATEMENT,
        object_type="core.consulate" if consulate else "core.partnerorganization",
        object_id=f"{holder.pk}:{year}-{month:02d}",
        consulate_id=consulate.pk if consulate else None,
        partner_id=partner.pk if partner else None,
        template_name="pdf/reconciliation_statement.html",
        context={"holder": holder, "is_partner": partner is not None,
                 "date_from": date_from, "date_to": date_to, "fund_zone": settings.TIME_ZONE,
                 "programs": programs},
        language=language, title=title, actor=actor,
    )
