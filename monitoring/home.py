"""The monitoring panels of the home page: what needs attention, and the latest checks."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dashboard import Count as Tile
from core.dashboard import Panel, register
from core.models import Role
from monitoring.models import CheckName
from monitoring.selectors import (
    ALERT_READERS,
    alerts_visible_to,
    failing_checks_for,
    latest_check_runs,
)


def attention_panel(user) -> Panel | None:
    """Failing nightly checks and money waiting too long; nothing when all is well."""
    failing = failing_checks_for(user)
    open_alerts = alerts_visible_to(user).count()
    if not (failing or open_alerts):
        return None
    overview = reverse("monitoring:overview")
    tiles = []
    if failing:
        tiles.append(Tile(len(failing), ngettext(
            "nightly check did not pass", "nightly checks did not pass", len(failing)),
            overview, urgent=True, detail=", ".join(
                f"{run.get_name_display()} ({date_format(run.day, 'SHORT_DATE_FORMAT')})"
                for run in failing)))
    if open_alerts:
        tiles.append(Tile(open_alerts, ngettext(
            "case has money waiting longer than expected",
            "cases have money waiting longer than expected", open_alerts), overview,
            urgent=True))
    return Panel(title=_("Needs attention"), counts=tuple(tiles), order=0)


def checks_panel(user) -> Panel:
    """The auditor's view: the latest run of every nightly check and what it found."""
    latest = latest_check_runs()
    rows = [(label, latest.get(name)) for name, label in CheckName.choices]
    return Panel(title=_("Latest nightly checks"), order=5,
                 template="monitoring/_home_checks.html",
                 context={"rows": rows},
                 links=((_("Open the monitoring page"), reverse("monitoring:overview")),))


def register_home_panels() -> None:
    for role in ALERT_READERS:
        register(role, attention_panel)
    register(Role.AUDITOR, checks_panel)
