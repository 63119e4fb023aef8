from django import forms
from django.utils.translation import gettext_lazy as _


class StatementBatchForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
        error_messages={"invalid": _("Write the month as year and month, e.g. 2026-11.")},
        help_text=_("A calendar month in the fund's time zone that has ended."))

    def year_month(self) -> tuple[int, int]:
        year, month = self.cleaned_data["month"].split("-")
        return int(year), int(month)
