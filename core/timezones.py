"""Local time at a consulate.

A date a user types, "today", a deadline and a reminder's hour are in the case's consulate's
zone; instants are stored in UTC. Every helper takes `now` so callers (and tests) pass time in
rather than reading the wall clock deep inside a rule.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def zone_of(consulate) -> ZoneInfo:
    """The consulate's zone; the fund's zone when there is no consulate."""
    name = getattr(consulate, "time_zone", None) or settings.TIME_ZONE
    return ZoneInfo(name)


def fund_zone() -> ZoneInfo:
    """Programs and report periods use the fund's zone (settings.TIME_ZONE)."""
    return ZoneInfo(settings.TIME_ZONE)


def fund_today(*, now: datetime | None = None) -> date:
    """The calendar date in the fund's zone: programs open and close on these days, whatever
    zone the request that asks has activated."""
    return (now or timezone.now()).astimezone(fund_zone()).date()


def local_now(consulate, *, now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(zone_of(consulate))


def local_today(consulate, *, now: datetime | None = None) -> date:
    """The calendar date at the consulate at `now`."""
    return local_now(consulate, now=now).date()


def local_instant(consulate, day: date, at: time = time(0, 0)) -> datetime:
    """The aware instant of `day` at `at`, wall-clock time at the consulate."""
    return datetime.combine(day, at, tzinfo=zone_of(consulate))


def local_day_bounds(consulate, day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as instants, for filtering stored UTC values.

    The end is the next day's midnight, not start + 24 h: a day with a daylight-saving change
    lasts 23 or 25 hours. Both are returned in UTC, so that subtracting them gives elapsed time
    (Python subtracts wall-clock times when both sides share one zone).
    """
    start = local_instant(consulate, day).astimezone(UTC)
    return start, local_instant(consulate, day + timedelta(days=1)).astimezone(UTC)


def add_business_days(consulate, start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` working days (Monday to Friday) at the consulate.

    The wall-clock time of day is kept; a start on a weekend counts from the next Monday.
    """
    local = start.astimezone(zone_of(consulate))
    day, remaining = local.date(), days
    while day.weekday() >= 5:
        day += timedelta(days=1)
    while remaining > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return local_instant(consulate, day, local.timetz().replace(tzinfo=None))


# Session key: [user id, User.access_version, zone name or ""] of the zone last worked out.
SESSION_ZONE = "fianza_zone"


class ConsulateTimeZoneMiddleware:
    """Show and read dates in the zone of the user's consulate.

    A user whose memberships reach exactly one consulate works in its zone; headquarters,
    partner staff and users of several consulates keep the fund's zone. Pages about one case
    convert with `zone_of(case.consulate)` where it matters (deadlines, "today").

    The zone is worked out from the memberships once and kept in the session beside the
    user's `access_version`, which every change of a membership moves (core.access_version):
    later requests read it from the session and the user row they load anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = self._zone_for(getattr(request, "user", None), getattr(request, "session", None))
        if zone is not None:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def _zone_for(user, session=None) -> ZoneInfo | None:
        if user is None or not user.is_authenticated:
            return None
        cached = getattr(user, "_fianza_zone", False)
        if cached is not False:
            return cached
        stored = session.get(SESSION_ZONE) if session is not None else None
        if isinstance(stored, list) and len(stored) == 3 and stored[:2] == _stamp(user):
            name = stored[2]
        else:
            name = remember_zone(session, user)
        zone = ZoneInfo(name) if name else None
        user._fianza_zone = zone
        return zone


def _stamp(user):
    return [user.pk, user.access_version]


def remember_zone(session, user) -> str:
    """Work out the user's zone and keep it in the session (at sign-in, and whenever the
    memberships changed since)."""
    name = membership_zone_name(user)
    if session is not None:
        session[SESSION_ZONE] = [*_stamp(user), name]
    return name


def membership_zone_name(user) -> str:
    """The zone of the one consulate the user's memberships reach ("" for none or several)."""
    names = set(
        user.memberships.filter(consulate__isnull=False)
        .values_list("consulate__time_zone", flat=True).distinct()[:2]
    )
    return names.pop() if len(names) == 1 else ""
