from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.models import PersonLocation, PersonService


class PersonLocationForm(forms.ModelForm):
    class Meta:
        model = PersonLocation
        fields = ["status", "since", "place", "city", "region"]
        widgets = {"since": DateInput(format="%Y-%m-%d")}

    def _post_clean(self):
        pass


class PersonServiceForm(forms.ModelForm):
    class Meta:
        model = PersonService
        fields = ["kind", "received_on", "place"]
        widgets = {"received_on": DateInput(format="%Y-%m-%d")}

    def _post_clean(self):
        pass


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                              required=False, max_length=2000)
