from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = _("Relief grants")

    def ready(self):
        from casework.kinds import case_app_ready
        from core.permissions_documents import CASE_EXPORT_ROLES, role_permissions_register
        from grants import home, kind, selectors, timeline

        case_app_ready(kind.GRANT, history=selectors.beneficiary_grant_history,
                       timeline=timeline.grant_timeline, home_panels=home.register_home_panels)
        role_permissions_register(roles=CASE_EXPORT_ROLES,
                                  names=["grants.export_grantapplication"])
