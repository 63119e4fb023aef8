"""The Django admin behind the app's one sign-in: its login page sends people to the
two-factor sign-in, and it opens only for a session verified with a second factor.
Installed through core.admin_apps.FianzaAdminConfig.

The admin reads; the application changes. What the application manages (organizations,
people and their roles, consent, programs and their tiers, bonds, grants, payments,
obligations, PALE, the ledger...) changes only through its services, which check scope and
write the audit trail, so every model registered here is view-only unless it is named in
EDITABLE_IN_ADMIN: what no page of the application changes yet.
"""

from django.contrib.admin import ModelAdmin
from django.db.models.base import ModelBase
from two_factor.admin import AdminSiteOTPRequired

EDITABLE_IN_ADMIN = frozenset({
    "bondfund.treasuryrate",  # the 91-day Treasury bill rates behind bond interest
    "obligations.remindersettings",  # each program's reminder hours (its admin audits)
    # Removing a person's lost second factor (device removals are audit events).
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    # Unlocking a sign-in locked out after failed attempts.
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
})


class ViewOnlyAdminMixin:
    """Lists and detail pages, no add, change or delete (nor the actions that do them)."""

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def view_only(admin_class):
    if issubclass(admin_class, ViewOnlyAdminMixin):
        return admin_class
    return type(admin_class.__name__, (ViewOnlyAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__})


class FianzaAdminSite(AdminSiteOTPRequired):
    def register(self, model_or_iterable, admin_class=None, **options):
        models = ([model_or_iterable] if isinstance(model_or_iterable, ModelBase)
                  else model_or_iterable)
        for model in models:
            chosen = admin_class or ModelAdmin
            if model._meta.label_lower not in EDITABLE_IN_ADMIN:
                chosen = view_only(chosen)
            super().register(model, chosen, **options)
