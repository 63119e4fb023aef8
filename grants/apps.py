from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = _("Relief grants")

    def ready(self):
        from core.history import register_history_provider
        from grants.selectors import beneficiary_grant_history

        register_history_provider(beneficiary_grant_history)
