"""Demo hearings and check-ins on the released Chicago bonds and the Los Angeles one (another
time zone), entered through the services.

Idempotent: a bond that already has appearances is left alone, an appeal is filed once.
Dates follow the day the demo is loaded (a hearing in three days, a check-in in ten), and
one hearing two days ago waits for its outcome, so "this week" and "waiting to be recorded"
both show something.
"""

import datetime

from django.utils import timezone

from bondfund.models import BondRequest, State
from core.models import User
from core.timezones import local_today
from obligations import bond_end, services
from obligations.models import Appearance

# consulate code, officer, court, ICE office, judge
PLACES = [
    ("CHI", "oficial.chicago", "Chicago Immigration Court, 525 W Van Buren St, Suite 500",
     "ICE ERO Chicago, 101 W Congress Pkwy", "IJ Patricia Gómez Olvera"),
    ("LAX", "oficial.losangeles", "Los Angeles Immigration Court, 606 S Olive St",
     "ICE ERO Los Angeles, 300 N Los Angeles St", "IJ Ramón Villaseñor Paz"),
]


def load(stdout=None):
    made = 0
    for code, username, *place in PLACES:
        officer = User.objects.filter(username=username).first()
        if officer is None:
            continue
        bonds = list(BondRequest.objects.filter(state=State.RELEASED, consulate__code=code)
                     .select_related("consulate").order_by("pk")[:3])
        for index, bond in enumerate(bonds):
            if not Appearance.objects.filter(bond=bond).exists():
                made += _plan(officer, bond, index, place)
    appealed = _appeal(User.objects.filter(username="socio.midwest").first())
    if stdout is not None:
        stdout.write(f"obligations: {made} new hearings and check-ins, "
                     f"{appealed} breach appeal filed\n")


def _appeal(partner_staff) -> int:
    """The breached Chicago bond keeps its interest owed; its obligor filed the appeal five
    days after the breach notice (or today, if that is sooner)."""
    bond = (BondRequest.objects.filter(state=State.BREACHED, consulate__code="CHI",
                                       breach_appeal__isnull=True)
            .select_related("consulate").order_by("pk").first())
    if partner_staff is None or bond is None:
        return 0
    filed_on = min(bond.breached_on + datetime.timedelta(days=5),
                   local_today(bond.consulate, now=timezone.now()))
    bond_end.appeal_file(actor=partner_staff, bond_id=bond.pk, filed_on=filed_on,
                         comment="I-290B sent by courier with the proof of appearance.")
    return 1


def _plan(officer, bond, index, place) -> int:
    court, ice_office, judge = place
    now = timezone.now()
    today = local_today(bond.consulate, now=now)
    day = datetime.timedelta(days=1)
    services.appearance_create(actor=officer, bond_id=bond.pk, kind="hearing",
                               day=today + (3 + index) * day, at=datetime.time(9, 0),
                               place=court, judge=judge, hearing_type="master", now=now)
    services.appearance_create(actor=officer, bond_id=bond.pk, kind="ice_check_in",
                               day=today + (10 + index) * day, at=datetime.time(10, 30),
                               place=ice_office, now=now)
    if index:
        return 2
    # Entered ten days ago; held two days ago: the outcome is still to be recorded.
    services.appearance_create(actor=officer, bond_id=bond.pk, kind="hearing",
                               day=today - 2 * day, at=datetime.time(13, 0), place=court,
                               judge=judge, hearing_type="individual",
                               now=now - 10 * day)
    return 3
