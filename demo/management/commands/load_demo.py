"""Load (or refresh) the demo: core first, then each business app that ships a demo."""

import importlib

from django.core.management.base import BaseCommand

DEMO_MODULES = ("core.demo", "bondfund.demo", "grants.demo", "payments.demo")


class Command(BaseCommand):
    help = "Load the demo data; safe to run again (it changes nothing already there)."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise
                self.stdout.write(f"{name}: not there yet, skipped\n")
                continue
            module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo ready: every user's password is "
                                             "fianza-demo-2026."))
