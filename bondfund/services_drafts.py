"""Drafts of bond requests: opened one by one or imported, edited, and what stops a draft
from being submitted."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bondfund.kind import BOND
from bondfund.models import (
    MINIMUM_BOND,
    Authority,
    BondProgram,
    BondRequest,
    DetentionCase,
    State,
)
from bondfund.permissions import is_officer, is_program_admin
from casework.steps import case_lock, require, require_state
from core.audit import audit_record, audit_record_many
from core.models import Beneficiary, PartnerOrganization, Role, User
from core.tenancy import Scope
from core.timezones import fund_today

DECISION_FIELDS = ("authority", "decided_on", "judge_or_court", "amount", "bond_type",
                   "conditions")


@transaction.atomic
def bond_request_create(*, actor: User, beneficiary: Beneficiary, program: BondProgram,
                        facility: str, detained_on, obligor: PartnerOrganization | None = None,
                        eligibility_answers: dict | None = None, **decision) -> BondRequest:
    if not Scope.of(actor).reaches_consulate(beneficiary.consulate_id, Role.CONSULATE_OFFICER):
        raise PermissionDenied
    case, bond = _draft_build(actor=actor, beneficiary=beneficiary, program=program,
                             facility=facility, detained_on=detained_on, obligor=obligor,
                             eligibility_answers=eligibility_answers, decision=decision)
    case.save()
    bond.detention_case = case
    bond.save()
    audit_record(**_create_audit(actor, bond))
    return bond


def _draft_build(*, actor, beneficiary, program, facility, detained_on, obligor,
                 eligibility_answers, decision):
    """An unsaved detention case and draft request, with the draft's checks: shared by
    bond_request_create and bond_requests_import."""
    case = DetentionCase(beneficiary=beneficiary, consulate_id=beneficiary.consulate_id,
                         facility=facility, detained_on=detained_on, created_by=actor)
    bond = BondRequest(program=program, beneficiary=beneficiary,
                      consulate_id=beneficiary.consulate_id, created_by=actor)
    _apply_draft(bond, obligor, eligibility_answers, decision)
    return case, bond


def _create_audit(actor, bond, comment="", import_job_id=None):
    changes = {"state": [None, bond.state], **_decision_changes(bond)}
    if import_job_id is not None:  # which file brought the draft in (bulk submit reads it)
        changes["import_job"] = import_job_id
    return dict(actor=actor, action="bond_request.create", obj=bond, comment=comment,
                changes=changes, consulate_id=bond.consulate_id, partner_id=bond.obligor_id)


@dataclass
class ImportedDrafts:
    """What one call of bond_requests_import made of its rows."""

    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line, message): nothing was written
    already: list = field(default_factory=list)  # (line, case reference): skipped


def bond_requests_import(*, actor: User, rows: list, dry_run: bool = False, comment: str = "",
                         import_job_id: int | None = None, seen: dict | None = None,
                         today=None) -> ImportedDrafts:
    """Program administrators bring in draft requests (with their detention cases) from a
    file; officers then submit them as any other draft.

    rows: (line, values) with values beneficiary_reference, a_number or curp, program (name),
    obligor_ein, facility, detained_on, eligibility_answers (list of yes/no in the program's
    order) and the decision fields. Each row must pass what submission checks
    (`submission_problems`), so every draft imported can be submitted as it is. A row whose
    case is already on record (same person, program and detention date) is skipped and
    listed in `already`; `seen` remembers the earlier rows of the same file. On any error
    nothing is written. A few queries per chunk, whatever its size.
    """
    require(is_program_admin(actor))
    seen = {} if seen is None else seen
    result = ImportedDrafts()
    with transaction.atomic():
        found = _import_lookups(rows)
        built = []
        for line, values in rows:
            try:
                row = _import_row(actor, values, found, today=today or fund_today())
            except ValidationError as exc:
                result.errors.extend((line, message) for message in exc.messages)
                continue
            if isinstance(row, str):
                result.already.append((line, row))
                continue
            key = _case_key(*row)
            if key in seen and seen[key] != line:
                result.errors.append((line, _("This case repeats line %(line)s of the file.")
                                      % {"line": seen[key]}))
            seen.setdefault(key, line)
            built.append(row)
        if result.errors or dry_run:
            return ImportedDrafts(errors=result.errors, already=result.already)
        DetentionCase.objects.bulk_create([case for case, _req in built])
        for case, bond in built:
            bond.detention_case = case
        result.created = BondRequest.objects.bulk_create([bond for _case, bond in built])
        audit_record_many([_create_audit(actor, bond, comment, import_job_id)
                           for bond in result.created])
        return result


def _case_key(case, bond):
    """One bond case: the same person, program and detention (by its date)."""
    return (bond.beneficiary_id, bond.program_id, str(case.detained_on))


def _import_lookups(rows):
    """Beneficiaries, programs, obligors and the cases already on record that the rows name,
    in a constant number of queries."""
    def wanted(key):
        return {values[key] for _line, values in rows if values.get(key)}

    active = Beneficiary.objects.active()
    found = {
        "reference": {b.reference: b for b in
                      active.filter(reference__in=wanted("beneficiary_reference"))},
        "a_number": {b.a_number: b for b in active.filter(a_number__in=wanted("a_number"))},
        "curp": {b.curp: b for b in active.filter(curp__in=wanted("curp"))},
        "program": {p.name: p for p in BondProgram.objects.filter(name__in=wanted("program"))
                    .prefetch_related("eligibility_questions")},
        "obligor": {p.ein: p for p in PartnerOrganization.objects.filter(
            ein__in=wanted("obligor_ein")).prefetch_related("consulates")},
    }
    people = {b.pk for kind in ("reference", "a_number", "curp") for b in found[kind].values()}
    cases = BondRequest.objects.filter(beneficiary_id__in=people).values_list(
        "beneficiary_id", "program_id", "detention_case__detained_on", "beneficiary__reference")
    found["existing"] = {(b, p, str(day)): ref for b, p, day, ref in cases}
    return found


def _beneficiary_of_row(values, found):
    for key, column in (("beneficiary_reference", "reference"), ("a_number", "a_number"),
                        ("curp", "curp")):
        if values.get(key):
            return found[column].get(values[key]), values[key]
    return None, ""


def _import_row(actor, values, found, *, today):
    """(case, bond) ready to save; the case reference when the case is on record already."""
    beneficiary, shown = _beneficiary_of_row(values, found)
    if beneficiary is None:
        raise ValidationError(_("No beneficiary on record has the case reference, A-number "
                                "or CURP “%(value)s”: create the person first.")
                              % {"value": shown})
    program = found["program"].get(values["program"])
    if program is None:
        raise ValidationError(_("No bond program is named “%(name)s”.")
                              % {"name": values["program"]})
    existing = found["existing"].get((beneficiary.pk, program.pk, str(values["detained_on"])))
    if existing:
        return existing
    obligor = found["obligor"].get(values.get("obligor_ein") or "")
    if values.get("obligor_ein") and obligor is None:
        raise ValidationError(_("No partner organization has the EIN %(ein)s.")
                              % {"ein": values["obligor_ein"]})
    decision = {name: values.get(name) for name in DECISION_FIELDS}
    case, bond = _draft_build(actor=actor, beneficiary=beneficiary, program=program,
                              facility=values["facility"], detained_on=values["detained_on"],
                              obligor=obligor, decision=decision,
                              eligibility_answers=_answers(program,
                                                           values.get("eligibility_answers")))
    problems = submission_problems(bond, today=today)
    if problems:
        raise ValidationError([str(problem) for problem in problems])
    return case, bond


def _answers(program, answers):
    """The checklist answers of a row (yes/no in the order of the program's questions)."""
    questions = list(program.eligibility_questions.all())
    answers = list(answers or [])
    if len(answers) != len(questions):
        raise ValidationError(_(
            "The program “%(name)s” asks %(count)s checklist questions: give %(count)s "
            "answers (yes or no), separated by “;”, in the order the import page shows.")
            % {"name": program.name, "count": len(questions)})
    return {q.pk: answer for q, answer in zip(questions, answers, strict=True)}


def bond_request_update(*, actor: User, request_id: int, facility: str | None = None,
                        detained_on=None, obligor: PartnerOrganization | None = None,
                        eligibility_answers: dict | None = None, **decision) -> BondRequest:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_officer(actor, bond))
        require_state(bond, State.DRAFT)
        if facility is not None or detained_on is not None:
            case = bond.detention_case
            case.facility = facility or case.facility
            case.detained_on = detained_on or case.detained_on
            case.save(update_fields=["facility", "detained_on"])
        _apply_draft(bond, obligor, eligibility_answers, decision)
        bond.save()
        audit_record(actor=actor, action="bond_request.update", obj=bond,
                     changes=_decision_changes(bond), consulate_id=bond.consulate_id,
                     partner_id=bond.obligor_id)
        return bond


def _apply_draft(bond, obligor, eligibility_answers, decision):
    unknown = set(decision) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown bond decision fields: {sorted(unknown)}")
    for name, value in decision.items():
        if value is None and name not in ("amount", "decided_on"):
            value = ""
        setattr(bond, name, value)
    if bond.amount is not None:
        check_bond_amount(bond)
    if obligor is not None:
        _check_obligor(bond, obligor)
        bond.obligor = obligor
    if eligibility_answers is not None:
        bond.eligibility_answers = {str(k): bool(v) for k, v in eligibility_answers.items()}


def check_bond_amount(bond):
    if str(bond.amount.currency) != bond.program.currency:
        raise ValidationError(_("The bond amount must be in %(currency)s.")
                              % {"currency": bond.program.currency})
    if bond.amount < MINIMUM_BOND:
        raise ValidationError(_("The bond amount is below the USD 1,500 statutory minimum."))


def _check_obligor(bond, partner):
    ok = (partner.obligor_eligible
          and any(c.pk == bond.consulate_id for c in partner.consulates.all()))
    if not ok:
        raise ValidationError(
            _("%(partner)s cannot be the obligor: it must be obligor-eligible and serve "
              "this consulate.") % {"partner": partner})


def _decision_changes(bond):
    return {name: getattr(bond, name) for name in DECISION_FIELDS + ("obligor_id",)}


def decision_required(bond) -> tuple:
    """The decision fields a submitted bond needs: a bond ICE set itself has no judge."""
    if bond.authority == Authority.ICE:
        return ("authority", "decided_on", "amount", "bond_type")
    return ("authority", "decided_on", "judge_or_court", "amount", "bond_type")


def eligibility_problems(bond):
    """What stops a draft from being submitted, in the officer's words."""
    problems = []
    missing = [str(BondRequest._meta.get_field(name).verbose_name)
               for name in decision_required(bond) if not getattr(bond, name)]
    if missing:
        problems.append(_("The bond decision is incomplete: %(fields)s.")
                        % {"fields": ", ".join(missing)})
    if bond.obligor_id is None:
        problems.append(_("Choose the partner that will be the obligor."))
    for question in bond.ineligible_answers():
        problems.append(format_lazy("{}: {}", question.text, question.ineligible_reason))
    if bond.amount is not None and bond.amount > bond.program.per_case_maximum:
        problems.append(_("The bond amount is above the program's per-case maximum of "
                          "%(max)s.") % {"max": bond.program.per_case_maximum})
    return problems


def submission_problems(bond, *, today) -> list:
    """Everything that stops this draft from being submitted on `today` (the fund's day).
    bond_request_submit refuses on these and an import refuses a row on them: one rule, so
    an imported draft is always one that can be submitted."""
    problems = eligibility_problems(bond)
    if not bond.program.is_open_on(today):
        problems.append(_("The program is not open today."))
    if bond.amount is not None:
        try:
            check_bond_amount(bond)
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems
