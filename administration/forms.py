"""Input only: the services check scope and rules."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import Consulate, PartnerOrganization, Role
from core.validators import normalize_ein


def reason_field(*, required=False):
    return forms.CharField(
        label=_("Reason for the change"), required=required, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit trail."))


class PartnerForm(forms.ModelForm):
    comment = reason_field()

    class Meta:
        model = PartnerOrganization
        fields = ["name", "ein", "is_501c3", "obligor_eligible", "consulates", "city", "state",
                  "email", "phone", "legal_advisor_kind"]
        widgets = {"consulates": forms.CheckboxSelectMultiple}
        help_texts = {"ein": _("9 digits, written 12-3456789.")}

    def __init__(self, *args, consulates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consulates"].queryset = consulates
        if self.instance.pk:  # those outside the administrator's scope stay as they are
            self.initial["consulates"] = list(
                self.instance.consulates.filter(pk__in=consulates).values_list("pk", flat=True))

    def clean_ein(self):
        return normalize_ein(self.cleaned_data.get("ein"))

    def validate_unique(self):
        pass  # the service checks, inside its transaction

    def service_fields(self):
        data = dict(self.cleaned_data)
        return {"consulates": list(data.pop("consulates")), "comment": data.pop("comment"),
                **data}


class ConsulateForm(forms.ModelForm):
    comment = reason_field()

    class Meta:
        model = Consulate
        fields = ["code", "name", "city", "state", "time_zone", "phone", "email", "address"]
        help_texts = {"phone": _("The number families see for this consulate."),
                      "code": _("Three letters, e.g. CHI; case references begin with it.")}

    def validate_unique(self):
        pass

    def service_fields(self):
        return dict(self.cleaned_data)


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    consulate = forms.ModelChoiceField(
        label=_("Consulate"), queryset=Consulate.objects.none(), required=False,
        help_text=_("Leave empty for headquarters (every consulate). Not for partner staff."))
    partner = forms.ModelChoiceField(
        label=_("Partner organization"), queryset=PartnerOrganization.objects.none(),
        required=False, help_text=_("Only for partner staff."))

    def __init__(self, *args, consulates, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consulate"].queryset = consulates
        self.fields["partner"].queryset = partners

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.PARTNER_STAFF and data.get("consulate"):
            raise ValidationError({"consulate": _("Partner staff belong to a partner "
                                                  "organization, not to a consulate.")})
        if data.get("role") != Role.PARTNER_STAFF and data.get("partner"):
            raise ValidationError({"partner": _("Only partner staff belong to a partner "
                                                "organization.")})
        return data


class InvitationForm(MembershipForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    first_name = forms.CharField(label=_("Given names"), max_length=150)
    last_name = forms.CharField(label=_("Family names"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                 help_text=_("The invitation and the pages use it."))
    comment = reason_field()
    field_order = ["email", "first_name", "last_name", "language", "role", "consulate",
                   "partner", "comment"]


class MembershipAddForm(MembershipForm):
    comment = reason_field()


class ReasonForm(forms.Form):
    comment = reason_field(required=True)
