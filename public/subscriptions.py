"""A family asks, on the found page, to be told by SMS or WhatsApp when the stage changes.

The request needs the signed token the found page carries (only someone who just typed the
right reference and date of birth holds one); the number becomes a consenting family
contact of the person. A scheduled job compares each subscribed person's current stage with
the last one told and writes one outbox message per change (the outbox's dedupe key makes a
second run change nothing).
"""

import hashlib

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import Beneficiary, FamilyContact, MessageChannel
from public.selectors import family_status
from public.whereabouts import family_whereabouts

SALT = "fianza.public.subscribe"
TOKEN_AGE = 30 * 60  # seconds: the found page stays usable for half an hour
CHANNELS = (MessageChannel.SMS, MessageChannel.WHATSAPP)


def subscription_token(beneficiary) -> str:
    return signing.dumps({"b": beneficiary.pk}, salt=SALT)


def stage_subscribe(*, token, mobile_number, channel, language):
    """Record (or renew) the family's request; returns the contact."""
    try:
        beneficiary_id = signing.loads(token, salt=SALT, max_age=TOKEN_AGE)["b"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationError(_("This page has expired. Look up the case again, then ask "
                                "for the messages.")) from None
    if channel not in CHANNELS:
        raise ValidationError(_("Choose SMS or WhatsApp."))
    with transaction.atomic():
        person = Beneficiary.objects.select_for_update().get(pk=beneficiary_id)
        contact = person.family_contacts.filter(mobile_number=mobile_number).first() or \
            FamilyContact(beneficiary=person, name=_("Family (status page)"),
                          relationship=_("family"), mobile_number=mobile_number)
        contact.message_channel, contact.message_consent = channel, True
        contact.messages_opted_out_at, contact.language = None, language
        contact.full_clean()
        contact.save()
        audit_record(actor=None, action="beneficiary.family_subscribe", obj=person,
                     changes={"contact_id": contact.pk, "channel": channel,
                              "number_ends": mobile_number[-4:]},
                     consulate_id=person.consulate_id)
    return contact


def _stage(beneficiary, language):
    """(key, words) of where the case stands now, in the contact's language."""
    with translation.override(language):
        where = family_whereabouts(beneficiary)
        current = family_status(beneficiary, reference=beneficiary.reference).current
        words = where.headline if where and where.headline else (
            f"{current.service}: {current.stage}" if current else "")
    return hashlib.sha256(words.encode()).hexdigest()[:16], words


def family_stage_notify() -> int:
    """One message per subscribed contact whose person's stage changed; safe to run twice.
    Returns the number of contacts looked at."""
    from notifications.services import message_to_person

    contacts = (FamilyContact.objects.filter(
        message_consent=True, messages_opted_out_at__isnull=True, message_channel__in=CHANNELS,
        beneficiary__consents_to_family_lookup=True, beneficiary__merged_into__isnull=True)
        .select_related("beneficiary__consulate"))
    for contact in contacts:
        person = contact.beneficiary
        key, words = _stage(person, contact.language)
        if not words:
            continue
        with transaction.atomic():
            message_to_person(
                beneficiary_or_contact=contact, template="family_stage",
                context={"reference": person.reference, "status": words,
                         "phone": person.consulate.phone, "consulate": person.consulate.name},
                dedupe_key=f"family-stage:{contact.pk}:{key}", about=person)
    return len(contacts)
