from core.models import FamilyContact, MessageChannel
from tests.core.factories import BeneficiaryFactory


def reachable_person(consulate, *, channel=MessageChannel.SMS, number="+13125550101",
                     language="es", **fields):
    """A beneficiary who agreed to messages on `channel`."""
    fields = {"message_consent": True, "email": "persona@example.org", **fields}
    return BeneficiaryFactory(consulate=consulate, message_channel=channel,
                              mobile_number=number, preferred_language=language, **fields)


def reachable_contact(beneficiary, *, channel=MessageChannel.WHATSAPP, number="+5215512345678",
                      language="es", **fields):
    fields = {"message_consent": True, **fields}
    return FamilyContact.objects.create(
        beneficiary=beneficiary, name="Rosa Quintero", relationship="madre",
        message_channel=channel, mobile_number=number, language=language, **fields)


def case_context(beneficiary):
    return {"reference": beneficiary.reference, "name": beneficiary.full_name,
            "status": "approved", "consulate": "Consulado de México en Chicago",
            "phone": "+1 312 555 0000"}
