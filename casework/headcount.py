"""How many people a program may free: its people caps (the program's, a consulate's, a
partner's), set by a program administrator and read beside the money. The caps themselves
live in the ledger (ledger/people.py), so a person is held and raced exactly like a dollar."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.models import Consulate, PartnerOrganization
from core.tenancy import Scope
from ledger import people
from ledger.exceptions import LedgerError, LimitExceeded

LEVELS = ("program", "consulate", "partner")


def people_cap_change(program, *, actor, level: str, count: int,
                      consulate: Consulate | None = None,
                      partner: PartnerOrganization | None = None, audit_action: str):
    """Set one people cap of a locked program, audited. Lowering it below the people already
    reserved or funded is refused and changes nothing."""
    if level not in LEVELS:
        raise ValidationError(_("Choose whose people cap this is."))
    if level == "consulate" and consulate is None:
        raise ValidationError(_("Choose a consulate."))
    if level == "partner" and partner is None:
        raise ValidationError(_("Choose a partner."))
    if not isinstance(count, int) or count < 0:
        raise ValidationError(_("A people cap is a whole number, zero or more."))
    consulate_id = consulate.pk if level == "consulate" else None
    partner_id = partner.pk if level == "partner" else None
    try:
        people.people_cap_set(
            key=f"{program.ledger_ref}:people:{uuid.uuid4()}", program=program.ledger_ref,
            level=level, count=count, consulate_id=consulate_id, partner_id=partner_id,
            actor_id=actor.pk)
    except LimitExceeded as exc:
        held = count + exc.shortfall
        raise ValidationError(ngettext(
            "Refused: %(held)s person is already reserved or funded under this cap; it "
            "cannot be lower than that.",
            "Refused: %(held)s people are already reserved or funded under this cap; it "
            "cannot be lower than that.", held) % {"held": held}) from exc
    except LedgerError as exc:
        raise ValidationError(str(exc)) from exc
    audit_record(actor=actor, action=audit_action, obj=program,
                 changes={"people_cap": count, "level": level, "consulate": consulate_id,
                          "partner": partner_id},
                 consulate_id=consulate_id, partner_id=partner_id)


@dataclass(frozen=True)
class PeopleRow:
    level: str
    name: object
    cap: int
    reserved: int
    funded: int
    available: int


def program_people(program, *, consulate_ids=None, partner_ids=None) -> dict:
    """{"program": PeopleRow | None, "consulates": [...], "partners": [...]}: the program's
    people caps, limited to these consulates and partners when given (None: all)."""
    positions = people.people_positions(program=program.ledger_ref)
    consulates = Consulate.objects.in_bulk([c for (lv, c, _p) in positions if c])
    partners = PartnerOrganization.objects.in_bulk([p for (lv, _c, p) in positions if p])
    found = {"program": None, "consulates": [], "partners": []}
    for (level, c, p), pos in sorted(positions.items(), key=lambda i: (i[0][1] or 0,
                                                                       i[0][2] or 0)):
        row = PeopleRow(level=level, name=consulates.get(c) or partners.get(p),
                        cap=pos.cap, reserved=pos.reserved, funded=pos.funded,
                        available=pos.available)
        if level == "program":
            found["program"] = row
        elif level == "consulate" and (consulate_ids is None or c in consulate_ids):
            found["consulates"].append(row)
        elif level == "partner" and (partner_ids is None or p in partner_ids):
            found["partners"].append(row)
    return found


def program_people_visible(user, program, *roles) -> dict:
    """`program_people` as this user may read it: headquarters every cap; a consulate's
    reader the program's, their consulates' and the partners serving them."""
    scope = Scope.of(user)
    if scope.is_headquarters(*roles):
        return program_people(program)
    consulate_ids = scope.consulate_ids(*roles)
    partner_ids = set(PartnerOrganization.objects.filter(consulates__in=consulate_ids)
                      .values_list("pk", flat=True))
    return program_people(program, consulate_ids=consulate_ids, partner_ids=partner_ids)


def people_left(rows, *, partner_of) -> None:
    """Mark each case of a page with the people places left for it (`people_left`: the
    smallest of its caps, None when no cap applies), reading each program once."""
    cache = {}
    for case in rows:
        program = case.program
        if program.pk not in cache:
            cache[program.pk] = people.people_positions(program=program.ledger_ref)
        positions = cache[program.pk]
        caps = [positions.get(("program", None, None)),
                positions.get(("consulate", case.consulate_id, None))]
        partner_id = partner_of(case)
        if partner_id:
            caps.append(positions.get(("partner", None, partner_id)))
        left = [pos.available for pos in caps if pos is not None]
        case.people_left = min(left) if left else None
