"""The Django admin behind the app's one sign-in: its login page sends people to the
two-factor sign-in, and it opens only for a session verified with a second factor.
Installed through core.admin_apps.FianzaAdminConfig."""

from two_factor.admin import AdminSiteOTPRequired


class FianzaAdminSite(AdminSiteOTPRequired):
    pass
