"""The forms every case step shares."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def second_person_pays_above_field():
    """The program's four-eyes threshold on money leaving, as its create form asks for it."""
    return forms.DecimalField(
        label=_("A second person releases payments above"), required=False, min_value=0,
        max_digits=14, decimal_places=2,
        help_text=_("Whoever releases or records a payment above this amount must be neither "
                    "the person who requested it nor the one who opened the case. 0: every "
                    "payment. Empty: no second person is required."))
