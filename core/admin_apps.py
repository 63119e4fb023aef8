from django.contrib.admin.apps import AdminConfig


class FianzaAdminConfig(AdminConfig):
    """django.contrib.admin with core.admin_site.FianzaAdminSite as admin.site."""

    default_site = "core.admin_site.FianzaAdminSite"
