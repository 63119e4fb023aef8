"""Access cases of the grant documents (grants/urls_documents.py)."""

from tests.access import UrlCase, expect


def url_cases(world):
    from tests.grants.factories import approved, make_program

    application = approved(world, make_program(world, name="Documents access"))
    return [
        UrlCase("grants:award_pdf", {"pk": application.pk},
                expect=expect(404, officer_a=200, approver_a=200, admin=200, auditor=200)),
        UrlCase("grants:applications_export", {"fmt": "xlsx"},
                expect=expect(200, partner_x=403, partner_y=403)),
    ]
