from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import (  # noqa: F401 - the shared step forms
    CommentForm,
    ReasonForm,
    second_person_pays_above_field,
)
from core.approvals import validate_tiers
from core.models import Consulate, PartnerOrganization
from core.uploads import CheckedFileField
from grants.models import (
    DocumentKind,
    GrantKind,
    GrantProgram,
    PayeeKind,
    State,
)
from grants.services import money_display

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


def _question_field(question):
    return f"question_{question.pk}"


class ProgramChoiceForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=GrantProgram.objects.none())

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = GrantProgram.objects.filter(
            pk__in=[p.pk for p in programs]).order_by("name")


class ApplicationForm(forms.Form):
    """The application's facts and the program's eligibility questions (one field each)."""

    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    payee_kind = forms.ChoiceField(label=_("Who is paid"), choices=PayeeKind.choices)
    payee_partner = forms.ModelChoiceField(
        label=_("Partner organization (when it is the payee)"), required=False,
        queryset=PartnerOrganization.objects.none())
    payee_name = forms.CharField(label=_("Payee name"), max_length=160)
    payee_account = forms.CharField(label=_("Bank or account reference"), max_length=120,
                                    required=False)
    payee_address = forms.CharField(label=_("Payee address"), max_length=250, required=False)

    def __init__(self, *args, program, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.beneficiary = beneficiary
        self.fields["amount"].label = _("Amount (%(currency)s)") % {
            "currency": program.currency}
        self.fields["amount"].help_text = _("At most %(max)s.") % {
            "max": money_display(program.per_grant_max)}
        self.fields["payee_partner"].queryset = PartnerOrganization.objects.filter(
            consulates=beneficiary.consulate_id)
        self.questions = list(program.questions.all())
        for question in self.questions:
            self.fields[_question_field(question)] = forms.ChoiceField(
                label=question.text, choices=YES_NO, widget=forms.RadioSelect)

    @classmethod
    def initial_from(cls, application):
        initial = {f: getattr(application, f) for f in (
            "purpose", "payee_kind", "payee_partner", "payee_name", "payee_account",
            "payee_address")}
        initial["amount"] = application.amount.amount
        for key, value in application.eligibility_answers.items():
            initial[f"question_{key}"] = "yes" if value else "no"
        return initial

    def clean(self):
        data = super().clean()
        for question in self.questions:
            answer = data.get(_question_field(question))
            if answer and (answer == "yes") != question.qualifying_answer:
                self.add_error(_question_field(question), question.ineligible_reason)
        amount = data.get("amount")
        if amount is not None and amount > self.program.per_grant_max.amount:
            self.add_error("amount", _("The program's per-grant maximum is %(max)s.")
                           % {"max": money_display(self.program.per_grant_max)})
        if data.get("payee_kind") == PayeeKind.PARTNER and not data.get("payee_partner"):
            self.add_error("payee_partner", _("Choose the partner organization that is paid."))
        if data.get("payee_kind") != PayeeKind.PARTNER:
            data["payee_partner"] = None
        if self.program.kind == GrantKind.REINTEGRATION and not self.beneficiary.curp:
            raise forms.ValidationError(_("Reintegration support needs the beneficiary's CURP: "
                                          "add it to the beneficiary's record first."))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {f: data[f] for f in ("amount", "purpose", "payee_kind", "payee_partner",
                                       "payee_name", "payee_account", "payee_address")}
        kwargs["eligibility_answers"] = {
            str(q.pk): data[_question_field(q)] == "yes" for q in self.questions}
        return kwargs


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=[
        c for c in DocumentKind.choices if c[0] != DocumentKind.SIGNED_RECEIPT])
    file = CheckedFileField(label=_("File (PDF, JPEG or PNG, up to 10 MB)"))


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("Date received"), widget=forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date"}), initial=timezone.localdate)
    receipt = CheckedFileField(label=_("Signed receipt (PDF, JPEG or PNG)"))
    comment = forms.CharField(label=_("Comment"), required=False)


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("Any state"))] + State.choices)
    program = forms.ModelChoiceField(label=_("Program"), required=False,
                                     queryset=GrantProgram.objects.all(),
                                     empty_label=_("Any program"))


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=GrantKind.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=settings.CURRENCY_CHOICES)
    total_budget = forms.DecimalField(label=_("Total budget"), **AMOUNT)
    per_grant_max = forms.DecimalField(label=_("Per-grant maximum"), **AMOUNT)
    approval_tiers = forms.JSONField(
        label=_("Approval tiers"), initial=list, required=False,
        help_text=_('For example [{"above": "5000", "approvals": 2}]: above that amount, two '
                    'different approvers sign.'))
    required_documents = forms.MultipleChoiceField(
        label=_("Documents an application needs"), required=False,
        choices=[c for c in DocumentKind.choices if c[0] != DocumentKind.SIGNED_RECEIPT],
        widget=forms.CheckboxSelectMultiple)
    waiting_period_days = forms.IntegerField(label=_("Waiting period (days)"), min_value=0,
                                             initial=0)
    second_person_pays_above = second_person_pays_above_field()
    questions = forms.CharField(
        label=_("Eligibility questions"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: question | answer that qualifies (yes or no) | why the "
                    "other answer does not qualify."))

    def clean_approval_tiers(self):
        tiers = self.cleaned_data["approval_tiers"] or []
        validate_tiers(tiers)
        return tiers

    def clean_questions(self):
        questions = []
        for number, line in enumerate(self.cleaned_data["questions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or parts[1].lower() not in ("yes", "no", "sí", "si") \
                    or not parts[0] or not parts[2]:
                raise forms.ValidationError(
                    _("Line %(number)s: write question | yes or no | reason.")
                    % {"number": number})
            questions.append((parts[0], parts[1].lower() != "no", parts[2]))
        return questions

    def clean(self):
        data = super().clean()
        total, per_grant = data.get("total_budget"), data.get("per_grant_max")
        if total is not None and per_grant is not None and per_grant > total:
            self.add_error("per_grant_max", _("The per-grant maximum is above the total "
                                              "budget."))
        return data


class AllocationForm(forms.Form):
    consulate = forms.ModelChoiceField(label=_("Consulate"), queryset=Consulate.objects.all())
    from_consulate = forms.ModelChoiceField(
        label=_("Move from consulate (leave empty to allocate unallocated budget)"),
        queryset=Consulate.objects.all(), required=False)
    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)


class PartnerCapForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner organization"),
                                     queryset=PartnerOrganization.objects.all())
    amount = forms.DecimalField(label=_("Cap"), max_digits=14, decimal_places=2,
                                min_value=Decimal("0"))
