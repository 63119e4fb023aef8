from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _program_names(pks):
    from bondfund.models import BondProgram

    programs = BondProgram.objects.all()
    if pks is not None:
        programs = programs.filter(pk__in=pks)
    return dict(programs.values_list("pk", "name"))


class BondfundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bondfund"
    verbose_name = _("Bond fund")

    def ready(self):
        from ledger.programs import register_program_namer

        register_program_namer("bond", _program_names)
        from bondfund import receivers
        from payments import signals

        signals.disbursement_paid.connect(receivers.on_paid, dispatch_uid="bondfund-paid")
        signals.disbursement_reversed.connect(receivers.on_reversed,
                                              dispatch_uid="bondfund-reversed")
        signals.disbursement_failed.connect(receivers.on_failed, dispatch_uid="bondfund-failed")
        try:
            from core.history import register_history_provider
        except ImportError:  # core/history.py not there yet: nothing to register with
            return
        from bondfund.history import bond_history

        register_history_provider(bond_history)
