"""Imports and exports of bonds.

Program administrators' bond requests: one draft (with its detention case) per row, for a
beneficiary already on record (case_reference or a_number), checked and created through
`bond_requests_import`; officers submit the drafts as any other.

Partners' release confirmations: a CSV (or XLSX) with an A-number or a case reference and
the release date per row. A row is matched only to a bond of the uploading partner that is
`posted` (the partner is its obligor); rows that match nothing are listed and left out, and
every match is applied through `bond_request_confirm_release`, all in one transaction.
"""

import datetime
import uuid

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money
from import_export import resources

from bondfund.models import Authority, BondRequest, BondType, State
from bondfund.services import bond_request_confirm_release, bond_requests_import
from core.exports import neutralise_dataset
from core.resources import cell_text
from core.uploads import CheckedUpload
from core.validators import normalize_a_number

IDENTIFIER_COLUMNS = ("a_number", "case_reference")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y")


class BondRequestResource(resources.ModelResource):
    """The case list as django-import-export sees it (admin export), made safe."""

    class Meta:
        model = BondRequest
        fields = ("id", "state", "consulate__code", "beneficiary__reference", "program__name",
                  "obligor__name", "authority", "decided_on", "amount", "amount_currency",
                  "disbursed_on", "posted_on", "released_on")

    def export(self, *args, **kwargs):
        return neutralise_dataset(super().export(*args, **kwargs))


def parse_release_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("The release date “%(value)s” is not a date (YYYY-MM-DD).")
                          % {"value": text[:40]})


def _identifier(row):
    a_number = str(row.get("a_number") or "").strip()
    reference = str(row.get("case_reference") or "").strip().upper()
    if a_number:
        try:
            return "a_number", normalize_a_number(a_number), a_number
        except ValidationError:
            raise ValidationError(_("The A-number “%(value)s” is not valid.")
                                  % {"value": a_number[:20]}) from None
    if reference:
        return "reference", reference, reference
    raise ValidationError(_("Give an A-number or a case reference."))


class ReleaseImporter:
    """Matches rows to the job's partner's posted bonds, then confirms each release."""

    def __init__(self, job):
        self.job = job
        self.actor = job.created_by
        self.matched_ids = set()

    def _posted_bonds(self):
        return (BondRequest.objects.filter(obligor_id=self.job.partner_id, state=State.POSTED)
                .select_related("beneficiary"))

    def _match(self, kind, value):
        bonds = self._posted_bonds()
        if kind == "a_number":
            return list(bonds.filter(beneficiary__a_number=value))
        pk = value[3:] if value.startswith("FZ-") and value[3:].isdigit() else None
        query = Q(beneficiary__reference=value)
        if pk:
            query |= Q(pk=int(pk))
        return list(bonds.filter(query))

    def _rows(self, headers, rows):
        """Yield (line, bond or None, released_on, shown identifier) or errors."""
        for line, cells in rows:
            row = dict(zip(headers, cells, strict=True))
            try:
                kind, value, shown = _identifier(row)
                released_on = parse_release_date(row.get("release_date"))
                if released_on > timezone.localdate():
                    raise ValidationError(_("The release date is in the future."))
            except ValidationError as exc:
                yield line, None, None, None, " ".join(exc.messages)
                continue
            bonds = self._match(kind, value)
            if len(bonds) > 1:
                yield line, None, None, None, _("More than one of your posted bonds matches: "
                                                "use the case reference.")
                continue
            yield line, (bonds[0] if bonds else None), released_on, shown, None

    def validate_chunk(self, headers, rows):
        if not set(IDENTIFIER_COLUMNS) & set(headers) or "release_date" not in headers:
            return [(rows[0][0], _("The file needs the columns a_number or case_reference, "
                                   "and release_date."))]
        errors = []
        for line, bond, _released, shown, error in self._rows(headers, rows):
            if error:
                errors.append((line, error))
            elif bond is None:
                self.job.unmatched.append({"line": line, "identifier": shown})
            elif bond.pk in self.matched_ids:
                errors.append((line, _("This bond is already on an earlier line.")))
            else:
                self.matched_ids.add(bond.pk)
        return errors

    def _document(self):
        with default_storage.open(self.job.file_name, "rb") as handle:
            content = handle.read()
        return CheckedUpload(content=content, content_type="text/csv",
                             storage_name=f"{uuid.uuid4().hex}.{self.job.file_format}",
                             original_name=self.job.original_name[:120])

    def save_chunk(self, headers, rows):
        document, saved, errors = self._document(), 0, []
        for line, bond, released_on, _shown, error in self._rows(headers, rows):
            if error:
                errors.append((line, error))
                continue
            if bond is None:
                continue
            try:
                bond_request_confirm_release(
                    actor=self.actor, request_id=bond.pk, released_on=released_on,
                    document=document,
                    comment=_("Release confirmed by import %(file)s, line %(line)s.")
                    % {"file": self.job.original_name, "line": line})
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", None) or [_("Not allowed.")]
                errors.append((line, " ".join(messages)))
            else:
                saved += 1
        return saved, errors

    def after_save(self, job):
        pass


# Bond requests ------------------------------------------------------------------------------

BOND_REQUEST_COLUMNS = ("case_reference", "a_number", "program", "facility", "detained_on",
                        "authority", "decided_on", "judge_or_court", "amount", "bond_type",
                        "obligor_ein", "conditions")


class BondRequestRowForm(forms.Form):
    """One row's cells, typed; the draft's own rules are the service's."""

    case_reference = forms.CharField(required=False, max_length=20)
    a_number = forms.CharField(required=False, max_length=16)
    program = forms.CharField(max_length=160)
    facility = forms.CharField(max_length=200)
    detained_on = forms.DateField(input_formats=DATE_FORMATS)
    authority = forms.ChoiceField(choices=Authority.choices)
    decided_on = forms.DateField(input_formats=DATE_FORMATS)
    judge_or_court = forms.CharField(required=False, max_length=200)
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
    bond_type = forms.ChoiceField(choices=BondType.choices)
    obligor_ein = forms.CharField(required=False, max_length=10)
    conditions = forms.CharField(required=False)

    def clean_a_number(self):
        value = self.cleaned_data["a_number"]
        return normalize_a_number(value) if value else ""

    def clean(self):
        data = super().clean()
        if not data.get("case_reference") and not data.get("a_number"):
            raise forms.ValidationError(_("Give a case reference or an A-number."))
        return data

    def values(self):
        data = dict(self.cleaned_data)
        data["beneficiary_reference"] = data.pop("case_reference").upper()
        data["amount"] = Money(data["amount"], "USD")
        return data


def _row_data(row):
    data = {}
    for name in BOND_REQUEST_COLUMNS:
        value = row.get(name)
        if isinstance(value, datetime.date):
            data[name] = value.date() if isinstance(value, datetime.datetime) else value
        else:
            data[name] = cell_text(value)
    for name in ("authority", "bond_type"):
        data[name] = data[name].lower().replace(" ", "_")
    return data


def _form_errors(form):
    return [message if field == "__all__" else f"{field}: {message}"
            for field, messages in form.errors.items() for message in messages]


class BondRequestImporter:
    """Rows -> bond_requests_import: a dry run per chunk first, then the drafts."""

    REQUIRED = {"program", "facility", "detained_on", "authority", "decided_on", "amount",
                "bond_type"}

    def __init__(self, job):
        self.job, self.actor = job, job.created_by

    def _parsed(self, headers, rows):
        parsed, errors = [], []
        for line, cells in rows:
            form = BondRequestRowForm(_row_data(dict(zip(headers, cells, strict=True))))
            if form.is_valid():
                parsed.append((line, form.values()))
            else:
                errors.extend((line, message) for message in _form_errors(form))
        return parsed, errors

    def _run(self, headers, rows, *, dry_run):
        missing = self.REQUIRED - set(headers)
        if missing or not set(IDENTIFIER_COLUMNS) & set(headers):
            return [], [(rows[0][0], _("Missing columns: %(columns)s.") % {
                "columns": ", ".join(sorted(missing) or ["case_reference / a_number"])})]
        parsed, errors = self._parsed(headers, rows)
        created, row_errors = bond_requests_import(
            actor=self.actor, rows=parsed, dry_run=dry_run or bool(errors),
            comment=_("Imported from %(file)s.") % {"file": self.job.original_name})
        return created, sorted(errors + row_errors, key=lambda error: error[0])

    def validate_chunk(self, headers, rows):
        return self._run(headers, rows, dry_run=True)[1]

    def save_chunk(self, headers, rows):
        created, errors = self._run(headers, rows, dry_run=False)
        return len(created), errors

    def after_save(self, job):
        pass
