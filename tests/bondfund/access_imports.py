"""Access case of the bulk submission of drafts (POST only)."""

from tests.access import UrlCase, expect


def url_cases(world):
    return [UrlCase("bondfund:request_submit_many", expect=expect(405))]
