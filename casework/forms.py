"""The forms every case step shares."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
