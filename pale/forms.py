from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Consulate, PartnerOrganization
from pale.grants_adapter import legal_fee_programs
from pale.models import CaseResult, Matter, MilestoneKind, Mode, Service, Urgency

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}
DATE = forms.DateInput(attrs={"type": "date"})


class ContractForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=_("Advisor"), queryset=PartnerOrganization.objects.exclude(legal_advisor_kind=""))
    consulate = forms.ModelChoiceField(label=_("Consulate"), queryset=Consulate.objects.all())
    program = forms.ModelChoiceField(label=_("Legal fees program"), queryset=None)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    budget = forms.DecimalField(label=_("Budget"), **AMOUNT)
    response_business_days = forms.IntegerField(
        label=_("Business days to answer a referral"), min_value=1, max_value=10, initial=2)
    urgent_response_business_days = forms.IntegerField(
        label=_("Business days to answer an urgent referral"), min_value=1, max_value=10,
        initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = legal_fee_programs()
        for service, label in Service.choices:
            self.fields[f"fee_{service}"] = forms.DecimalField(
                label=_("Fee: %(service)s") % {"service": label}, required=False, **AMOUNT)

    def fees(self):
        return {s: self.cleaned_data[f"fee_{s}"] for s in Service.values
                if self.cleaned_data.get(f"fee_{s}")}


class ReferralForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("Advisor"), queryset=None)
    matter = forms.ChoiceField(label=_("Matter"), choices=Matter.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    notes = forms.CharField(label=_("What the advisor should know"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].label_from_instance = lambda c: c.advisor.name


class RedirectForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("Another advisor"), queryset=None)
    notes = forms.CharField(label=_("What the advisor should know"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].label_from_instance = lambda c: c.advisor.name


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you cannot take it"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=1440)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Milestone"), choices=MilestoneKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    result = forms.ChoiceField(label=_("Result"), choices=CaseResult.choices)
    judge_or_court = forms.CharField(label=_("Judge or court"), max_length=200, required=False)
    bond_amount = forms.DecimalField(label=_("Bond amount set (USD)"), required=False, **AMOUNT)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class HearingBondForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Bond program"), queryset=None)
    facility = forms.CharField(label=_("Detention facility"), max_length=200)
    detained_on = forms.DateField(label=_("Detention date"), widget=DATE)

    def __init__(self, *args, **kwargs):
        from bondfund.models import BondProgram

        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = BondProgram.objects.all()


class InvoiceForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("Contract"), queryset=None)
    month = forms.DateField(label=_("Month billed (any day of it)"), widget=DATE)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].label_from_instance = (
            lambda c: f"{c.number} · {c.consulate.name}")


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("To"), widget=DATE)
    consulates = forms.ModelMultipleChoiceField(
        label=_("Consulates (none chosen: all you reach)"), queryset=None, required=False)

    def __init__(self, *args, consulates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consulates"].queryset = consulates

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


def default_period(today: date):
    return date(today.year, 1, 1), today
