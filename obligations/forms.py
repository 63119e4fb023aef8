from django import forms
from django.utils.translation import gettext_lazy as _

from obligations.models import HearingType, Kind

IMPORT_MAX_BYTES = 1_000_000


class AppearanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                          help_text=_("At the consulate's local time."))
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Court or office"), max_length=200)
    judge = forms.CharField(label=_("Judge"), max_length=120, required=False)
    hearing_type = forms.ChoiceField(
        label=_("Hearing type"), required=False,
        choices=[("", _("Not a hearing"))] + list(HearingType.choices))


class MoveForm(forms.Form):
    day = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label=_("New time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Court or office (if it changed)"), max_length=200,
                            required=False)
    judge = forms.CharField(label=_("Judge (if it changed)"), max_length=120, required=False)
    comment = forms.CharField(label=_("Why it moved"), max_length=500)


class CancelForm(forms.Form):
    comment = forms.CharField(label=_("Why it was cancelled"), max_length=500)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Did the person appear?"), choices=[
        ("attended", _("Yes, the person appeared")),
        ("missed", _("No, the person did not appear"))])
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: bond, kind, date, time, place, judge, hearing_type. Dates as YYYY-MM-DD "
        "and times as HH:MM, local to the bond's consulate."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class _DateInput(forms.DateInput):
    input_type = "date"


class AppealFileForm(forms.Form):
    filed_on = forms.DateField(label=_("Appeal (I-290B) filed on"), widget=_DateInput)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("sustained", _("Sustained: the breach is overturned")),
        ("dismissed", _("Dismissed: the breach stands"))])
    decided_on = forms.DateField(label=_("Decided on"), widget=_DateInput)
    comment = forms.CharField(label=_("Summary of the decision"), max_length=500)


class StayOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        ("appealed", _("ICE appealed to the Board")),
        ("lapsed", _("ICE did not appeal in time: the stay lapsed"))])
    outcome_on = forms.DateField(label=_("Date of the outcome"), widget=_DateInput)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ReceiptForm(forms.Form):
    principal = forms.DecimalField(label=_("Principal received (USD)"), max_digits=14,
                                   decimal_places=2, min_value=0, initial=0)
    interest = forms.DecimalField(label=_("Interest received (USD)"), max_digits=14,
                                  decimal_places=2, min_value=0, initial=0)
    received_on = forms.DateField(label=_("Received on"), widget=_DateInput)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
