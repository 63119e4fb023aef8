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
from django.utils.translation import gettext_lazy as _l
from djmoney.money import Money
from import_export import resources

from bondfund.models import Authority, BondProgram, BondRequest, BondType, State
from bondfund.services import bond_request_confirm_release, bond_requests_import
from core.exports import neutralise_dataset
from core.import_targets import ImportColumn
from core.resources import cell_text
from core.uploads import CheckedUpload
from core.validators import normalize_a_number, normalize_curp

IDENTIFIER_COLUMNS = ("a_number", "case_reference")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y")
RELEASE_COLUMNS = (
    ImportColumn("a_number", description=_l(
        "The released person's A-number. Give it or the case reference."),
        example="A-012-345-678"),
    ImportColumn("case_reference", description=_l(
        "The case reference (CHI-2025-000012) or the bond's number (FZ-000123)."),
        example=""),
    ImportColumn("release_date", required=True, description=_l(
        "Release date, YYYY-MM-DD; not in the future."), example="2025-11-20"),
)


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

def _programs():
    """Open programs and their checklist, in the order eligibility_answers follows."""
    return [(p.name, " ; ".join(q.text for q in p.eligibility_questions.all()) or "—")
            for p in BondProgram.objects.prefetch_related("eligibility_questions")
            .order_by("name")]


BOND_REQUEST_COLUMNS = (
    ImportColumn("case_reference", description=_l(
        "The person's case reference. Give it, the A-number or the CURP: the person must be "
        "on record (import beneficiaries first)."), example="CHI-2025-000012"),
    ImportColumn("a_number", description=_l("The person's A-number (8 or 9 digits)."),
                 example="A-012-345-678"),
    ImportColumn("curp", description=_l("The person's CURP (18 characters)."), example=""),
    ImportColumn("program", required=True, description=_l(
        "The bond program's exact name."), example="Programa piloto de fianzas Chicago 2025",
        codes=_programs),
    ImportColumn("facility", required=True, description=_l("Detention facility."),
                 example="Broadview Processing Center"),
    ImportColumn("detained_on", required=True, description=_l(
        "Detention date, YYYY-MM-DD. With the person and the program it identifies the case: "
        "a case already on record is not imported again."), example="2025-11-01"),
    ImportColumn("authority", required=True, description=_l("Who set the bond."),
                 example="ice", codes=lambda: Authority.choices),
    ImportColumn("decided_on", required=True, description=_l("Date of the bond decision, "
                                                             "YYYY-MM-DD."),
                 example="2025-11-10"),
    ImportColumn("judge_or_court", description=_l(
        "The judge or court that set the bond; required unless ICE set it."), example=""),
    ImportColumn("amount", required=True, description=_l(
        "Bond amount in US dollars, at least 1500, without the $ sign."), example="6000.00"),
    ImportColumn("bond_type", required=True, description=_l("Bond type."),
                 example="delivery", codes=lambda: BondType.choices),
    ImportColumn("obligor_ein", required=True, description=_l(
        "EIN of the partner that posts the bond; it must serve the person's consulate."),
        example="36-4567890"),
    ImportColumn("eligibility_answers", description=_l(
        "Answers to the program's checklist, yes or no separated by “;”, in the order "
        "listed for the program (required when the program has a checklist)."),
        example="yes;no"),
    ImportColumn("conditions", description=_l("Conditions of release."),
                 example="Report to ICE monthly"),
)
BOND_REQUEST_HEADERS = tuple(column.name for column in BOND_REQUEST_COLUMNS)
PERSON_COLUMNS = ("case_reference", "a_number", "curp")
YES_WORDS, NO_WORDS = {"yes", "y", "si", "sí", "true", "1"}, {"no", "n", "false", "0"}


class BondRequestRowForm(forms.Form):
    """One row's cells, typed; the draft's own rules are the service's."""

    case_reference = forms.CharField(required=False, max_length=20)
    a_number = forms.CharField(required=False, max_length=16)
    curp = forms.CharField(required=False, max_length=18)
    program = forms.CharField(max_length=160)
    facility = forms.CharField(max_length=200)
    detained_on = forms.DateField(input_formats=DATE_FORMATS)
    authority = forms.ChoiceField(choices=Authority.choices)
    decided_on = forms.DateField(input_formats=DATE_FORMATS)
    judge_or_court = forms.CharField(required=False, max_length=200)
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
    bond_type = forms.ChoiceField(choices=BondType.choices)
    obligor_ein = forms.CharField(required=False, max_length=10)
    eligibility_answers = forms.CharField(required=False)
    conditions = forms.CharField(required=False)

    def clean_a_number(self):
        value = self.cleaned_data["a_number"]
        return normalize_a_number(value) if value else ""

    def clean_curp(self):
        value = self.cleaned_data["curp"]
        return normalize_curp(value) if value else ""

    def clean_eligibility_answers(self):
        words = [w.strip().casefold() for w in self.cleaned_data["eligibility_answers"]
                 .split(";") if w.strip()]
        wrong = [w for w in words if w not in YES_WORDS | NO_WORDS]
        if wrong:
            raise forms.ValidationError(_("Answer the checklist with yes or no (not "
                                          "“%(word)s”).") % {"word": wrong[0][:20]})
        return [w in YES_WORDS for w in words]

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in PERSON_COLUMNS):
            raise forms.ValidationError(_("Give a case reference, an A-number or a CURP."))
        return data

    def values(self):
        data = dict(self.cleaned_data)
        data["beneficiary_reference"] = data.pop("case_reference").upper()
        data["amount"] = Money(data["amount"], "USD")
        return data


def _row_data(row):
    data = {}
    for name in BOND_REQUEST_HEADERS:
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
    """Rows -> bond_requests_import: a dry run per chunk first, then the drafts. Rows whose
    case is on record already are listed on the job (`unmatched`) and skipped."""

    REQUIRED = {column.name for column in BOND_REQUEST_COLUMNS if column.required}

    def __init__(self, job):
        self.job, self.actor = job, job.created_by
        self.seen = {}  # the cases of this file read so far -> their line

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
        if missing or not set(PERSON_COLUMNS) & set(headers):
            return None, [(rows[0][0], _("Missing columns: %(columns)s.") % {
                "columns": ", ".join(sorted(missing) or ["case_reference / a_number / curp"])})]
        parsed, errors = self._parsed(headers, rows)
        result = bond_requests_import(
            actor=self.actor, rows=parsed, dry_run=dry_run or bool(errors), seen=self.seen,
            import_job_id=self.job.pk,
            comment=_("Imported from %(file)s.") % {"file": self.job.original_name})
        return result, sorted(errors + result.errors, key=lambda error: error[0])

    def validate_chunk(self, headers, rows):
        result, errors = self._run(headers, rows, dry_run=True)
        if result is not None:
            self.job.unmatched.extend({"line": line, "identifier": reference}
                                      for line, reference in result.already)
        return errors

    def save_chunk(self, headers, rows):
        result, errors = self._run(headers, rows, dry_run=False)
        return (len(result.created) if result else 0), errors

    def after_save(self, job):
        pass
