"""Input validation only; the services decide what is allowed."""

from decimal import Decimal
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bondfund.models import (
    MINIMUM_BOND,
    Authority,
    BondType,
    DocumentKind,
    IneligibleReason,
)
from casework.forms import CommentForm, ReasonForm, second_person_pays_above_field  # noqa: F401 - the shared step forms
from core.approvals import validate_tiers
from core.models import Consulate, ConsulateTimeZone, PartnerOrganization
from core.timezones import local_today
from core.uploads import CheckedFileField

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    """<input type="date"> reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


def amount_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, **kwargs)


class BondRequestForm(forms.Form):
    facility = forms.CharField(label=_("Detention facility"), max_length=200)
    detained_on = forms.DateField(label=_("Detention date"), widget=DateInput)
    authority = forms.ChoiceField(label=_("Bond decided by"), required=False,
                                  choices=[("", "—"), *Authority.choices])
    decided_on = forms.DateField(label=_("Decision date"), required=False, widget=DateInput)
    judge_or_court = forms.CharField(label=_("Judge or court"), max_length=200, required=False)
    amount = amount_field(_("Bond amount (USD)"), required=False, min_value=MINIMUM_BOND.amount,
                          error_messages={"min_value": _(
                              "The bond amount is below the USD 1,500 statutory minimum.")})
    bond_type = forms.ChoiceField(label=_("Bond type"), required=False,
                                  choices=[("", "—"), *BondType.choices])
    conditions = forms.CharField(label=_("Conditions"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    obligor = forms.ModelChoiceField(label=_("Obligor (partner that posts the bond)"),
                                     queryset=PartnerOrganization.objects.none(),
                                     required=False)

    def __init__(self, *args, program, consulate_id, obligors, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["obligor"].queryset = obligors
        self.questions = list(program.eligibility_questions.all())
        for q in self.questions:  # the officer records the facts; the rule is not shown
            self.fields[f"q_{q.pk}"] = forms.ChoiceField(
                label=q.text, choices=YES_NO, widget=forms.RadioSelect, required=False)

    SECTIONS = (
        ("detention", _("The detention"), ("facility", "detained_on")),
        ("decision", _("The bond decision"),
         ("authority", "decided_on", "judge_or_court", "amount", "bond_type", "conditions")),
        ("obligor", _("The obligor"), ("obligor",)),
    )

    def sections(self):
        """(id, legend, bound fields) in the order an officer learns the facts; the
        program's eligibility checklist comes last."""
        sections = [(key, legend, [self[name] for name in names])
                    for key, legend, names in self.SECTIONS]
        if self.questions:
            sections.append(("eligibility", _("Eligibility"),
                             [self[f"q_{q.pk}"] for q in self.questions]))
        return sections

    def service_kwargs(self):
        data = self.cleaned_data
        amount = data["amount"]
        return {
            "facility": data["facility"], "detained_on": data["detained_on"],
            "obligor": data["obligor"], "authority": data["authority"],
            "decided_on": data["decided_on"], "judge_or_court": data["judge_or_court"],
            "amount": None if amount is None else _money(amount, self.program.currency),
            "bond_type": data["bond_type"], "conditions": data["conditions"],
            "eligibility_answers": {
                q.pk: data[f"q_{q.pk}"] == "yes" for q in self.questions if data[f"q_{q.pk}"]},
        }

    @staticmethod
    def initial_from(bond):
        initial = {
            "facility": bond.detention_case.facility,
            "detained_on": bond.detention_case.detained_on,
            "authority": bond.authority, "decided_on": bond.decided_on,
            "judge_or_court": bond.judge_or_court,
            "amount": bond.amount.amount if bond.amount else None,
            "bond_type": bond.bond_type, "conditions": bond.conditions, "obligor": bond.obligor,
        }
        for key, value in (bond.eligibility_answers or {}).items():
            initial[f"q_{key}"] = "yes" if value else "no"
        return initial


def _money(amount, currency):
    from djmoney.money import Money

    return Money(amount, currency)


def parse_tiers(text):
    """Lines "10000, 2" (above this amount, this many approvers) -> tiers."""
    tiers = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 2:
            raise ValidationError(_("Write each tier as: amount, approvals (e.g. 10000, 2)."))
        tiers.append({"above": parts[0], "approvals": parts[1]})
    validate_tiers(tiers)
    return [{"above": str(Decimal(t["above"])), "approvals": int(t["approvals"])}
            for t in tiers]


def parse_questions(text):
    """Lines "question | yes or no (the qualifying answer) | reason when it does not"."""
    questions = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or parts[1].lower() not in ("yes", "no", "sí", "si") or not parts[0]:
            raise ValidationError(_("Write each question as: question | yes or no | reason."))
        questions.append((parts[0], parts[1].lower() != "no", parts[2]))
    return questions


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    total_budget = amount_field(_("Total budget (USD)"), min_value=Decimal("0.01"))
    per_case_maximum = amount_field(_("Per-case maximum (USD)"), min_value=MINIMUM_BOND.amount)
    approval_tiers = forms.CharField(
        label=_("Approval tiers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One tier a line: above this amount, this many different approvers "
                    "(e.g. 10000, 2)."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput)
    second_person_pays_above = second_person_pays_above_field()
    eligibility = forms.CharField(
        label=_("Eligibility checklist"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question a line: question | qualifying answer (yes or no) | "
                    "reason shown when the answer does not qualify."))

    def clean_approval_tiers(self):
        return parse_tiers(self.cleaned_data["approval_tiers"])

    def clean_eligibility(self):
        return parse_questions(self.cleaned_data["eligibility"])


class FundForm(forms.Form):
    amount = amount_field(_("Amount (USD)"), min_value=Decimal("0.01"))
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)


class ConsulateAllocationForm(FundForm):
    consulate = forms.ModelChoiceField(label=_("Consulate"), queryset=Consulate.objects.all())


class ReallocationForm(FundForm):
    from_consulate = forms.ModelChoiceField(label=_("From consulate"),
                                            queryset=Consulate.objects.all())
    consulate = forms.ModelChoiceField(label=_("To consulate"), queryset=Consulate.objects.all())


class PartnerCapForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=PartnerOrganization.objects.filter(obligor_eligible=True))
    amount = amount_field(_("Cap (USD)"), min_value=Decimal("0"))
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)


# Actions on a request ----------------------------------------------------------------------

class IneligibleForm(CommentForm):
    reason = forms.ChoiceField(label=_("Why the person is ineligible"),
                               choices=IneligibleReason.choices)


def latest_today(*, now=None):
    """The latest calendar date anywhere in the consular network now: a date after it is in
    the future at every consulate. The service then checks the case's own consulate."""
    return max(local_today(SimpleNamespace(time_zone=name), now=now)
               for name in ConsulateTimeZone.values)


class PastDatesForm(CommentForm):
    """A step that records something that already happened: its dates cannot be ahead."""

    past_dates: tuple = ()

    def clean(self):
        cleaned = super().clean()
        today = latest_today()
        for name in self.past_dates:
            day = cleaned.get(name)
            if day is not None and day > today:
                self.add_error(name, _("This date is in the future: give the date it "
                                       "happened."))
        return cleaned


class StayForm(PastDatesForm):
    past_dates = ("filed_on",)
    filed_on = forms.DateField(label=_("EOIR-43 filed on"), widget=DateInput)


class PostingForm(PastDatesForm):
    past_dates = ("posted_on",)
    posted_on = forms.DateField(label=_("Posted with ICE on"), widget=DateInput)
    receipt = CheckedFileField(label=_("I-305 receipt (PDF, JPEG or PNG, up to 10 MB)"))


class ReleaseForm(PastDatesForm):
    past_dates = ("released_on",)
    released_on = forms.DateField(label=_("Released on"), widget=DateInput)
    document = CheckedFileField(label=_("Release confirmation (PDF, JPEG or PNG)"))


class CancelForm(PastDatesForm):
    past_dates = ("cancelled_on",)
    cancelled_on = forms.DateField(label=_("Cancelled on (I-391 date)"), widget=DateInput)
    document = CheckedFileField(label=_("I-391 notice (PDF, JPEG or PNG)"), required=False)


class BreachForm(PastDatesForm):
    past_dates = ("breached_on",)
    breached_on = forms.DateField(label=_("I-323 breach notice date"), widget=DateInput)
    document = CheckedFileField(label=_("I-323 notice (PDF, JPEG or PNG)"), required=False)


class RefundForm(PastDatesForm):
    past_dates = ("refunded_on",)
    principal = amount_field(_("Principal returned (USD)"), min_value=Decimal("0"))
    interest = amount_field(_("Interest returned (USD)"), min_value=Decimal("0"))
    refunded_on = forms.DateField(label=_("Returned to the fund on"), widget=DateInput)
    confirm_shortfall = forms.BooleanField(
        label=_("I confirm these amounts although they are less than expected; the "
                "difference stays owed to the fund."), required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = CheckedFileField(label=_("File (PDF, JPEG or PNG, up to 10 MB)"))
