"""Many drafts submitted at once (an imported case list): each draft goes through
bond_request_submit in its own transaction, so a refused draft stops only itself and the
officer reads one outcome per draft."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from bondfund.models import BondRequest, State
from bondfund.services import bond_request_submit
from core.models import AuditEvent, Role, User
from core.tenancy import Scope

MAX_AT_ONCE = 500


@dataclass(frozen=True)
class SubmitOutcome:
    bond: BondRequest
    submitted: bool
    reason: str = ""


def drafts_officer_may_submit(actor: User):
    """The drafts of the consulates where `actor` is an officer."""
    scope = Scope.of(actor)
    scope.require(Role.CONSULATE_OFFICER)
    return (BondRequest.objects.filter(state=State.DRAFT)
            .filter(scope.consulate_q("consulate", Role.CONSULATE_OFFICER))
            .select_related("beneficiary", "program"))


def drafts_of_import(*, actor: User, import_job_id: int):
    """The drafts an import job created (its audit events name the job) that `actor` may
    submit, still drafts."""
    created = AuditEvent.objects.filter(
        action="bond_request.create", object_type=BondRequest._meta.label_lower,
        changes__import_job=import_job_id).values_list("object_id", flat=True)
    return drafts_officer_may_submit(actor).filter(pk__in=[int(pk) for pk in created])


def bond_requests_submit_many(*, actor: User, request_ids: list[int],
                              comment: str = "") -> list[SubmitOutcome]:
    """Submit each of these drafts the actor may submit (others are not shown: as a 404);
    one transaction per draft. Returns one outcome per draft, in the order of their ids."""
    bonds = drafts_officer_may_submit(actor).filter(pk__in=request_ids[:MAX_AT_ONCE])
    outcomes = []
    for bond in bonds.order_by("pk"):
        try:
            submitted = bond_request_submit(actor=actor, request_id=bond.pk, comment=comment)
        except ValidationError as exc:
            outcomes.append(SubmitOutcome(bond, False, " ".join(str(m) for m in exc.messages)))
        except PermissionDenied:
            outcomes.append(SubmitOutcome(bond, False, _("You may not submit this request.")))
        else:
            outcomes.append(SubmitOutcome(submitted, True))
    return outcomes
