from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify
from core.models import AuditEvent


class Command(BaseCommand):
    help = "Recompute the audit hash chain; exit non-zero naming every event that breaks it."

    def handle(self, *args, **options):
        problems = audit_verify()
        if problems:
            for event_id, problem in problems:
                where = f"audit event {event_id}" if event_id is not None else "chain head"
                self.stderr.write(f"{where}: {problem}")
            raise CommandError(f"The audit chain is broken ({len(problems)} problem(s)).")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {AuditEvent.objects.count()} events.")
        )
