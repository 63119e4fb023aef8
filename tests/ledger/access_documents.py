"""Access cases of the ledger documents (ledger/urls_documents.py)."""

from tests.access import UrlCase, expect

FINANCE = {"approver_a": 200, "admin": 200, "auditor": 200}


def url_cases(world):
    return [
        UrlCase("ledger:reconciliation_pdf", query=f"?consulate={world.consulate_a.pk}",
                expect=expect(403, **FINANCE)),
        UrlCase("ledger:reconciliation_pdf", query=f"?partner={world.partner_x.pk}",
                expect=expect(403, **FINANCE, partner_x=200, partner_y=404)),
        UrlCase("ledger:reconciliation_export", {"fmt": "csv"}, expect=expect(403, **FINANCE)),
        UrlCase("ledger:transfers_export", {"fmt": "csv"}, expect=expect(403, **FINANCE)),
    ]
