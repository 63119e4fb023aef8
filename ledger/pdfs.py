"""The monthly reconciliation statement of a consulate or a partner, as an issued PDF."""

import calendar
import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.documents import document_issue
from core.models import IssuedDocument
from core.pdf_common import minor_text
from ledger.selectors import FIGURES, reconciliation

FIGURE_LABELS = {
    "allocated": gettext_lazy("Allocated"),
    "reserved": gettext_lazy("Reserved (pending)"),
    "disbursed": gettext_lazy("Disbursed"),
    "bonds_outstanding": gettext_lazy("Bonds outstanding"),
    "refunds_due": gettext_lazy("Refunds due"),
    "refunds_received_principal": gettext_lazy("Refunds received (principal)"),
    "refunds_received_interest": gettext_lazy("Refunds received (interest)"),
    "forfeited": gettext_lazy("Forfeited"),
    "granted": gettext_lazy("Granted"),
    "available": gettext_lazy("Available"),
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


def statement_context(rows):
    return [
        {"program": r.program, "currency": r.currency,
         "figures": [(f, FIGURE_LABELS[f], minor_text(getattr(r, f), r.currency))
                     for f in FIGURES]}
        for r in rows
    ]


def reconciliation_statement_issue(*, actor, year, month, consulate=None, partner=None,
                                   language):
    """Issue the statement of `consulate` or `partner` (the caller checked the scope)."""
    holder = consulate or partner
    rows = statement_rows(year=year, month=month,
                          consulate_id=consulate.pk if consulate else None,
                          partner_id=partner.pk if partner else None)
    date_from, date_to = month_bounds(year, month)
    with translation.override(language):
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
                 "programs": statement_context(rows)},
        language=language, title=title, actor=actor,
    )
