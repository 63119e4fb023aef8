import datetime

from obligations import services
from tests.access import UrlCase, consulate_a_page, expect
from tests.obligations.factories import WALK_AT, make_program, released_bond

POST_ONLY = expect(405)


def url_cases(world):
    bond = released_bond(world, make_program(world, name="Programa de obligaciones (matriz)"))
    row = services.appearance_create(
        actor=world.officer_a, bond_id=bond.pk, kind="hearing", day=datetime.date(2026, 2, 10),
        at=datetime.time(9, 0), place="Chicago Immigration Court", hearing_type="master",
        now=WALK_AT)
    obligor_sees = consulate_a_page()
    obligor_sees.update(partner_x=200, partner_y=404)
    letter = consulate_a_page(officer_a=302, approver_a=403, admin=403, auditor=403)
    letter.update(partner_x=302, partner_y=404)
    refund = consulate_a_page(officer_a=403, approver_a=302, admin=403, auditor=403)
    refund.update(partner_x=302, partner_y=404)
    return [
        UrlCase("obligations:list", expect=expect(200)),
        UrlCase("obligations:list", query="?view=missed", expect=expect(200)),
        UrlCase("obligations:import", expect=expect(403, officer_a=200, officer_b=200,
                                                    partner_x=200, partner_y=200)),
        UrlCase("obligations:bond", {"pk": bond.pk}, expect=obligor_sees),
        UrlCase("obligations:create", {"pk": bond.pk}, expect=POST_ONLY),
        UrlCase("obligations:move", {"pk": row.pk}, expect=POST_ONLY),
        UrlCase("obligations:cancel", {"pk": row.pk}, expect=POST_ONLY),
        UrlCase("obligations:outcome", {"pk": row.pk}, expect=POST_ONLY),
        UrlCase("obligations:risk_resolve", {"pk": 1}, expect=POST_ONLY),
        # The bond is released, not cancelled: the keepers are sent back to its page.
        UrlCase("obligations:refund_letter", {"pk": bond.pk}, expect=letter),
        # Everyone reads the refunds owed within their own scope.
        UrlCase("obligations:refunds", expect=expect(200)),
        UrlCase("obligations:refunds", query="?overdue=1", expect=expect(200)),
        UrlCase("obligations:refunds_csv", expect=expect(200)),
        # The obligor and finance record refunds; this bond has none due: back to its page.
        UrlCase("obligations:refund", {"pk": bond.pk}, expect=refund),
        UrlCase("obligations:appeal_file", {"pk": bond.pk}, expect=POST_ONLY),
        UrlCase("obligations:appeal_decide", {"pk": bond.pk}, expect=POST_ONLY),
        UrlCase("obligations:stay_outcome", {"pk": bond.pk}, expect=POST_ONLY),
        UrlCase("obligations:receipt", {"pk": bond.pk}, expect=POST_ONLY),
    ]
