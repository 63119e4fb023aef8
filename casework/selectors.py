"""What families may read of every kind of case, from each state's one definition."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from casework.kinds import KINDS, CaseKind


@dataclass(frozen=True)
class ServiceStage:
    service: str
    stage: str
    since: date | None
    started: datetime


def family_stages(beneficiary_id: int) -> list[ServiceStage]:
    """One stage per case families may see, oldest first (a query per kind of case). Only
    states and dates are fetched (`values()`), so nothing else can reach a template."""
    stages = [stage for kind in KINDS.values() for stage in _stages(kind, beneficiary_id)]
    return sorted(stages, key=lambda s: s.started)


def _stages(kind: CaseKind, beneficiary_id: int):
    shown = {state: words for state, words in kind.states.items() if words.family}
    fallback = "updated_at" if _has_field(kind.model, "updated_at") else "created_at"
    dates = sorted({words.family_date for words in shown.values()} | {fallback, "created_at"})
    rows = (kind.model.objects.filter(beneficiary_id=beneficiary_id, state__in=shown)
            .order_by("created_at", "id").values("state", *dates, *kind.family_fields))
    for row in rows:
        words = shown[row["state"]]
        service = kind.family_service_of(row) if kind.family_service_of else kind.service
        yield ServiceStage(service=service, stage=words.family,
                           since=_as_date(row[words.family_date] or row[fallback]),
                           started=row["created_at"])


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.fields)


def _as_date(value):
    return timezone.localdate(value) if isinstance(value, datetime) else value
