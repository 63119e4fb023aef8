"""Reads of monitoring, scoped to the user.

`latest_check_runs()` is read by the health endpoint; `failing_checks_for(user)` by the home
page; `alerts_visible_to(user)` by the alerts list; `statement_batches_visible_to(user)` by
the statement batches page.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from core.models import DocumentBatch, Role
from core.tenancy import Scope
from monitoring.models import Alert, CheckName, CheckRun

CHECK_READERS = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN, Role.AUDITOR)
BATCH_READERS = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN, Role.AUDITOR)
BATCH_STARTERS = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN)
ALERT_READERS = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN, Role.AUDITOR,
                 Role.CONSULATE_OFFICER, Role.PARTNER_STAFF)


def latest_check_runs() -> dict[str, CheckRun]:
    """The latest run of every nightly check that has run, by check name."""
    latest = {}
    for name in CheckName.values:
        run = CheckRun.objects.filter(name=name).order_by("-started_at", "-id").first()
        if run is not None:
            latest[name] = run
    return latest


def failing_checks_for(user) -> list[CheckRun]:
    """Checks whose latest run failed, for the people told about them (finance approvers and
    program administrators); [] for everyone else."""
    if not Scope.of(user).has_role(Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN):
        return []
    return [run for run in latest_check_runs().values() if run.ok is False]


def check_runs_visible_to(user, *, limit=30):
    if not Scope.of(user).has_role(*CHECK_READERS):
        raise PermissionDenied
    return CheckRun.objects.order_by("-started_at", "-id")[:limit]


def alerts_visible_to(user, *, open_only=True):
    """Alerts of the consulates and partners the user reaches (headquarters: all)."""
    scope = Scope.of(user)
    if not scope.has_role(*ALERT_READERS):
        raise PermissionDenied
    alerts = Alert.objects.select_related("consulate", "partner")
    if open_only:
        alerts = alerts.filter(resolved_at__isnull=True)
    staff = tuple(r for r in scope.roles if r != Role.PARTNER_STAFF)
    if staff and scope.is_headquarters(*staff):
        return alerts
    reach = Q(partner_id__in=scope.partner_ids) if scope.partner_ids else Q(pk__in=[])
    if staff:
        reach |= Q(consulate_id__in=scope.consulate_ids(*staff))
    return alerts.filter(reach)


def statement_batches_visible_to(user):
    """The monthly statement batches, newest month first. Each batch's page lists only the
    statements the user may read (core.views_imports)."""
    Scope.of(user).require(*BATCH_READERS)
    return (DocumentBatch.objects.filter(kind=DocumentBatch.Kind.MONTHLY_STATEMENTS)
            .select_related("requested_by").order_by("-period", "-id"))
