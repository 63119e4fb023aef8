"""Queue entry points of core: import jobs. Each is safe to run twice (see core.imports)."""

from celery import shared_task

from core import imports

# An import of tens of thousands of rows saves for minutes: above the default time limits.
IMPORT_SOFT_LIMIT, IMPORT_HARD_LIMIT = 1800, 1860


@shared_task(name="core.tasks.import_job_run", acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=IMPORT_SOFT_LIMIT, time_limit=IMPORT_HARD_LIMIT)
def import_job_run(job_id: int, phase: str) -> None:
    imports.job_run(job_id, phase)


@shared_task(name="core.tasks.import_jobs_sweep")
def import_jobs_sweep() -> dict:
    return imports.import_jobs_sweep()


@shared_task(name="core.tasks.duplicate_review_scan")
def duplicate_review_scan() -> int:
    from core.duplicate_queue import duplicate_review_scan as scan

    return scan()
