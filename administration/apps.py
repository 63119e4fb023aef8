from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "administration"
    verbose_name = _("Administration")

    def ready(self):
        from administration.roles import role_groups_after_migrate

        # Last in INSTALLED_APPS: every app's permissions exist when this runs.
        post_migrate.connect(role_groups_after_migrate, sender=self,
                             dispatch_uid="fianza.role_groups_sync")
