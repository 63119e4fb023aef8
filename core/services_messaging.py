"""Writes about how a person is reached: a family contact's details, and messages resumed
after the person (or contact) had said STOP."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.consent import consent_guard, consent_record, resume_record
from core.models import FamilyContact
from core.services import _locked_for_change

CONTACT_FIELDS = ("name", "relationship", "phone", "email", "language", "message_channel",
                  "mobile_number", "message_consent")


def _locked_contact(beneficiary, contact_id):
    contact = (FamilyContact.objects.select_for_update()
               .filter(pk=contact_id, beneficiary=beneficiary).first())
    if contact is None:
        raise Http404
    contact.beneficiary = beneficiary
    return contact


def family_contact_update(*, actor, beneficiary_id: int, contact_id: int,
                          consent_comment: str = "", **fields) -> FamilyContact:
    """Change a family contact's details; a change of consent is its own audited event."""
    fields = {name: value for name, value in fields.items() if name in CONTACT_FIELDS}
    with transaction.atomic():
        beneficiary = _locked_for_change(actor, beneficiary_id)
        contact = _locked_contact(beneficiary, contact_id)
        consent_before = contact.message_consent
        consent_guard(person=contact, comment=consent_comment,
                      consent=fields.get("message_consent", consent_before))
        changes = {name: [getattr(contact, name), value] for name, value in fields.items()
                   if getattr(contact, name) != value}
        if not changes:
            return contact
        for name, (_old, value) in changes.items():
            setattr(contact, name, value)
        contact.full_clean()
        contact.save(update_fields=list(changes))
        changes.pop("message_consent", None)
        if changes:
            audit_record(actor=actor, action="beneficiary.family_contact_update",
                         obj=beneficiary, consulate_id=beneficiary.consulate_id,
                         changes={"contact_id": contact.pk, **changes})
        consent_record(actor=actor, person=contact, before=consent_before,
                       comment=consent_comment)
    return contact


def person_messages_resume(*, actor, beneficiary_id: int, contact_id: int | None = None,
                           comment: str) -> None:
    """Clear an opt-out because the person asked again to receive messages: consent is
    recorded again, with who confirmed it and how the person asked."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say how the person asked again to receive "
                                            "messages, for the record.")})
    with transaction.atomic():
        beneficiary = _locked_for_change(actor, beneficiary_id)
        person = beneficiary if contact_id is None else _locked_contact(beneficiary, contact_id)
        opted_out_at = person.messages_opted_out_at
        if opted_out_at is None:
            raise ValidationError(_("This person had not asked to stop messages."))
        person.messages_opted_out_at = None
        person.message_consent = True
        person.save(update_fields=["messages_opted_out_at", "message_consent"])
        resume_record(actor=actor, person=person, opted_out_at=opted_out_at, comment=comment)
