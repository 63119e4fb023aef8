"""django-import-export resources of core: beneficiaries, created only through the service.

A row never writes the table itself: `do_instance_save` calls `beneficiary_create`, which
checks the actor's reach, normalises the A-number and CURP, refuses an existing A-number or
CURP, asks for confirmation of a near match and allocates the case reference.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.exports import neutralise_dataset
from core.models import Beneficiary, Consulate
from core.services import DuplicateRefused, DuplicateSuspected, beneficiary_create

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


def result_errors(result, lines):
    """[(file line, message)] of a django-import-export Result; `lines` maps its row
    numbers (1-based in the chunk) to the file's lines."""
    errors = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            errors.extend((lines[invalid.number - 1], f"{label}{m}") for m in messages)
    for number, row_errors in result.row_errors():
        errors.extend((lines[number - 1], str(e.error)) for e in row_errors)
    return sorted(errors)


class BeneficiaryImporter:
    """Rows -> BeneficiaryResource; a dry run per chunk first, then the real thing."""

    def __init__(self, job):
        self.job = job
        self.resource = BeneficiaryResource(actor=job.created_by)
        self.seen = {}  # normalised A-number / CURP -> first line (duplicates in the file)

    def _dataset(self, headers, rows):
        import tablib

        return tablib.Dataset(*[cells for _line, cells in rows], headers=headers)

    def _in_file_duplicates(self, headers, rows):
        from core.validators import normalize_a_number, normalize_curp

        errors = []
        for line, cells in rows:
            row = dict(zip(headers, cells, strict=True))
            for column, normalise in (("a_number", normalize_a_number),
                                      ("curp", normalize_curp)):
                raw = str(row.get(column) or "").strip()
                if not raw:
                    continue
                try:
                    key = (column, normalise(raw))
                except ValidationError:
                    continue  # the row's own check reports it
                if key in self.seen:
                    errors.append((line, _("%(column)s repeats line %(line)s of the file.")
                                   % {"column": column, "line": self.seen[key]}))
                else:
                    self.seen[key] = line
        return errors

    def validate_chunk(self, headers, rows):
        missing = {"consulate", "given_names", "family_names", "date_of_birth"} - set(headers)
        if missing:
            return [(rows[0][0], _("Missing columns: %(columns)s.")
                     % {"columns": ", ".join(sorted(missing))})]
        result = self.resource.import_data(self._dataset(headers, rows), dry_run=True,
                                           use_transactions=True)
        lines = [line for line, _cells in rows]
        return sorted(result_errors(result, lines) + self._in_file_duplicates(headers, rows))

    def save_chunk(self, headers, rows):
        result = self.resource.import_data(self._dataset(headers, rows), dry_run=False,
                                           use_transactions=True)
        errors = result_errors(result, [line for line, _cells in rows])
        return len(rows) - len(errors), errors

    def after_save(self, job):
        pass
