from django import forms
from django.utils.translation import gettext_lazy as _

from core.audit_words import audit_sentence
from core.forms_messaging import MessagingFieldsMixin, consent_comment_field, mobile_number_field
from core.models import Beneficiary, FamilyContact, PreferredLanguage
from core.validators import normalize_a_number, normalize_curp


class DateInput(forms.DateInput):
    """<input type="date"> reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class BeneficiaryForm(MessagingFieldsMixin, forms.ModelForm):
    mobile_number = mobile_number_field()
    consent_comment = consent_comment_field()
    a_number = forms.CharField(
        label=_("A-number"), max_length=16, required=False,
        help_text=_("8 or 9 digits, e.g. A-012-345-678."),
    )
    confirm_distinct = forms.BooleanField(
        label=_("I checked the likely matches: this is a different person"), required=False,
    )

    class Meta:
        model = Beneficiary
        fields = [
            "consulate", "given_names", "family_names", "date_of_birth", "sex",
            "country_of_birth",
            "a_number", "curp", "preferred_language", "accessibility_needs", "phone", "email",
            "address", "consents_to_family_lookup", "message_channel", "mobile_number",
            "message_consent",
        ]
        widgets = {"date_of_birth": DateInput(format="%Y-%m-%d"),
                   "accessibility_needs": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"curp": _("18 characters, as on the person's CURP.")}

    def __init__(self, *args, consulates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if consulates is None:
            del self.fields["consulate"]
            del self.fields["confirm_distinct"]
        else:
            self.fields["consulate"].queryset = consulates
            if consulates.count() == 1:
                self.fields["consulate"].initial = consulates.first()
        self.setup_messaging()

    def clean_a_number(self):
        value = self.cleaned_data.get("a_number")
        return normalize_a_number(value) if value else ""

    def clean_curp(self):
        value = self.cleaned_data.get("curp")
        return normalize_curp(value) if value else ""

    def clean(self):
        return self.clean_messaging(super().clean())

    def _post_clean(self):
        # Uniqueness across the network is the service's to check (with a clear message
        # and the matching records), not the model form's.
        pass

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("consulate", None)
        data.pop("confirm_distinct", None)
        return data


class FamilyContactForm(MessagingFieldsMixin, forms.ModelForm):
    mobile_number = mobile_number_field()
    consent_comment = consent_comment_field()

    class Meta:
        model = FamilyContact
        fields = ["name", "relationship", "phone", "email", "language", "message_channel",
                  "mobile_number", "message_consent"]
        labels = {"language": _("Language for messages")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False
        self.setup_messaging()

    def clean_language(self):
        return self.cleaned_data.get("language") or PreferredLanguage.SPANISH

    def clean(self):
        return self.clean_messaging(super().clean())

    def _post_clean(self):
        pass


class MergeForm(forms.Form):
    survivor = forms.CharField(
        label=_("Record to keep (case reference)"), max_length=20,
        help_text=_("Everything moves to this record."),
    )
    duplicate = forms.CharField(
        label=_("Duplicate record (case reference)"), max_length=20,
        help_text=_("Kept for the record, marked as merged and hidden from lists."),
    )
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                              required=False)

    def clean(self):
        data = super().clean()
        found = {}
        for name in ("survivor", "duplicate"):
            reference = (data.get(name) or "").strip().upper()
            if not reference:
                continue
            beneficiary = Beneficiary.objects.select_related("consulate").filter(
                reference=reference
            ).first()
            if beneficiary is None:
                self.add_error(name, _("No record has this case reference."))
            elif beneficiary.merged_into_id:
                self.add_error(name, _("This record was already merged."))
            else:
                found[name] = beneficiary
        if len(found) == 2 and found["survivor"].pk == found["duplicate"].pk:
            raise forms.ValidationError(_("Pick two different records to merge."))
        data.update(found)
        return data


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, actions=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["action"].choices = everything + [(a, audit_sentence(a)) for a in actions]
        self.fields["object_type"].choices = everything + [(t, t) for t in object_types]
