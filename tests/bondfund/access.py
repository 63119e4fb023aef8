from bondfund import services
from tests.access import UrlCase, expect
from tests.bondfund.factories import checked_pdf, make_program, make_request

POST_ONLY = expect(405)


def consulate_a_page(**overrides):
    # tests.access.consulate_a_page cannot take partner_x/partner_y overrides (it passes them
    # twice), so the same table is built here.
    table = dict(officer_a=200, approver_a=200, admin=200, auditor=200, officer_b=404,
                 partner_x=403, partner_y=403)
    table.update(overrides)
    return expect(404, **table)
PROGRAM_PAGE = expect(403, approver_a=200, admin=200, auditor=200)


def url_cases(world):
    program = make_program(world)
    submitted = make_request(world, program)
    draft = make_request(world, program, submit=False)
    document = services.bond_document_upload(actor=world.officer_a, request_id=submitted.pk,
                                             kind="other", checked=checked_pdf())
    obligor_sees = consulate_a_page(partner_x=200, partner_y=404)
    return [
        UrlCase("bondfund:request_list", expect=expect(200)),
        UrlCase("bondfund:request_create", query=f"?beneficiary={world.ben_a.pk}",
                expect=expect(403, officer_a=200, officer_b=404)),
        UrlCase("bondfund:request_detail", {"pk": submitted.pk}, expect=obligor_sees),
        UrlCase("bondfund:request_edit", {"pk": draft.pk}, expect=consulate_a_page(
            approver_a=403, admin=403, auditor=403, partner_x=403, partner_y=404)),
        UrlCase("bondfund:request_action", {"pk": submitted.pk, "action": "approve"},
                expect=POST_ONLY),
        UrlCase("bondfund:document_upload", {"pk": submitted.pk}, expect=POST_ONLY),
        UrlCase("bondfund:document_download", {"pk": submitted.pk, "document_pk": document.pk},
                expect=obligor_sees),
        UrlCase("bondfund:approval_queue", expect=expect(403, approver_a=200)),
        UrlCase("bondfund:refunds_due", expect=expect(200)),
        UrlCase("bondfund:program_list", expect=PROGRAM_PAGE),
        UrlCase("bondfund:program_detail", {"pk": program.pk}, expect=PROGRAM_PAGE),
        UrlCase("bondfund:program_create", expect=expect(403, admin=200)),
        UrlCase("bondfund:program_budget", {"pk": program.pk, "kind": "consulate"},
                expect=POST_ONLY),
    ]
