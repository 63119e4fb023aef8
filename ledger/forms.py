from django import forms
from django.utils.translation import gettext_lazy as _

from ledger.models import Currency


class ReconciliationFilterForm(forms.Form):
    program = forms.CharField(label=_("Program"), max_length=64, required=False)
    currency = forms.ChoiceField(label=_("Currency"), required=False,
                                 choices=[("", _("All"))] + Currency.choices)
    consulate = forms.IntegerField(label=_("Consulate"), required=False, min_value=1)
    partner = forms.IntegerField(label=_("Partner"), required=False, min_value=1)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
