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
