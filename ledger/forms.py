from django import forms
from django.utils.translation import gettext_lazy as _

from ledger.models import Currency


class ReconciliationFilterForm(forms.Form):
    program = forms.ChoiceField(label=_("Program"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), required=False,
                                 choices=[("", _("All"))] + Currency.choices)
    consulate = forms.TypedChoiceField(label=_("Consulate"), required=False, coerce=int,
                                       empty_value=None)
    partner = forms.TypedChoiceField(label=_("Partner organization"), required=False,
                                     coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args, programs, consulates, partners, **kwargs):
        """programs: {ref: name}; consulates and partners: (id, name) pairs the user reaches."""
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        # One program at a time: its figures are read together, never mixed with another's.
        self.fields["program"].required = True
        self.fields["program"].choices = sorted(programs.items(), key=lambda item: item[1])
        self.fields["consulate"].choices = everything + list(consulates)
        self.fields["partner"].choices = everything + list(partners)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
