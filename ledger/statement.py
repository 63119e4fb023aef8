"""The reconciliation as a funder reads it, shared by the page and the monthly PDF: one block
per currency, each with a budget table, a table of what happened after payment and a
consulate x partner breakdown, every table with totals; head counts in a table of their own.

Amounts are written "USD 1,234.56"; people as "3 people". Totals are sums of the integer
figures of the lines above them, so they equal the lines to the cent.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from ledger.money import format_amount

PEOPLE = "PPL"

BUDGET = [
    ("allocated", _("Allocated")),
    ("authorized", _("Authorized")),
    ("reserved", _("Of which not yet paid")),
    ("disbursed", pgettext_lazy("figure", "Disbursed")),
    ("available", _("Available")),
]
AFTER_PAYMENT = [
    ("bonds_outstanding", _("Bonds held by DHS")),
    ("refunds_due", _("Refunds due")),
    ("refunds_received_principal", _("Refunds received")),
    ("refunds_received_interest", _("Interest received")),
    ("forfeited", _("Forfeited")),
    ("granted", _("Granted")),
]
BREAKDOWN = [("disbursed", pgettext_lazy("figure", "Disbursed")), *AFTER_PAYMENT]
HEADCOUNT = [
    ("allocated", _("Places")),
    ("authorized", _("Authorized")),
    ("reserved", _("Of which not yet paid")),
    ("available", _("Places left")),
]


def people_text(count):
    return ngettext("%(n)s person", "%(n)s people", count) % {"n": f"{count:,}"}


def cell_text(value, currency):
    return people_text(value) if currency == PEOPLE else format_amount(value, currency)


@dataclass
class Line:
    label: str
    cells: list
    total: bool = False
    second: str = ""  # the partner, in the breakdown


@dataclass
class Section:
    title: str
    lines: list = field(default_factory=list)


@dataclass
class Table:
    title: str
    columns: list
    sections: list
    breakdown: bool = False


@dataclass
class CurrencyBlock:
    currency: str
    tables: list

    @property
    def is_people(self):
        return self.currency == PEOPLE


def _lines(rows, figures, currency, label_of):
    lines = [Line(label=label_of(r), cells=[cell_text(getattr(r, f), currency)
                                            for f, _l in figures],
                  second=getattr(r, "partner_label", "") if r.kind == "pair" else "")
             for r in rows]
    if len(rows) > 1:
        sums = [sum(getattr(r, f) for r in rows) for f, _l in figures]
        lines.append(Line(label=str(_("Total")), total=True,
                          cells=[cell_text(v, currency) for v in sums]))
    return lines


def _table(title, figures, rows, currency):
    sections = []
    for kind, heading in (("consulate", _("Consulates")), ("partner", _("Partner organizations"))):
        mine = [r for r in rows if r.kind == kind]
        if mine:
            sections.append(Section(str(heading),
                                    _lines(mine, figures, currency, lambda r: r.label)))
    return Table(title=str(title), columns=[str(label) for _f, label in figures],
                 sections=sections)


def _breakdown(pairs, currency):
    lines = _lines(pairs, BREAKDOWN, currency, lambda r: r.consulate_label)
    return Table(title=str(_("By consulate and partner")),
                 columns=[str(label) for _f, label in BREAKDOWN],
                 sections=[Section("", lines)], breakdown=True)


def currency_blocks(rows, pairs=()) -> list[CurrencyBlock]:
    """rows: one program's consulate and partner rows (with `label`); pairs: its breakdown
    rows (with `consulate_label` and `partner_label`). Money currencies first, people last."""
    currencies = sorted({r.currency for r in rows} | {p.currency for p in pairs},
                        key=lambda c: (c == PEOPLE, c))
    blocks = []
    for currency in currencies:
        mine = [r for r in rows if r.currency == currency]
        if currency == PEOPLE:
            blocks.append(CurrencyBlock(currency, [_table(_("People"), HEADCOUNT, mine,
                                                          currency)]))
            continue
        tables = [_table(_("Budget"), BUDGET, mine, currency),
                  _table(_("After payment"), AFTER_PAYMENT, mine, currency)]
        mine_pairs = [p for p in pairs if p.currency == currency]
        if mine_pairs:
            tables.append(_breakdown(mine_pairs, currency))
        blocks.append(CurrencyBlock(currency, [t for t in tables if t.sections]))
    return blocks


def owners_name(rows, pairs=()):
    """Set `label` on rows and `consulate_label`/`partner_label` on pairs: one query for the
    consulates, one for the partners."""
    from core.models import Consulate, PartnerOrganization

    consulates = Consulate.objects.in_bulk({r.consulate_id for r in (*rows, *pairs)
                                            if r.consulate_id})
    partners = PartnerOrganization.objects.in_bulk({r.partner_id for r in (*rows, *pairs)
                                                    if r.partner_id})
    for row in rows:
        owner = consulates.get(row.consulate_id) or partners.get(row.partner_id)
        row.label = str(owner) if owner else f"#{row.consulate_id or row.partner_id}"
    for pair in pairs:
        consulate = consulates.get(pair.consulate_id)
        partner = partners.get(pair.partner_id)
        pair.consulate_label = str(consulate) if consulate else f"#{pair.consulate_id}"
        pair.partner_label = str(partner) if partner else (
            str(_("Paid directly, no partner")) if pair.partner_id is None
            else f"#{pair.partner_id}")
    return rows
