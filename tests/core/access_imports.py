"""Access cases of the import pages' sample files and progress fragment."""

from core.models_imports import ImportJob
from tests.access import UrlCase, expect


def url_cases(world):
    job = ImportJob.objects.create(kind=ImportJob.Kind.BOND_REQUESTS, file_name="imports/y.csv",
                                   original_name="y.csv", file_format="csv",
                                   created_by=world.admin)
    return [
        UrlCase("core:import_sample", {"kind": "beneficiaries"}, expect=expect(403, admin=200)),
        UrlCase("core:import_sample", {"kind": "bond_requests"}, expect=expect(403, admin=200)),
        UrlCase("core:import_sample", {"kind": "releases"},
                expect=expect(403, partner_x=200, partner_y=200)),
        UrlCase("core:import_sample", {"kind": "unknown"}, expect=expect(404)),
        UrlCase("core:import_job_progress", {"pk": job.pk}, expect=expect(404, admin=200)),
    ]
