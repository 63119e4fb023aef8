from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Back up the PostgreSQL database and the private documents into one archive "
            "with a manifest of checksums. Restore it with `manage.py restore`.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path,
                            help="Archive to write (default: fianza-backup-<UTC time>.tar).")

    def handle(self, *args, output=None, **options):
        output = output or Path(f"fianza-backup-{timezone.now():%Y%m%dT%H%M%SZ}.tar")
        if output.exists():
            raise CommandError(f"{output} already exists; choose another --output.")
        try:
            manifest = backup_create(output=output)
        except BackupError as exc:
            output.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        files = len(manifest["members"]) - 1
        self.stdout.write(
            f"Backup written to {output}: {manifest['ledger_transfers']} ledger transfers, "
            f"{manifest['audit_events']} audit events, {files} documents.")
