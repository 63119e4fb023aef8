from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pale"
    verbose_name = _("External legal advisors (PALE)")

    def ready(self):
        from core.timeline import register_timeline_provider
        from pale import receivers
        from pale.selectors import pale_timeline
        from payments import signals

        signals.disbursement_paid.connect(receivers.on_paid, dispatch_uid="pale-paid")
        signals.disbursement_reversed.connect(receivers.on_reversed,
                                              dispatch_uid="pale-reversed")
        register_timeline_provider(pale_timeline)
        from pale.home import register_home_panels
        register_home_panels()
