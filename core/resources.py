"""Beneficiaries in and out: the admin's safe export, and the importer the import jobs
(core.imports) run, whose rows go through beneficiaries_check / beneficiaries_import: the
actor's reach, the A-number and CURP rules, duplicates and case references are the service's.
"""

import datetime

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.exports import neutralise_dataset
from core.models import Beneficiary, Consulate
from core.services import (
    ImportedRows,
    beneficiaries_check,
    beneficiaries_import,
)

SERVICE_FIELDS = ("given_names", "family_names", "date_of_birth", "country_of_birth",
                  "a_number", "curp", "preferred_language", "accessibility_needs", "phone",
                  "email", "address", "consents_to_family_lookup")
TRUE_WORDS = {"1", "true", "yes", "y", "si", "sí", "x"}
# Read from an import file only: consent to be messaged (recorded and audited as the form
# does), the reason for it, and the day the case was opened (its reference's year).
IMPORT_FIELDS = ("message_consent", "message_channel", "mobile_number", "consent_comment",
                 "opened_on")
YES_NO_FIELDS = ("consents_to_family_lookup", "message_consent")
DATE_FIELDS = ("date_of_birth", "opened_on")


class ConsulateCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Consulate, field="code")

    def clean(self, value, row=None, **kwargs):
        value = (str(value or "")).strip().upper()
        if not value:
            raise ValueError(_("Give the consulate's three-letter code."))
        try:
            return super().clean(value, row, **kwargs)
        except Consulate.DoesNotExist:
            raise ValueError(_("No consulate has the code %(code)s.") % {"code": value}) \
                from None


class YesNoWidget(widgets.BooleanWidget):
    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip().casefold() in TRUE_WORDS


class SafeExportMixin:
    """Exports of every resource go through core.exports.neutralise."""

    def export(self, *args, **kwargs):
        return neutralise_dataset(super().export(*args, **kwargs))


class BeneficiaryResource(SafeExportMixin, resources.ModelResource):
    """The admin's export of beneficiaries (the admin has no import: see core.admin)."""

    consulate = fields.Field(attribute="consulate", column_name="consulate",
                             widget=ConsulateCodeWidget())
    date_of_birth = fields.Field(attribute="date_of_birth", column_name="date_of_birth",
                                 widget=widgets.DateWidget(format="%Y-%m-%d"))
    consents_to_family_lookup = fields.Field(attribute="consents_to_family_lookup",
                                             column_name="consents_to_family_lookup",
                                             widget=YesNoWidget())

    class Meta:
        model = Beneficiary
        fields = ("reference", "consulate", *SERVICE_FIELDS)
        export_order = ("reference", "consulate", *SERVICE_FIELDS)


def cell_text(value):
    """A cell as text: CSV gives strings, XLSX numbers and dates too."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def yes(value):
    return cell_text(value).casefold() in TRUE_WORDS


def _date(text):
    """A YYYY-MM-DD cell as a date; anything else is kept as text for the row's error."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text


class BeneficiaryImporter:
    """Rows -> beneficiaries_check (no writes) chunk by chunk, then beneficiaries_import."""

    REQUIRED = {"consulate", "given_names", "family_names", "date_of_birth"}

    def __init__(self, job):
        self.job, self.actor = job, job.created_by
        self.consulates = {c.code: c for c in Consulate.objects.all()}
        self.seen = ImportedRows()  # the rows of this file read so far

    def _parsed(self, headers, rows):
        """([(line, consulate, fields, confirm_distinct)], [(line, message)])"""
        parsed, errors = [], []
        for line, cells in rows:
            row = dict(zip(headers, cells, strict=True))
            code = cell_text(row.get("consulate")).upper()
            consulate = self.consulates.get(code)
            if consulate is None:
                errors.append((line, _("No consulate has the code %(code)s.") % {"code": code}
                               if code else _("Give the consulate's three-letter code.")))
                continue
            parsed.append((line, consulate, self._fields(row), yes(row.get("confirm_distinct"))))
        return parsed, errors

    def _fields(self, row):
        fields = {}
        for name in SERVICE_FIELDS + IMPORT_FIELDS:
            value = row.get(name)
            if name in YES_NO_FIELDS:
                fields[name] = yes(value)
            elif name in DATE_FIELDS and isinstance(value, datetime.date):
                fields[name] = value.date() if isinstance(value, datetime.datetime) else value
            elif name == "opened_on" and cell_text(value):
                fields[name] = _date(cell_text(value))
            elif cell_text(value):
                fields[name] = cell_text(value)
        return fields

    def validate_chunk(self, headers, rows):
        missing = self.REQUIRED - set(headers)
        if missing:
            return [(rows[0][0], _("Missing columns: %(columns)s.")
                     % {"columns": ", ".join(sorted(missing))})]
        parsed, errors = self._parsed(headers, rows)
        _ready, check_errors = beneficiaries_check(actor=self.actor, rows=parsed,
                                                   seen=self.seen)
        return sorted(errors + check_errors, key=lambda error: error[0])

    def save_chunk(self, headers, rows):
        parsed, errors = self._parsed(headers, rows)
        if errors:
            return 0, errors
        created, errors = beneficiaries_import(
            actor=self.actor, rows=parsed, seen=self.seen,
            comment=_("Imported from %(file)s.") % {"file": self.job.original_name})
        return len(created), errors

    def after_save(self, job):
        pass
