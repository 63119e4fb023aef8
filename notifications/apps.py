from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Messages")

    def ready(self):
        from core.history import register_history_provider
        from notifications.selectors import person_history

        register_history_provider(person_history)

        from core.timeline import register_timeline_provider
        from notifications.selectors import person_timeline

        register_timeline_provider(person_timeline)
