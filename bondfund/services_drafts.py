"""Drafts of bond requests: opened one by one or imported, edited, and what stops a draft
from being submitted."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bondfund.kind import BOND
from bondfund.models import MINIMUM_BOND, BondProgram, BondRequest, DetentionCase, State
from bondfund.permissions import is_officer, is_program_admin
from casework.steps import case_lock, require, require_state
from core.audit import audit_record, audit_record_many
from core.models import Beneficiary, PartnerOrganization, Role, User
from core.tenancy import Scope

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


def _create_audit(actor, bond, comment=""):
    return dict(actor=actor, action="bond_request.create", obj=bond, comment=comment,
                changes={"state": [None, bond.state], **_decision_changes(bond)},
                consulate_id=bond.consulate_id, partner_id=bond.obligor_id)


def bond_requests_import(*, actor: User, rows: list, dry_run: bool = False,
                         comment: str = "") -> tuple[list, list]:
    """Program administrators bring in draft requests (with their detention cases) from a
    file; officers then submit them and approvers approve them as any other draft.

    rows: (line, values) with values beneficiary_reference or a_number, program (name),
    obligor_ein (optional), facility, detained_on and the decision fields. Every row is
    checked (a few queries for the whole chunk); on any error nothing is written. Returns
    (created requests, [(line, message)]).
    """
    require(is_program_admin(actor))
    with transaction.atomic():
        found = _import_lookups(rows)
        built, errors = [], []
        for line, values in rows:
            try:
                built.append(_import_row(actor, values, found))
            except ValidationError as exc:
                errors.extend((line, message) for message in exc.messages)
        if errors or dry_run:
            return [], errors
        DetentionCase.objects.bulk_create([case for case, _req in built])
        for case, bond in built:
            bond.detention_case = case
        created = BondRequest.objects.bulk_create([bond for _case, bond in built])
        audit_record_many([_create_audit(actor, bond, comment) for bond in created])
        return created, []


def _import_lookups(rows):
    """Beneficiaries, programs and obligors the rows name, in four queries."""
    def wanted(key):
        return {values[key] for _line, values in rows if values.get(key)}

    active = Beneficiary.objects.active()
    return {
        "reference": {b.reference: b for b in
                      active.filter(reference__in=wanted("beneficiary_reference"))},
        "a_number": {b.a_number: b for b in active.filter(a_number__in=wanted("a_number"))},
        "program": {p.name: p for p in BondProgram.objects.filter(name__in=wanted("program"))},
        "obligor": {p.ein: p for p in
                    PartnerOrganization.objects.filter(ein__in=wanted("obligor_ein"))},
    }


def _import_row(actor, values, found):
    reference, a_number = values.get("beneficiary_reference"), values.get("a_number")
    beneficiary = (found["reference"].get(reference) if reference
                   else found["a_number"].get(a_number))
    if beneficiary is None:
        raise ValidationError(_("No beneficiary on record has the case reference or A-number "
                                "“%(value)s”: create the person first.")
                              % {"value": reference or a_number or ""})
    program = found["program"].get(values["program"])
    if program is None:
        raise ValidationError(_("No bond program is named “%(name)s”.")
                              % {"name": values["program"]})
    obligor = None
    if values.get("obligor_ein"):
        obligor = found["obligor"].get(values["obligor_ein"])
        if obligor is None:
            raise ValidationError(_("No partner organization has the EIN %(ein)s.")
                                  % {"ein": values["obligor_ein"]})
    decision = {name: values.get(name) for name in DECISION_FIELDS}
    return _draft_build(actor=actor, beneficiary=beneficiary, program=program,
                        facility=values["facility"], detained_on=values["detained_on"],
                        obligor=obligor, eligibility_answers=None, decision=decision)


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
          and partner.consulates.filter(pk=bond.consulate_id).exists())
    if not ok:
        raise ValidationError(
            _("%(partner)s cannot be the obligor: it must be obligor-eligible and serve "
              "this consulate.") % {"partner": partner})


def _decision_changes(bond):
    return {name: getattr(bond, name) for name in DECISION_FIELDS + ("obligor_id",)}


def eligibility_problems(bond):
    """What stops a draft from being submitted, in the officer's words."""
    problems = []
    missing = [str(BondRequest._meta.get_field(name).verbose_name)
               for name in DECISION_FIELDS if name != "conditions" and not getattr(bond, name)]
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
