"""Sign-in, second-factor enrolment, backup codes and password reset.

The two_factor views are used as they are, except where enrolling a device or replacing
backup codes must be refused or recorded.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from two_factor import views as two_factor_views
from two_factor.utils import default_device

from core.audit import audit_record
from core.client_ip import client_address
from core.forms_auth import PasswordResetRequestForm


class SetupView(two_factor_views.SetupView):
    """Enrol a device. A user who already has one must sign in with it first, and a
    verified user has nothing to enrol (replacing a device starts with removing it): the same
    answer to GET and POST, so the wizard cannot be driven by posting its steps directly."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if default_device(user):
            if not user.is_verified():
                return redirect_to_login(request.get_full_path())
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)


class BackupTokensView(two_factor_views.BackupTokensView):
    """New backup codes replace the old ones; the replacement is an audit event."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            device = self.get_device()
            audit_record(actor=self.request.user, action="auth.backup_codes_generate",
                         obj=self.request.user,
                         changes={"device": device.persistent_id,
                                  "codes": device.token_set.count()})
        messages.success(self.request, _("New backup codes were created. The old ones no "
                                         "longer work."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The same page, after the same work, whether or not the address is ours: the request
    is only queued here, and the e-mail (if any) leaves from the queue."""

    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("core:password_reset_done")

    def form_valid(self, form):
        form.save(client_address=client_address(self.request),
                  link_base=self.request.build_absolute_uri("/"))
        return redirect(self.get_success_url())
