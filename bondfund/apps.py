from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BondfundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bondfund"
    verbose_name = _("Bond fund")

    def ready(self):
        try:
            from core.history import register_history_provider
        except ImportError:  # core/history.py not there yet: nothing to register with
            return
        from bondfund.history import bond_history

        register_history_provider(bond_history)
