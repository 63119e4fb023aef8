"""Every change a program administrator makes: partners, consulates, people and their roles.

Each runs in one transaction, checks the actor's scope (outside it: 404), locks what it
changes, and writes the audit event with who and why. E-mail leaves through the queue.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from administration import selectors
from core.audit import audit_record
from core.models import Consulate, PartnerOrganization
from core.validators import normalize_ein

PARTNER_FIELDS = ("name", "ein", "is_501c3", "obligor_eligible", "city", "state", "email",
                  "phone", "legal_advisor_kind")
CONSULATE_FIELDS = ("code", "name", "city", "state", "time_zone", "phone", "email", "address")


def _changes(obj, fields):
    """Set the fields on obj; return {field: [before, after]} for those that changed."""
    changes = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [before, value]
            setattr(obj, name, value)
    return changes


def _validated(obj, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=True)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


# --- Partner organizations --------------------------------------------------------------

def _partner_fields(fields):
    fields = {k: v for k, v in fields.items() if k in PARTNER_FIELDS}
    try:
        fields["ein"] = normalize_ein(fields.get("ein", ""))
    except ValidationError as error:
        raise ValidationError({"ein": error.messages}) from None
    return fields


def _served(actor, partner, consulates):
    """The consulates chosen within the actor's scope, plus those outside it kept as they were."""
    allowed = set(selectors.consulates_administered_by(actor).values_list("pk", flat=True))
    chosen = {c.pk for c in consulates}
    if chosen - allowed:
        raise ValidationError({"consulates": _("You may choose only consulates you administer.")})
    kept = set(partner.consulates.values_list("pk", flat=True)) - allowed if partner.pk else set()
    return chosen | kept


def partner_create(*, actor, consulates, comment: str = "", **fields) -> PartnerOrganization:
    selectors.administrator_scope(actor)
    with transaction.atomic():
        partner = PartnerOrganization(**_partner_fields(fields))
        served = _served(actor, partner, consulates)
        if not served and not selectors.is_headquarters_administrator(actor):
            raise ValidationError({"consulates": _("Choose at least one consulate it serves.")})
        _validated(partner, exclude=["consulates"])
        partner.save()
        partner.consulates.set(sorted(served))
        audit_record(actor=actor, action="administration.partner_create", obj=partner,
                     changes={**{k: getattr(partner, k) for k in PARTNER_FIELDS},
                              "consulates": sorted(served)},
                     comment=comment, partner_id=partner.pk)
    return partner


def partner_update(*, actor, partner_id: int, consulates, comment: str = "",
                   **fields) -> PartnerOrganization:
    with transaction.atomic():
        partner = selectors.partners_administered_by(actor).select_for_update().filter(
            pk=partner_id).first()
        if partner is None:
            raise Http404
        changes = _changes(partner, _partner_fields(fields))
        before = sorted(partner.consulates.values_list("pk", flat=True))
        served = sorted(_served(actor, partner, consulates))
        if before != served:
            changes["consulates"] = [before, served]
        if not changes:
            return partner
        _validated(partner, exclude=["consulates"])
        partner.save()
        partner.consulates.set(served)
        audit_record(actor=actor, action="administration.partner_update", obj=partner,
                     changes=changes, comment=comment, partner_id=partner.pk)
    return partner


# --- Consulates ---------------------------------------------------------------------------

def _consulate_fields(fields):
    fields = {k: v for k, v in fields.items() if k in CONSULATE_FIELDS}
    fields["code"] = (fields.get("code") or "").strip().upper()
    fields["state"] = (fields.get("state") or "").strip().upper()
    return fields


def consulate_create(*, actor, comment: str = "", **fields) -> Consulate:
    if not selectors.is_headquarters_administrator(actor):
        raise PermissionDenied
    with transaction.atomic():
        consulate = Consulate(**_consulate_fields(fields))
        _validated(consulate)
        consulate.save()
        audit_record(actor=actor, action="administration.consulate_create", obj=consulate,
                     changes={k: getattr(consulate, k) for k in CONSULATE_FIELDS},
                     comment=comment, consulate_id=consulate.pk)
    return consulate


def consulate_update(*, actor, consulate_id: int, comment: str = "", **fields) -> Consulate:
    with transaction.atomic():
        consulate = selectors.consulates_administered_by(actor).select_for_update().filter(
            pk=consulate_id).first()
        if consulate is None:
            raise Http404
        changes = _changes(consulate, _consulate_fields(fields))
        if "code" in changes and not selectors.is_headquarters_administrator(actor):
            raise ValidationError({"code": _("Only a headquarters administrator may change a "
                                             "consulate's code.")})
        if not changes:
            return consulate
        _validated(consulate)
        consulate.save()
        audit_record(actor=actor, action="administration.consulate_update", obj=consulate,
                     changes=changes, comment=comment, consulate_id=consulate.pk)
    return consulate


from administration.services_people import (  # noqa: E402,F401
    invitation_accept,
    invitation_resend,
    membership_add,
    membership_remove,
    user_deactivate,
    user_invite,
    user_reactivate,
)
