"""Consent to be messaged, for a beneficiary and for a family contact: the rules the services
share, and the audit events that say who recorded a consent, a withdrawal or a resumption,
when and why. Events are written on the beneficiary's record (a contact's carry its id and
name) so the person's page shows them all."""

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import FamilyContact, MessageChannel
from core.timezones import local_today

CONSENT_GIVE = "beneficiary.messages_consent"
CONSENT_WITHDRAW = "beneficiary.messages_withdraw"
MESSAGES_RESUME = "beneficiary.messages_resume"


def _beneficiary_of(person):
    return person.beneficiary if isinstance(person, FamilyContact) else person


def _who(person) -> dict:
    if isinstance(person, FamilyContact):
        return {"family_contact_id": person.pk, "family_contact": person.name}
    return {}


def consent_guard(*, person, consent: bool, comment: str) -> None:
    """Refuse a consent that contradicts an opt-out, and a change of consent without a reason."""
    if consent and not person.message_consent and person.messages_opted_out_at:
        raise ValidationError({"message_consent": opted_out_sentence(person)})
    if consent != person.message_consent and not (comment or "").strip():
        raise ValidationError({"consent_comment": _(
            "Say how the person gave or withdrew consent, for the record.")})


def opted_out_sentence(person) -> str:
    day = date_format(opted_out_day(person), "SHORT_DATE_FORMAT")
    return _("This person asked not to receive messages (%(date)s). Record that they asked "
             "again before sending them messages.") % {"date": day}


def opted_out_day(person):
    """The day the person said STOP, at their consulate."""
    return local_today(_beneficiary_of(person).consulate, now=person.messages_opted_out_at)


def consent_record(*, actor, person, before: bool, comment: str) -> None:
    """Audit a change of consent already applied to `person` (inside the caller's atomic)."""
    if before == person.message_consent:
        return
    beneficiary = _beneficiary_of(person)
    audit_record(
        actor=actor, action=CONSENT_GIVE if person.message_consent else CONSENT_WITHDRAW,
        obj=beneficiary, comment=comment, consulate_id=beneficiary.consulate_id,
        changes={"message_consent": [before, person.message_consent],
                 "message_channel": person.message_channel, **_who(person)},
    )


def resume_record(*, actor, person, opted_out_at, comment: str) -> None:
    beneficiary = _beneficiary_of(person)
    audit_record(
        actor=actor, action=MESSAGES_RESUME, obj=beneficiary, comment=comment,
        consulate_id=beneficiary.consulate_id,
        changes={"messages_opted_out_at": [opted_out_at, None],
                 "message_consent": True, **_who(person)},
    )


def messaging_words(person) -> str:
    """How this person may be messaged, as a sentence for their page."""
    if person.messages_opted_out_at:
        return _("This person asked not to receive messages (%(date)s).") % {
            "date": date_format(opted_out_day(person), "SHORT_DATE_FORMAT")}
    if not person.message_consent:
        return _("Has not agreed to receive messages.")
    if not person.message_channel:
        return _("Agrees to receive messages, but no channel is chosen.")
    address = (person.email if person.message_channel == MessageChannel.EMAIL
               else person.mobile_number)
    channel = person.get_message_channel_display()
    if not address:
        return _("Agrees to receive messages by %(channel)s, but the record has no address "
                 "for it.") % {"channel": channel}
    return _("Agrees to receive messages by %(channel)s at %(address)s.") % {
        "channel": channel, "address": address}
