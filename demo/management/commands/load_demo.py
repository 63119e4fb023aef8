"""Load (or refresh) the demo: core first, then each business app's demo."""

import importlib

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

DEMO_MODULES = ("core.demo", "core.demo_people", "bondfund.demo", "grants.demo",
                "payments.demo", "pale.demo", "obligations.demo")


class Command(BaseCommand):
    help = "Load the demo data; safe to run again (it changes nothing already there)."

    def handle(self, *args, **options):
        # The demo walks requests through the real services, which notify the next actor;
        # nobody should get those e-mails.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for name in DEMO_MODULES:
                importlib.import_module(name).load(self.stdout)
        self.stdout.write(self.style.SUCCESS(
            "Demo ready: every user's password is fianza-demo-2026; every user signs in with a "
            "second factor: choose a backup code, demo-0001 ... demo-0010 (each once)."))
