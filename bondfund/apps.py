from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BondfundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bondfund"
    verbose_name = _("Bond fund")

    def ready(self):
        from bondfund import history, home, kind, models, resources, timeline
        from casework.kinds import case_app_ready
        from core.import_targets import import_target_register
        from core.models import Role
        from core.models_imports import ImportJob
        from core.permissions_documents import CASE_EXPORT_ROLES, role_permissions_register

        case_app_ready(kind.BOND, history=history.bond_history, timeline=timeline.bond_timeline,
                       home_panels=home.register_home_panels)
        import_target_register(ImportJob.Kind.BOND_REQUESTS, model=models.BondRequest,
                               columns=resources.BOND_REQUEST_COLUMNS,
                               importer=resources.BondRequestImporter)
        import_target_register(ImportJob.Kind.RELEASES, model=models.BondRequest,
                               columns=resources.RELEASE_COLUMNS,
                               importer=resources.ReleaseImporter)
        role_permissions_register(roles=CASE_EXPORT_ROLES, names=["bondfund.export_bondrequest"])
        role_permissions_register(roles=[Role.PROGRAM_ADMIN], names=["bondfund.import_bondrequest"])
