from django import forms
from django.utils.translation import gettext_lazy as _

from core.password_reset import password_reset_request


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, *, client_address, link_base):
        return password_reset_request(email=self.cleaned_data["email"],
                                      client_address=client_address, link_base=link_base)
