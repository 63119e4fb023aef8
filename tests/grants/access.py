"""Access cases for every named URL of the grants app (see tests/access.py)."""

from decimal import Decimal

from grants import services
from grants.models import DocumentKind, PayeeKind
from tests.access import UrlCase, expect
from tests.grants.factories import checked_png, make_application, make_program

POST_ONLY = expect(405)
STAFF_ONLY = expect(200, partner_x=403, partner_y=403)


def url_cases(world):
    program = make_program(world, allocations={world.consulate_a: Decimal("10000")})
    paid_to_x = make_application(world, program, payee_kind=PayeeKind.PARTNER,
                                 payee_partner=world.partner_x)
    document = services.grant_document_add(actor=world.officer_a, application_id=paid_to_x.pk,
                                           kind=DocumentKind.IDENTIFICATION,
                                           checked=checked_png())
    family = make_application(world, program)
    on_a = {"pk": paid_to_x.pk}
    seen_by_a_and_x = expect(404, officer_a=200, approver_a=200, admin=200, auditor=200,
                             partner_x=200)
    actions = ("submit", "approve", "return", "reject", "withdraw", "void", "request-payment",
               "receipt", "close")
    return [
        UrlCase("grants:application_list", expect=expect(200)),
        UrlCase("grants:application_list", expect=expect(200), query="?state=draft&page=2"),
        UrlCase("grants:application_detail", kwargs=on_a, expect=seen_by_a_and_x),
        UrlCase("grants:application_detail", kwargs={"pk": family.pk},
                expect=expect(404, officer_a=200, approver_a=200, admin=200, auditor=200)),
        UrlCase("grants:application_create", query=f"?beneficiary={world.ben_a.pk}",
                expect=expect(403, officer_a=200, officer_b=404)),
        UrlCase("grants:application_create",
                query=f"?beneficiary={world.ben_a.pk}&program={program.pk}",
                expect=expect(403, officer_a=200, officer_b=404)),
        UrlCase("grants:application_edit", kwargs=on_a,
                expect=expect(403, officer_a=200, officer_b=404, partner_y=404)),
        UrlCase("grants:document_download", kwargs={**on_a, "document_pk": document.pk},
                expect=seen_by_a_and_x),
        UrlCase("grants:document_upload", kwargs=on_a, expect=POST_ONLY),
        *[UrlCase("grants:application_action", kwargs={**on_a, "action": slug},
                  expect=POST_ONLY) for slug in actions],
        UrlCase("grants:approval_queue",
                expect=expect(403, approver_a=200, admin=200, auditor=200)),
        UrlCase("grants:report", expect=STAFF_ONLY),
        UrlCase("grants:program_list", expect=STAFF_ONLY),
        UrlCase("grants:program_detail", kwargs={"pk": program.pk}, expect=STAFF_ONLY),
        UrlCase("grants:program_create", expect=expect(403, admin=200)),
        UrlCase("grants:program_allocate", kwargs={"pk": program.pk}, expect=POST_ONLY),
        UrlCase("grants:program_partner_cap", kwargs={"pk": program.pk}, expect=POST_ONLY),
    ]
