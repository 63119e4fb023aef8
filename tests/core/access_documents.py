"""Access cases of the import pages (core/urls_imports.py)."""

from core.models_imports import ImportJob
from tests.access import UrlCase, expect


def url_cases(world):
    job = ImportJob.objects.create(kind=ImportJob.Kind.BENEFICIARIES, file_name="imports/x.csv",
                                   original_name="x.csv", file_format="csv",
                                   status=ImportJob.Status.INVALID, created_by=world.admin)
    return [
        UrlCase("core:beneficiary_import", expect=expect(403, admin=200)),
        UrlCase("core:bond_request_import", expect=expect(403, admin=200)),
        UrlCase("core:import_job_detail", {"pk": job.pk}, expect=expect(404, admin=200)),
        UrlCase("core:import_job_confirm", {"pk": job.pk}, expect=expect(405)),
    ]
