"""Who may open the monitoring pages: every staff role sees the monitoring page (what it lists
is scoped, see test_monitoring); finance, program administrators and auditors the statement
batches; starting one is a POST (test_statement_batches)."""

from tests.access import UrlCase, expect

BATCH_READERS = dict(approver_a=200, admin=200, auditor=200)


def url_cases(world):
    return [
        UrlCase("monitoring:overview", expect=expect(200)),
        UrlCase("monitoring:statement_batches", expect=expect(403, **BATCH_READERS)),
        # POST-only: a GET changes nothing, whoever asks.
        UrlCase("monitoring:statement_batch_start", expect=expect(405, anonymous=405)),
    ]
