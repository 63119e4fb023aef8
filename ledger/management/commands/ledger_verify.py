from django.core.management.base import BaseCommand, CommandError

from ledger.verify import verify


class Command(BaseCommand):
    help = ("Recompute every account's counters from its transfers; check that debits equal "
            "credits per currency, that limits hold and that no pending transfer was resolved "
            "twice. Exits non-zero naming each break.")

    def handle(self, *args, **options):
        problems = verify()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"ledger_verify: {len(problems)} break(s) found")
        self.stdout.write("ledger_verify: the books balance")
