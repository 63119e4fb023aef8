"""The access matrix: every URL of the project x every persona.

Each app's `tests/<app>/access.py` defines `url_cases(world)` returning `UrlCase`s for its
named URLs. `tests/core/test_access_matrix.py` requests each case as each persona, checks the
status, and checks that no page shown to one tenant names the other tenant's beneficiary.
A named URL of our apps without a case fails the matrix.
"""

from dataclasses import dataclass, field

PERSONAS = (
    "officer_a",
    "officer_b",
    "approver_a",
    "partner_x",
    "partner_y",
    "admin",
    "auditor",
    "anonymous",
)
# What each persona must never see: the other tenant's beneficiary.
FOREIGN_NAMES = {
    "officer_a": "ben_b",
    "approver_a": "ben_b",
    "officer_b": "ben_a",
    "partner_x": "ben_b",
    "partner_y": "ben_a",
}
LOGIN = "login"  # 302 to the login page


@dataclass
class UrlCase:
    name: str
    kwargs: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    query: str = ""


def expect(default, **overrides):
    """expect(403, officer_a=200, anonymous=LOGIN) -> a status for every persona."""
    table = {p: default for p in PERSONAS}
    table.setdefault("anonymous", LOGIN)
    if default != LOGIN and "anonymous" not in overrides:
        table["anonymous"] = LOGIN
    table.update(overrides)
    return table


def consulate_a_page(**overrides):
    """A page about something of consulate A (and partner X when it is their bond)."""
    table = dict(
        officer_a=200, approver_a=200, admin=200, auditor=200, officer_b=404,
        partner_x=403, partner_y=403,
    )
    table.update(overrides)
    return expect(404, **table)
