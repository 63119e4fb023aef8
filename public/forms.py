import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from public.references import MAX_LENGTH


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=MAX_LENGTH,
        help_text=_("It is printed on the paper the consulate gave you, for example "
                    "CHI-2026-000123."),
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
        }),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth of the person"),
        help_text=_("Day, month and year, for example 17/05/1990."),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
        widget=forms.DateInput(format="%Y-%m-%d",
                               attrs={"type": "date", "autocomplete": "off"}),
    )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate() or value < datetime.date(1900, 1, 1):
            raise ValidationError(_("Enter a real date of birth."))
        return value


class StageSubscribeForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=400)
    mobile_number = forms.RegexField(
        label=_("Mobile number"), max_length=16, regex=r"^\+[1-9]\d{7,14}$",
        help_text=_("With the country code, for example +523312345678 or +13125550123."),
        error_messages={"invalid": _("Write the number with its country code, e.g. "
                                     "+13125550123.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    channel = forms.ChoiceField(label=_("Send me"), widget=forms.RadioSelect,
                                choices=[("sms", _("SMS")), ("whatsapp", _("WhatsApp"))],
                                initial="sms")
