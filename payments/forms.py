from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import MANUAL_METHODS, Method


class DateInput(forms.DateInput):
    input_type = "date"


class ManualPaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"), choices=[(m.value, m.label) for m in Method if m in MANUAL_METHODS])
    reference = forms.CharField(label=_("Reference number"), max_length=80,
                                help_text=_("The ACH trace, wire confirmation or check number."))
    sent_on = forms.DateField(label=_("Date sent"), widget=DateInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))


class ReconciliationForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput)
    date_to = forms.DateField(label=_("To"), widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") \
                and cleaned["date_to"] < cleaned["date_from"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned
