from django.apps import AppConfig
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _money_locale():
    """Babel's locale for amounts: Mexican Spanish (USD 1,800.00), not Spain's (1.800,00)."""
    language = translation.get_language() or "es"
    return "es_MX" if language.startswith("es") else translation.to_locale(language)


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Organizations and people")

    def ready(self):
        import djmoney.money

        # django-money asks this module-level function for the locale of every amount it
        # prints; it has no setting for it.
        djmoney.money.get_current_locale = _money_locale

        from core import access_version, auth_signals

        auth_signals.connect()
        access_version.connect()

        from core.timeline import register_timeline_provider
        from core.whereabouts import people_timeline

        register_timeline_provider(people_timeline)
