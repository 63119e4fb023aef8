"""Run or resume one phase of an import job from a shell (e.g. after a restart)."""

from django.core.management.base import BaseCommand, CommandError

from core.imports import job_run
from core.models_imports import ImportJob


class Command(BaseCommand):
    help = "Check (queued/validating) or save (saving) an import job, in this process."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id, **options):
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"No import job {job_id}.")
        if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING):
            phase = "validate"
        elif job.status == ImportJob.Status.SAVING:
            phase = "save"
        else:
            raise CommandError(f"Job {job_id} is {job.status}: nothing to run.")
        job_run(job.pk, phase)
        job.refresh_from_db()
        self.stdout.write(f"Job {job.pk}: {job.status}, {job.processed_rows} rows checked, "
                          f"{job.error_count} with errors, {job.saved_count} saved.")
