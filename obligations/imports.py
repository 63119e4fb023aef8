"""Hearings and check-ins brought in from a CSV file (court calendars, partners' lists).

All or nothing: every row is checked with the same rules as a single entry, inside one
transaction; if any row is wrong, nothing is saved and each wrong row is named with why.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from obligations import services
from obligations.models import Appearance, Kind

COLUMNS = ("bond", "kind", "date", "time", "place", "judge", "hearing_type")
MAX_ROWS = 2000


@dataclass
class ImportResult:
    created: list
    errors: list  # (line number, message)


def _bond_id(value: str) -> int:
    digits = value.strip().upper().removeprefix("FZ-")
    if not digits.isdigit():
        raise ValidationError(_("“%(value)s” is not a bond reference such as FZ-000123.")
                              % {"value": value})
    return int(digits)


def _row_values(row: dict) -> dict:
    kind = (row.get("kind") or "").strip().lower()
    if kind not in Kind.values:
        raise ValidationError(_("The kind must be hearing, ice_check_in or atd_check_in."))
    try:
        day = datetime.date.fromisoformat((row.get("date") or "").strip())
        at = datetime.time.fromisoformat((row.get("time") or "").strip())
    except ValueError:
        raise ValidationError(_("Write the date as YYYY-MM-DD and the time as HH:MM.")) from None
    return {"bond_id": _bond_id(row.get("bond") or ""), "kind": kind, "day": day, "at": at,
            "place": (row.get("place") or "").strip(),
            "judge": (row.get("judge") or "").strip(),
            "hearing_type": (row.get("hearing_type") or "").strip().lower()}


def appearances_import(*, actor, text: str, now=None) -> ImportResult:
    """Create every row's appearance, or none when any row is refused."""
    now = now or timezone.now()
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return ImportResult([], [(1, _("Missing columns: %(columns)s.")
                                  % {"columns": ", ".join(missing)})])
    created, errors = [], []
    with transaction.atomic():
        for line, row in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                errors.append((line, _("A file may hold at most %(count)s rows.")
                               % {"count": MAX_ROWS}))
                break
            try:
                with transaction.atomic():
                    created.append(_import_one(actor, _row_values(row), now))
            except ValidationError as error:
                errors.append((line, " ".join(error.messages)))
            except (Http404, PermissionDenied):
                errors.append((line, _("You cannot keep the obligations of bond "
                                       "“%(bond)s”.") % {"bond": row.get("bond", "")}))
        if errors:
            transaction.set_rollback(True)
            created = []
    return ImportResult(created, errors)


def _import_one(actor, values, now) -> Appearance:
    bond_id = values.pop("bond_id")
    return services.appearance_create(actor=actor, bond_id=bond_id, now=now, **values)
