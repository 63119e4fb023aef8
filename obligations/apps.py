from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "obligations"
    verbose_name = _("Obligations after release")

    def ready(self):
        from core.timeline import register_timeline_provider
        from obligations.home import register_home_panels
        from obligations.selectors import obligations_timeline

        register_home_panels()
        register_timeline_provider(obligations_timeline)
