"""Every write about PALE contracts, referrals, sessions and milestones (invoices: invoices.py).

Each runs in one transaction: lock the row, check the user's role and the guards, stamp the
transition, write the audit event, and queue e-mail for after the commit.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from core.audit import audit_record
from core.models import Beneficiary, PartnerOrganization, Role
from core.tenancy import Scope
from core.timezones import add_business_days, local_today
from pale import alerts
from pale.grants_adapter import advisor_cap_raise, check_program
from pale.models import (
    CaseResult,
    Contract,
    ContractFee,
    Milestone,
    MilestoneKind,
    Referral,
    ReferralState,
    Session,
    Urgency,
)


def _audit(actor, action, obj, *, consulate_id, partner_id, changes=None, comment=""):
    audit_record(actor=actor, action=f"pale.{action}", obj=obj, changes=changes or {},
                 comment=comment, consulate_id=consulate_id, partner_id=partner_id)


def _state_error(obj):
    return ValidationError(_("This is now “%(state)s”: that action no longer applies. Nothing "
                             "was changed.") % {"state": obj.get_state_display()})


# Contracts -------------------------------------------------------------------------------

def contract_create(*, actor, advisor: PartnerOrganization, consulate, program, starts_on,
                    ends_on, budget, fees: dict, response_business_days: int = 2,
                    urgent_response_business_days: int = 1) -> Contract:
    """A program administrator signs an advisor for a consulate; `fees`: service -> amount."""
    Scope.of(actor).require(Role.PROGRAM_ADMIN)
    check_program(program)
    if not advisor.legal_advisor_kind:
        raise ValidationError(_("This organization is not registered as a legal advisor."))
    if ends_on < starts_on:
        raise ValidationError(_("The contract ends before it starts."))
    if not fees:
        raise ValidationError(_("Give the fee of at least one service."))
    if urgent_response_business_days > response_business_days:
        raise ValidationError(_("An urgent referral cannot have longer to be answered."))
    budget = Money(budget, program.currency)
    with transaction.atomic():
        contract = Contract.objects.create(
            advisor=advisor, consulate=consulate, program=program, starts_on=starts_on,
            ends_on=ends_on, budget=budget, response_business_days=response_business_days,
            urgent_response_business_days=urgent_response_business_days, created_by=actor)
        for service, amount in fees.items():
            ContractFee.objects.create(contract=contract, service=service,
                                       fee=Money(amount, program.currency))
        advisor_cap_raise(actor=actor, program=program, advisor=advisor, by=budget)
        _audit(actor, "contract.create", contract, consulate_id=consulate.pk,
               partner_id=advisor.pk,
               changes={"budget": str(budget), "period": [starts_on, ends_on],
                        "fees": {k: str(v) for k, v in fees.items()}})
    return contract


# Referrals -------------------------------------------------------------------------------

def respond_by(contract, urgency, at: datetime) -> datetime:
    days = contract.urgent_response_business_days if urgency == Urgency.URGENT \
        else contract.response_business_days
    return add_business_days(contract.consulate, at, days)


def _check_contract_for(contract, beneficiary, now):
    if contract.consulate_id != beneficiary.consulate_id:
        raise ValidationError(_("This advisor's contract is with another consulate."))
    if not contract.covers(local_today(contract.consulate, now=now)):
        raise ValidationError(_("This advisor's contract is not in force today."))


def referral_create(*, actor, beneficiary: Beneficiary, contract: Contract, matter: str,
                    urgency: str = Urgency.NORMAL, notes: str = "") -> Referral:
    """An officer refers a person of their consulate to an advisor under contract."""
    if not Scope.of(actor).reaches_consulate(beneficiary.consulate_id, Role.CONSULATE_OFFICER):
        raise PermissionDenied
    now = timezone.now()
    _check_contract_for(contract, beneficiary, now)
    with transaction.atomic():
        referral = _referral_new(actor, beneficiary, contract, matter, urgency, notes, now)
    return referral


def _referral_new(actor, beneficiary, contract, matter, urgency, notes, now):
    referral = Referral.objects.create(
        beneficiary=beneficiary, consulate_id=beneficiary.consulate_id, contract=contract,
        advisor_id=contract.advisor_id, matter=matter, urgency=urgency, notes=notes,
        respond_by=respond_by(contract, urgency, now), created_at=now, created_by=actor)
    _audit(actor, "referral.create", referral, consulate_id=referral.consulate_id,
           partner_id=referral.advisor_id,
           changes={"matter": matter, "urgency": urgency, "respond_by": referral.respond_by})
    alerts.referral_sent(referral)
    return referral


def _locked_referral(referral):
    return (Referral.objects.select_for_update(of=("self",))
            .select_related("consulate", "contract", "advisor", "beneficiary")
            .get(pk=referral.pk))


def _require_advisor(actor, referral):
    if referral.advisor_id not in Scope.of(actor).partner_ids:
        raise PermissionDenied


def _require_officer(actor, referral):
    if not Scope.of(actor).reaches_consulate(referral.consulate_id, Role.CONSULATE_OFFICER):
        raise PermissionDenied


def referral_accept(*, actor, referral, comment: str = "") -> Referral:
    with transaction.atomic():
        referral = _locked_referral(referral)
        _require_advisor(actor, referral)
        if referral.state != ReferralState.PENDING:
            raise _state_error(referral)
        referral.accept(at=timezone.now())
        referral.save()
        _audit(actor, "referral.accept", referral, consulate_id=referral.consulate_id,
               partner_id=referral.advisor_id, comment=comment,
               changes={"state": [ReferralState.PENDING, referral.state],
                        "late": referral.is_late()})
        alerts.referral_answered(referral)
    return referral


def referral_decline(*, actor, referral, reason: str) -> Referral:
    """The advisor cannot take it; the officer is alerted to refer elsewhere."""
    if not (reason or "").strip():
        raise ValidationError(_("Please say why the referral is declined."))
    with transaction.atomic():
        referral = _locked_referral(referral)
        _require_advisor(actor, referral)
        if referral.state != ReferralState.PENDING:
            raise _state_error(referral)
        now = timezone.now()
        referral.decline(at=now, reason=reason.strip())
        referral.alerted_at = now
        referral.save()
        _audit(actor, "referral.decline", referral, consulate_id=referral.consulate_id,
               partner_id=referral.advisor_id, comment=reason,
               changes={"state": [ReferralState.PENDING, referral.state]})
        alerts.referral_needs_officer(referral)
    return referral


def referral_redirect(*, actor, referral, contract: Contract, notes: str = "") -> Referral:
    """The officer sends an unanswered or declined referral to another advisor."""
    with transaction.atomic():
        referral = _locked_referral(referral)
        _require_officer(actor, referral)
        if referral.state not in (ReferralState.PENDING, ReferralState.DECLINED):
            raise _state_error(referral)
        if contract.advisor_id == referral.advisor_id:
            raise ValidationError(_("Choose another advisor."))
        now = timezone.now()
        _check_contract_for(contract, referral.beneficiary, now)
        new = _referral_new(actor, referral.beneficiary, contract, referral.matter,
                            referral.urgency, notes or referral.notes, now)
        before = referral.state
        referral.redirect(to=new)
        referral.save()
        _audit(actor, "referral.redirect", referral, consulate_id=referral.consulate_id,
               partner_id=referral.advisor_id,
               changes={"state": [before, referral.state], "to": new.number})
    return new


def referrals_alert_overdue(*, now: datetime | None = None) -> int:
    """Alert the officers of every referral still unanswered past its due time, once each.

    Safe to run twice: a referral alerted before is skipped under its row lock."""
    now = now or timezone.now()
    due = list(Referral.objects.filter(state=ReferralState.PENDING, respond_by__lt=now,
                                       alerted_at__isnull=True).values_list("pk", flat=True))
    alerted = 0
    for pk in due:
        with transaction.atomic():
            referral = _locked_referral(Referral(pk=pk))
            if referral.state != ReferralState.PENDING or referral.alerted_at is not None:
                continue
            referral.alerted_at = now
            referral.save(update_fields=["alerted_at"])
            _audit(None, "referral.overdue", referral, consulate_id=referral.consulate_id,
                   partner_id=referral.advisor_id, changes={"respond_by": referral.respond_by})
            alerts.referral_needs_officer(referral)
            alerted += 1
    return alerted


# Sessions and milestones -----------------------------------------------------------------

def _open_for_work(actor, referral, day):
    referral = _locked_referral(referral)
    _require_advisor(actor, referral)
    if referral.state != ReferralState.ACCEPTED:
        raise ValidationError(_("Work is recorded on an accepted referral."))
    if day > local_today(referral.consulate):
        raise ValidationError(_("The date is in the future."))
    if day < timezone.localtime(referral.created_at, alerts.zone(referral)).date():
        raise ValidationError(_("The date is before the referral was made."))
    return referral


def session_record(*, actor, referral, held_on, mode, topic, minutes, outcome,
                   next_step="") -> Session:
    with transaction.atomic():
        referral = _open_for_work(actor, referral, held_on)
        if minutes <= 0:
            raise ValidationError(_("Give the length of the session in minutes."))
        session = Session.objects.create(
            referral=referral, held_on=held_on, mode=mode, topic=topic, minutes=minutes,
            outcome=outcome, next_step=next_step, recorded_by=actor)
        _audit(actor, "session.record", referral, consulate_id=referral.consulate_id,
               partner_id=referral.advisor_id,
               changes={"session": session.pk, "held_on": held_on, "mode": mode,
                        "minutes": minutes})
    return session


def milestone_record(*, actor, referral, kind, occurred_on, result, judge_or_court="",
                     bond_amount=None, notes="") -> Milestone:
    granted = kind == MilestoneKind.BOND_HEARING and result == CaseResult.BOND_GRANTED
    if granted and not bond_amount:
        raise ValidationError(_("Give the bond amount the judge set."))
    with transaction.atomic():
        referral = _open_for_work(actor, referral, occurred_on)
        milestone = Milestone.objects.create(
            referral=referral, kind=kind, occurred_on=occurred_on, result=result,
            judge_or_court=judge_or_court,
            bond_amount=Money(bond_amount, "USD") if granted else None, notes=notes,
            recorded_by=actor)
        _audit(actor, "milestone.record", referral, consulate_id=referral.consulate_id,
               partner_id=referral.advisor_id,
               changes={"milestone": milestone.pk, "kind": kind, "result": result,
                        "bond_amount": str(milestone.bond_amount or "")})
        alerts.milestone_recorded(milestone)
    return milestone


def hearing_bond_request_create(*, actor, milestone, program, facility, detained_on):
    """The officer opens the bond request that follows from a hearing's decision (a draft
    carrying the judge's decision), linked to the hearing."""
    from bondfund import services as bond_services

    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().select_related(
            "referral__beneficiary").get(pk=milestone.pk)
        _require_officer(actor, milestone.referral)
        if milestone.kind != MilestoneKind.BOND_HEARING or \
                milestone.result != CaseResult.BOND_GRANTED:
            raise ValidationError(_("A bond request follows only a hearing that set a bond."))
        if milestone.bond_request_id:
            raise ValidationError(_("A bond request already follows from this hearing."))
        request = bond_services.bond_request_create(
            actor=actor, beneficiary=milestone.referral.beneficiary, program=program,
            facility=facility, detained_on=detained_on, authority="ij",
            decided_on=milestone.occurred_on, judge_or_court=milestone.judge_or_court,
            amount=milestone.bond_amount, bond_type="delivery")
        milestone.bond_request = request
        milestone.save(update_fields=["bond_request"])
        _audit(actor, "milestone.bond_request", milestone.referral,
               consulate_id=milestone.referral.consulate_id,
               partner_id=milestone.referral.advisor_id,
               changes={"milestone": milestone.pk, "bond_request": request.pk})
    return request
