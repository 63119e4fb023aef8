"""Writes a user can cause in core: beneficiaries, their family contacts, merges, language."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.audit import audit_record, audit_record_many
from core.consent import consent_guard, consent_record
from core.dedupe import (
    NAME_SIMILARITY,
    find_matches,
    find_matches_many,
    normalize_name,
    normalized_similarity,
)
from core.duplicate_queue import duplicate_reviews_queue
from core.models import Beneficiary, FamilyContact, ReferenceSequence, User
from core.selectors import BENEFICIARY_WRITERS
from core.tenancy import Scope
from core.timezones import local_today
from core.validators import curp_conflicts, normalize_a_number, normalize_curp

BENEFICIARY_FIELDS = (
    "given_names", "family_names", "date_of_birth", "sex", "country_of_birth", "a_number",
    "curp",
    "preferred_language", "accessibility_needs", "phone", "email", "address",
    "consents_to_family_lookup", "message_channel", "mobile_number", "message_consent",
)


class DuplicateSuspected(ValidationError):
    """Records that may be this person; the officer may confirm it is someone else."""

    def __init__(self, matches):
        super().__init__(
            _("This person may already be on record. Check the likely matches below."),
            code="duplicate_suspected",
        )
        self.matches = matches


class DuplicateRefused(ValidationError):
    """An active record already carries this A-number or CURP."""

    def __init__(self, matches):
        super().__init__(
            _("A record with this A-number or CURP already exists. The same person cannot be "
              "recorded twice; a program administrator can merge records."),
            code="duplicate_identifier",
        )
        self.matches = matches


def _normalized(fields):
    fields = {k: v for k, v in fields.items() if k in BENEFICIARY_FIELDS}
    errors = {}
    for name, normalize in (("a_number", normalize_a_number), ("curp", normalize_curp)):
        if fields.get(name):
            try:
                fields[name] = normalize(fields[name])
            except ValidationError as exc:
                errors[name] = exc.error_list
        elif name in fields:
            fields[name] = ""
    if errors:
        raise ValidationError(errors)
    return fields


def beneficiary_prepare(*, actor, consulate, **fields):
    """One person's row rules, shared by beneficiary_create and beneficiaries_import: the
    identifiers normalised, every field and the model's own checks validated, no query."""
    beneficiary = Beneficiary(consulate=consulate, created_by=actor, **_normalized(fields))
    beneficiary.clean_fields(exclude=["reference", "consulate", "created_by", "merged_into"])
    beneficiary.clean()  # (after the fields: it compares the date of birth)
    _check_curp(beneficiary)
    beneficiary.refresh_search_fields()  # bulk_create does not call save()
    return beneficiary


def _check_curp(beneficiary):
    refusals, _warnings = curp_conflicts(beneficiary.curp,
                                         date_of_birth=beneficiary.date_of_birth)
    if refusals:
        raise ValidationError({"curp": refusals})


def _check_duplicates(fields, *, exclude_id=None, confirm_distinct=False):
    matches = find_matches(
        a_number=fields.get("a_number", ""),
        curp=fields.get("curp", ""),
        given_names=fields.get("given_names", ""),
        family_names=fields.get("family_names", ""),
        date_of_birth=fields.get("date_of_birth"),
        exclude_id=exclude_id,
    )
    exact = [m for m in matches if m.is_exact]
    if exact:
        raise DuplicateRefused(matches)
    if matches and not confirm_distinct:
        raise DuplicateSuspected(matches)
    return matches


def reference_allocate(*, consulate):
    """The next case reference of this consulate and year, e.g. CHI-2026-000123."""
    return references_allocate(consulate=consulate, count=1)[0]


def references_allocate(*, consulate, count, year=None):
    """`count` consecutive case references, locking the consulate's sequence once. The year is
    the one at the consulate (a case opened in Los Angeles at 23:30 on 31 December is of the
    old year there, whatever the hour in Chicago), or `year` for a case of an earlier year
    brought in from a file: each year has its own sequence."""
    year = year or local_today(consulate).year
    ReferenceSequence.objects.get_or_create(consulate=consulate, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(consulate=consulate, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{consulate.code}-{year}-{n:06d}" for n in range(first, sequence.last + 1)]


def _require_beneficiary_writer(actor, consulate):
    scope = Scope.of(actor)
    scope.require(*BENEFICIARY_WRITERS)
    if not scope.reaches_consulate(consulate.pk, *BENEFICIARY_WRITERS):
        raise PermissionDenied


def _create_audit(actor, beneficiary, matches, comment=""):
    return dict(actor=actor, action="beneficiary.create", obj=beneficiary, comment=comment,
                changes={"reference": beneficiary.reference,
                         "confirmed_distinct_from": [m.beneficiary.reference for m in matches]},
                consulate_id=beneficiary.consulate_id)


def beneficiary_create(*, actor, consulate, confirm_distinct=False, consent_comment="",
                       **fields):
    _require_beneficiary_writer(actor, consulate)
    beneficiary = beneficiary_prepare(actor=actor, consulate=consulate, **fields)
    consent_guard(person=Beneficiary(), consent=beneficiary.message_consent,
                  comment=consent_comment)
    with transaction.atomic():
        matches = _check_duplicates(_identity(beneficiary), confirm_distinct=confirm_distinct)
        beneficiary.reference = reference_allocate(consulate=consulate)
        beneficiary.save()
        audit_record(**_create_audit(actor, beneficiary, matches))
        consent_record(actor=actor, person=beneficiary, before=False, comment=consent_comment)
        duplicate_reviews_queue([(beneficiary, matches)])
    return beneficiary


def _identity(beneficiary):
    return {n: getattr(beneficiary, n) for n in
            ("a_number", "curp", "given_names", "family_names", "date_of_birth")}


# Importing many at once ------------------------------------------------------------------

class ImportedRows:
    """What the earlier rows of one file hold, so a person cannot come twice in it."""

    def __init__(self):
        self.identifiers = {}  # ("a_number" | "curp", value) -> line
        self.births = {}  # date of birth -> [(normalised name, line)]

    def repeats(self, line, beneficiary, confirm_distinct):
        errors = []
        for column in ("a_number", "curp"):
            value = getattr(beneficiary, column)
            if value and (column, value) in self.identifiers:
                errors.append(_("%(column)s repeats line %(line)s of the file.")
                              % {"column": column, "line": self.identifiers[(column, value)]})
            elif value:
                self.identifiers[(column, value)] = line
        name = normalize_name(beneficiary.full_name)
        earlier = self.births.setdefault(beneficiary.date_of_birth, [])
        if not confirm_distinct:
            errors.extend(
                _("Possible duplicate of line %(line)s of the file — resolve it first.")
                % {"line": other_line} for other, other_line in earlier
                if normalized_similarity(name, other) >= NAME_SIMILARITY)
        earlier.append((name, line))
        return errors


def beneficiaries_check(*, actor, rows, seen=None):
    """Check rows of (line, consulate, fields, confirm_distinct) as beneficiary_create would,
    in a constant number of queries: returns (ready, errors), ready as (line, unsaved
    beneficiary, near matches the row confirmed distinct), errors as (line, message)."""
    seen = ImportedRows() if seen is None else seen
    prepared, errors = [], []
    for line, consulate, fields, confirm_distinct in rows:
        try:
            _require_beneficiary_writer(actor, consulate)
            beneficiary = beneficiary_prepare(actor=actor, consulate=consulate, **fields)
        except PermissionDenied:
            errors.append((line, _("You may not add beneficiaries to the consulate %(code)s.")
                           % {"code": consulate.code}))
            continue
        except ValidationError as exc:
            errors.extend((line, message) for message in _labelled(exc))
            continue
        try:
            _imported_row_guard(beneficiary, fields)
        except ValidationError as exc:
            errors.extend((line, message) for message in _labelled(exc))
            continue
        errors.extend((line, m) for m in seen.repeats(line, beneficiary, confirm_distinct))
        prepared.append((line, beneficiary, confirm_distinct))
    ready = []
    found = find_matches_many([_identity(b) for _line, b, _confirm in prepared])
    for (line, beneficiary, confirm_distinct), matches in zip(prepared, found, strict=True):
        exact = [m for m in matches if m.is_exact]
        if exact:
            errors.append((line, _("A record with this A-number or CURP already exists: "
                                   "%(references)s.") % {"references": _refs(exact)}))
        elif matches and not confirm_distinct:
            errors.append((line, _("Possible duplicate of %(references)s — resolve it first.")
                           % {"references": _refs(matches)}))
        else:
            ready.append((line, beneficiary, matches))
    return ready, sorted(errors, key=lambda error: error[0])


def _imported_row_guard(beneficiary, fields):
    """A file's row, beyond the person's own rules: its consent needs a reason as the form's
    does, and the day the case was opened (when given) is not in the future."""
    consent_guard(person=Beneficiary(), consent=beneficiary.message_consent,
                  comment=fields.get("consent_comment", ""))
    opened_on = fields.get("opened_on")
    if opened_on and not isinstance(opened_on, datetime.date):
        raise ValidationError({"opened_on": _("“%(value)s” is not a date (YYYY-MM-DD).")
                               % {"value": str(opened_on)[:20]}})
    if opened_on and opened_on > local_today(beneficiary.consulate):
        raise ValidationError({"opened_on": _("The date the case was opened is in the "
                                              "future.")})


def beneficiaries_import(*, actor, rows, seen=None, comment=""):
    """Create the beneficiaries of these rows, all of them or (on any row error) none:
    references allocated as a block per consulate and year (a row's opened_on gives a case
    of an earlier year its own year's reference), rows and audit events written in bulk;
    a consent given is audited as the form audits it. Returns (created, errors)."""
    extras = {line: fields for line, _consulate, fields, _confirm in rows}
    with transaction.atomic():
        ready, errors = beneficiaries_check(actor=actor, rows=rows, seen=seen)
        if errors:
            return [], errors
        by_sequence = {}
        for line, beneficiary, _matches in ready:
            opened_on = extras[line].get("opened_on")
            key = (beneficiary.consulate, opened_on.year if opened_on else None)
            by_sequence.setdefault(key, []).append(beneficiary)
        for consulate, year in sorted(by_sequence, key=lambda k: (k[0].pk, k[1] or 0)):
            people = by_sequence[(consulate, year)]  # one lock order: consulate, then year
            references = references_allocate(consulate=consulate, count=len(people), year=year)
            for beneficiary, reference in zip(people, references, strict=True):
                beneficiary.reference = reference
        created = Beneficiary.objects.bulk_create([b for _line, b, _m in ready],
                                                  batch_size=500)
        audit_record_many([_create_audit(actor, b, matches, comment)
                           for _line, b, matches in ready])
        for line, beneficiary, _matches in ready:
            consent_record(actor=actor, person=beneficiary, before=False,
                           comment=extras[line].get("consent_comment", ""))
        duplicate_reviews_queue([(b, matches) for _line, b, matches in ready])
    return created, []


def _labelled(error):
    if not hasattr(error, "error_dict"):
        return error.messages
    return [message if field == "__all__" else f"{field}: {message}"
            for field, messages in error.message_dict.items() for message in messages]


def _refs(matches):
    return ", ".join(m.beneficiary.reference for m in matches)


def _locked_for_change(actor, beneficiary_id):
    scope = Scope.of(actor)
    scope.require(*BENEFICIARY_WRITERS)
    beneficiary = Beneficiary.objects.select_for_update().filter(pk=beneficiary_id).first()
    if beneficiary is None or not scope.reaches_consulate(
        beneficiary.consulate_id, *BENEFICIARY_WRITERS
    ):
        raise Http404
    if beneficiary.merged_into_id:
        raise ValidationError(_("This record was merged into another; change that one."))
    return beneficiary


def beneficiary_update(*, actor, beneficiary_id, confirm_distinct=True, consent_comment="",
                       **fields):
    fields = _normalized(fields)
    with transaction.atomic():
        beneficiary = _locked_for_change(actor, beneficiary_id)
        consent_before = beneficiary.message_consent
        consent_guard(person=beneficiary, comment=consent_comment,
                      consent=fields.get("message_consent", consent_before))
        changes = {
            name: [getattr(beneficiary, name), value]
            for name, value in fields.items()
            if getattr(beneficiary, name) != value
        }
        if not changes:
            return beneficiary
        identity = {n: fields.get(n, getattr(beneficiary, n)) for n in
                    ("a_number", "curp", "given_names", "family_names", "date_of_birth")}
        _check_duplicates(identity, exclude_id=beneficiary.pk, confirm_distinct=confirm_distinct)
        for name, (_old, value) in changes.items():
            setattr(beneficiary, name, value)
        beneficiary.full_clean()
        _check_curp(beneficiary)
        beneficiary.save(update_fields=list(changes))
        changes.pop("message_consent", None)  # its own event, with the reason
        if changes:
            audit_record(actor=actor, action="beneficiary.update", obj=beneficiary,
                         changes=changes, consulate_id=beneficiary.consulate_id)
        consent_record(actor=actor, person=beneficiary, before=consent_before,
                       comment=consent_comment)
    return beneficiary


def family_contact_create(*, actor, beneficiary_id, name, relationship, phone="", email="",
                          language="es", message_channel="", mobile_number="",
                          message_consent=False, consent_comment=""):
    with transaction.atomic():
        beneficiary = _locked_for_change(actor, beneficiary_id)
        contact = FamilyContact(
            beneficiary=beneficiary, name=name, relationship=relationship, phone=phone,
            email=email, language=language, message_channel=message_channel,
            mobile_number=mobile_number, message_consent=message_consent)
        consent_guard(person=FamilyContact(), consent=contact.message_consent,
                      comment=consent_comment)
        contact.full_clean()
        contact.save()
        audit_record(
            actor=actor, action="beneficiary.family_contact_add", obj=beneficiary,
            changes={"contact_id": contact.pk, "relationship": relationship},
            consulate_id=beneficiary.consulate_id,
        )
        consent_record(actor=actor, person=contact, before=False, comment=consent_comment)
    return contact


def family_contact_delete(*, actor, beneficiary_id, contact_id):
    with transaction.atomic():
        beneficiary = _locked_for_change(actor, beneficiary_id)
        contact = beneficiary.family_contacts.filter(pk=contact_id).first()
        if contact is None:
            raise ValidationError(_("This family contact was already removed."))
        relationship = contact.relationship
        contact.delete()
        audit_record(
            actor=actor, action="beneficiary.family_contact_remove", obj=beneficiary,
            changes={"contact_id": contact_id, "relationship": relationship},
            consulate_id=beneficiary.consulate_id,
        )


# Merging duplicates: core.merge; kept importable from here for existing callers.
from core.merge import (  # noqa: E402,F401
    MERGE_FILLABLE,
    _relations,
    beneficiary_merge,
    beneficiary_merge_preview,
    beneficiary_merge_undo,
)

# Users ----------------------------------------------------------------------------------

def user_language_set(*, user, language):
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("This language is not available."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.language == language:
            return locked
        old = locked.language
        locked.language = language
        locked.save(update_fields=["language"])
        audit_record(actor=locked, action="user.language_set", obj=locked,
                     changes={"language": [old, language]})
    user.language = language
    return locked
