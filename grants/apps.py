from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _program_names(pks):
    from grants.models import GrantProgram

    programs = GrantProgram.objects.all()
    if pks is not None:
        programs = programs.filter(pk__in=pks)
    return dict(programs.values_list("pk", "name"))


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = _("Relief grants")

    def ready(self):
        from ledger.programs import register_program_namer

        register_program_namer("grant", _program_names)
        from grants import receivers
        from payments import signals

        signals.disbursement_paid.connect(receivers.on_paid, dispatch_uid="grants-paid")
        signals.disbursement_reversed.connect(receivers.on_reversed,
                                              dispatch_uid="grants-reversed")
        signals.disbursement_failed.connect(receivers.on_failed, dispatch_uid="grants-failed")
        from core.history import register_history_provider
        from grants.selectors import beneficiary_grant_history

        register_history_provider(beneficiary_grant_history)
