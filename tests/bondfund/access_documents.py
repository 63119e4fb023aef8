"""Access cases of the bond documents (bondfund/urls_documents.py)."""

from tests.access import UrlCase, expect


def url_cases(world):
    from tests.bondfund.factories import make_program
    from tests.bondfund.test_documents import posted_bond

    bond = posted_bond(world, make_program(world))
    letter = expect(404, officer_a=200, approver_a=200, admin=200, auditor=200, partner_x=200)
    staff = expect(200, partner_x=403, partner_y=403)
    return [
        UrlCase("bondfund:authorization_pdf", {"pk": bond.pk}, expect=letter),
        UrlCase("bondfund:voucher_pdf", {"pk": bond.pk}, expect=letter),
        UrlCase("bondfund:requests_export", {"fmt": "csv"}, expect=staff),
        UrlCase("bondfund:release_import", expect=expect(403, partner_x=200, partner_y=200)),
    ]
