from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_restore, local_storage, verify_restored


class Command(BaseCommand):
    help = ("Restore a `manage.py backup` archive into a new, empty PostgreSQL database and "
            "the private documents storage, then prove the copy with ledger_verify and "
            "audit_verify on it.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database-url", required=True,
                            help="The new database, e.g. postgres://postgres@host/fianza_new "
                                 "(created when missing; refused when it has tables).")
        parser.add_argument("--media-root", type=Path,
                            help="Folder to restore the documents into (default: the "
                                 "configured private storage).")

    def handle(self, *args, archive, database_url, media_root=None, **options):
        storage = local_storage(media_root) if media_root else None
        try:
            manifest = backup_restore(archive=archive, database_url=database_url,
                                      storage=storage)
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {manifest['ledger_transfers']} ledger transfers, "
                          f"{manifest['audit_events']} audit events and "
                          f"{len(manifest['members']) - 1} documents.")
        failures = verify_restored(database_url)
        if failures:
            raise CommandError("The restored copy does not verify:\n" + "\n".join(failures))
        self.stdout.write(self.style.SUCCESS(
            "ledger_verify and audit_verify pass on the restored database."))
