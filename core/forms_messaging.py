"""The fields that say how a person is reached (channel, mobile number, consent), shared by
the beneficiary form and the family-contact form."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.consent import opted_out_sentence
from core.models import MessageChannel

MESSAGING_FIELDS = ("message_channel", "mobile_number", "message_consent", "consent_comment")


class MobileNumberField(forms.CharField):
    """A mobile number in any writing with its country code, kept in E.164 (+13125550123).
    Mexican mobiles written with the old "1" after +52 are kept as written: WhatsApp still
    knows many of them that way."""

    default_error_messages = {"invalid": _(
        "This is not a valid mobile number. Write it with its country code, e.g. "
        "+1 312 555 0123 or +52 55 1234 5678.")}

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not (phonenumbers.is_valid_number(number) or _old_mexican_mobile(number)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _old_mexican_mobile(number) -> bool:
    national = str(number.national_number)
    if number.country_code != 52 or len(national) != 11 or not national.startswith("1"):
        return False
    return phonenumbers.is_valid_number(phonenumbers.parse("+52" + national[1:], None))


def mobile_number_field():
    return MobileNumberField(
        required=False, max_length=40, label=_("Mobile number for SMS or WhatsApp"),
        help_text=_("With the country code, e.g. +1 312 555 0123 or +52 55 1234 5678."),
    )


def consent_comment_field():
    return forms.CharField(
        label=_("How the person gave or withdrew consent"), required=False, max_length=500,
        help_text=_("For the record, e.g. “signed the consent form at the consulate”."),
    )


class MessagingFieldsMixin:
    """For a ModelForm over a MessagingContact that declares mobile_number and
    consent_comment with the functions above."""

    def setup_messaging(self):
        self.order_fields([*self._meta.fields, "consent_comment", "confirm_distinct"])
        self.fields["message_channel"].label = _("Send messages by")
        self.fields["message_consent"].label = _("The person agrees to receive messages")
        if self.instance.messages_opted_out_at:
            field = self.fields["message_consent"]
            field.disabled = True
            field.help_text = opted_out_sentence(self.instance)

    def clean_messaging(self, data):
        channel = data.get("message_channel")
        if channel in (MessageChannel.SMS, MessageChannel.WHATSAPP) and \
                not data.get("mobile_number") and "mobile_number" not in self.errors:
            self.add_error("mobile_number", _(
                "Write a mobile number to send messages by SMS or WhatsApp."))
        if channel == MessageChannel.EMAIL and not data.get("email") \
                and "email" not in self.errors:
            self.add_error("email", _("Write an e-mail address to send messages by e-mail."))
        if data.get("message_consent") and not channel:
            self.add_error("message_channel", _(
                "Choose how the person agreed to receive messages."))
        changed = bool(data.get("message_consent")) != self.instance.message_consent
        if changed and not (data.get("consent_comment") or "").strip():
            self.add_error("consent_comment", _(
                "Say how the person gave or withdrew consent, for the record."))
        return data


class MessagesResumeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The person asked again to receive messages"), required=True,
        error_messages={"required": _(
            "Confirm that the person asked again to receive messages.")},
    )
    comment = forms.CharField(
        label=_("How and when the person asked"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _(
            "Say how the person asked again to receive messages, for the record.")},
    )
