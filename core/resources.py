"""django-import-export resources of core: beneficiaries, created only through the service.

A row never writes the table itself: `do_instance_save` calls `beneficiary_create`, which
checks the actor's reach, normalises the A-number and CURP, refuses an existing A-number or
CURP, asks for confirmation of a near match and allocates the case reference.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.exports import neutralise_dataset
from core.models import Beneficiary, Consulate
from core.services import (
    DuplicateRefused,
    DuplicateSuspected,
    ImportedRows,
    beneficiaries_check,
    beneficiaries_import,
    beneficiary_create,
)

SERVICE_FIELDS = ("given_names", "family_names", "date_of_birth", "country_of_birth",
                  "a_number", "curp", "preferred_language", "accessibility_needs", "phone",
                  "email", "address", "consents_to_family_lookup")
TRUE_WORDS = {"1", "true", "yes", "y", "si", "sí", "x"}


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
        import_id_fields = ("reference",)
        skip_diff = True
        clean_model_instances = False  # the service validates, with its own messages
        use_transactions = False  # the import runner holds the one transaction

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def get_instance(self, instance_loader, row):
        return None  # an import only ever creates

    def _check_import_id_fields(self, headers):
        return None  # rows carry no case reference: the service allocates it

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute and field.column_name in row:
            value = row[field.column_name]
            if isinstance(value, str):
                row[field.column_name] = value.strip()
            if row[field.column_name] in (None, "") and field.attribute in SERVICE_FIELDS:
                default = Beneficiary._meta.get_field(field.attribute).get_default()
                row[field.column_name] = default if default is not None else ""
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def do_instance_save(self, instance, is_create):
        row = self._current_row
        values = {name: getattr(instance, name) for name in SERVICE_FIELDS}
        confirm = YesNoWidget().clean(row.get("confirm_distinct"))
        try:
            created = beneficiary_create(actor=self.actor, consulate=instance.consulate,
                                         confirm_distinct=confirm, **values)
        except (DuplicateRefused, DuplicateSuspected) as exc:
            refs = ", ".join(m.beneficiary.reference for m in exc.matches)
            raise ValidationError(f"{exc.messages[0]} ({refs})") from None
        except PermissionDenied:
            raise ValidationError(
                _("You may not add beneficiaries to the consulate %(code)s.")
                % {"code": instance.consulate.code}) from None
        instance.pk, instance.reference = created.pk, created.reference

    def save_instance(self, instance, is_create, row, **kwargs):
        self._current_row = row
        return super().save_instance(instance, is_create, row, **kwargs)


def cell_text(value):
    """A cell as text: CSV gives strings, XLSX numbers and dates too."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def yes(value):
    return cell_text(value).casefold() in TRUE_WORDS


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
        for name in SERVICE_FIELDS:
            value = row.get(name)
            if name == "consents_to_family_lookup":
                fields[name] = yes(value)
            elif name == "date_of_birth" and isinstance(value, datetime.date):
                fields[name] = value.date() if isinstance(value, datetime.datetime) else value
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
