"""Forms of a program's people caps and of signing many cases at once."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import Consulate, PartnerOrganization

MAX_SIGNED_AT_ONCE = 100


class PeopleCapForm(forms.Form):
    level = forms.ChoiceField(label=_("Whose cap"), choices=[
        ("program", _("The whole program")), ("consulate", _("One consulate")),
        ("partner", _("One partner"))])
    count = forms.IntegerField(label=_("People"), min_value=0, max_value=1_000_000)
    consulate = forms.ModelChoiceField(label=_("Consulate"), required=False,
                                       queryset=Consulate.objects.order_by("name"))
    partner = forms.ModelChoiceField(label=_("Partner"), required=False,
                                     queryset=PartnerOrganization.objects.order_by("name"))

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level == "consulate" and not data.get("consulate"):
            self.add_error("consulate", _("Choose a consulate."))
        if level == "partner" and not data.get("partner"):
            self.add_error("partner", _("Choose a partner."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"level": data["level"], "count": data["count"],
                "consulate": data["consulate"] if data["level"] == "consulate" else None,
                "partner": data["partner"] if data["level"] == "partner" else None}


class SignManyForm(forms.Form):
    """The ticked cases of a queue page; the ids are checked against the user's scope by
    the view, not here."""

    case = forms.TypedMultipleChoiceField(
        label=_("Requests"), coerce=int, choices=(),
        error_messages={"required": _("Select at least one request to sign.")})
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("all_on_page"):
            # "Sign every request on this page": the page lists its ids without a tick.
            data = data.copy()
            data.setlist("case", data.getlist("page_case"))
        super().__init__(data, *args, **kwargs)
        ids = self.data.getlist("case") if hasattr(self.data, "getlist") else []
        self.fields["case"].choices = [(v, v) for v in ids if str(v).isdigit()]

    def clean_case(self):
        ids = list(dict.fromkeys(self.cleaned_data["case"]))
        if len(ids) > MAX_SIGNED_AT_ONCE:
            raise ValidationError(_("Sign at most %(n)s requests at once.")
                                  % {"n": MAX_SIGNED_AT_ONCE})
        return ids
