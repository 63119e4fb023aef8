from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BondfundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bondfund"
    verbose_name = _("Bond fund")
