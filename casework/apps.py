from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from casework import payments as glue
        from payments import signals

        signals.disbursement_paid.connect(glue.on_paid, dispatch_uid="casework-paid")
        signals.disbursement_reversed.connect(glue.on_reversed,
                                              dispatch_uid="casework-reversed")
        signals.disbursement_failed.connect(glue.on_failed, dispatch_uid="casework-failed")
