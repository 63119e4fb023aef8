"""The monitoring page: nightly checks (finance, program administrators, auditors) and the
open ageing-money alerts the user's consulate or partner answers for; the monthly statement
batches, started here by finance approvers and program administrators."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.models import DocumentBatch
from core.paging import keyset_page
from core.tenancy import Scope
from ledger.tasks import previous_month
from monitoring import selectors, services
from monitoring.forms import StatementBatchForm


@login_required
def overview(request):
    scope = Scope.of(request.user)
    if not scope.has_role(*selectors.ALERT_READERS):
        raise PermissionDenied
    checks = (list(selectors.check_runs_visible_to(request.user))
              if scope.has_role(*selectors.CHECK_READERS) else None)
    alerts = selectors.alerts_visible_to(request.user).order_by("due_on", "id")
    response = render(request, "monitoring/overview.html", {
        "checks": checks, "alerts": keyset_page(alerts, request.GET, per_page=50),
        "failing": selectors.failing_checks_for(request.user),
        "batches_readable": scope.has_role(*selectors.BATCH_READERS),
    })
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def statement_batches(request):
    return _batches_page(request)


def _batches_page(request, form=None, status=200):
    batches = Paginator(selectors.statement_batches_visible_to(request.user), 24)
    can_start = Scope.of(request.user).has_role(*selectors.BATCH_STARTERS)
    if form is None and can_start:
        year, month = previous_month()
        form = StatementBatchForm(initial={"month": f"{year}-{month:02d}"})
    response = render(request, "monitoring/statement_batches.html", {
        "batches": batches.get_page(request.GET.get("page")),
        "form": form if can_start else None,
    }, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


_STATUS_MESSAGES = {
    DocumentBatch.Status.QUEUED: gettext_lazy(
        "The statements of %(period)s are already waiting to be made."),
    DocumentBatch.Status.RUNNING: gettext_lazy("The statements of %(period)s are being made."),
    DocumentBatch.Status.DONE: gettext_lazy("The statements of %(period)s were already made."),
}


@require_POST
@login_required
def statement_batch_start(request):
    Scope.of(request.user).require(*selectors.BATCH_STARTERS)
    form = StatementBatchForm(request.POST)
    if not form.is_valid():
        return _batches_page(request, form=form, status=400)
    year, month = form.year_month()
    try:
        batch, queued = services.statement_batch_start(actor=request.user, year=year,
                                                       month=month)
    except ValidationError as exc:
        form.add_error("month", exc)
        return _batches_page(request, form=form, status=400)
    period = date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
    if queued:
        messages.success(request, _("The statements of %(period)s were started. This page "
                                    "shows their progress.") % {"period": period})
    else:
        messages.info(request, str(_STATUS_MESSAGES[batch.status]) % {"period": period})
    return redirect("core:document_batch_detail", pk=batch.pk)
