"""How an app describes its cases to casework, once, and the registry of those descriptions."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StateWords:
    """What one state means to the people who look at it.

    family: the words a family reads on the status page, or None when the state is not shown
    to families (a draft); family_date: the field that dates that stage. A state reached
    only after the family was told something keeps that date field."""

    family: Promise | None
    family_date: str = "updated_at"


@dataclass(frozen=True)
class CaseKind:
    """Everything casework needs to know about one kind of case (bond request, grant)."""

    label: str                      # audit prefix: "bond_request"
    model: type[models.Model]
    key_prefix: str                 # ledger keys: "bond:<pk>:..."
    storage_folder: str             # private storage: "bonds/<pk>/..."
    purpose: str                    # ledger purpose of the money: "bond" or "grant"
    detail_url: str                 # URL name of the case's page
    email_template: str
    noun: Promise                   # "Bond request", opening a sentence
    noun_lower: Promise             # "bond request", inside one
    service: Promise                # what the family reads the service is
    states: dict[str, StateWords] = field(default_factory=dict)
    partner_of: Callable = lambda case: None          # partner named in the audit
    ledger_partner_of: Callable = lambda case: None   # partner whose cap the money uses
    maximum_of: Callable = lambda program: None       # per-case maximum of a program
    family_fields: tuple = ()                         # more columns the family words need
    family_service_of: Callable | None = None         # (row) -> what the family reads

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower

    def key(self, case, step: str) -> str:
        return f"{self.key_prefix}:{case.pk}:{step}"


KINDS: dict[str, CaseKind] = {}


def kind_register(kind: CaseKind) -> CaseKind:
    """Called from the app's ready(): payments then asks casework who may release its
    payments (four eyes on money leaving)."""
    from casework.payments import release_rule
    from payments.services import release_rule_register

    KINDS[kind.object_type] = kind
    release_rule_register(kind.object_type, release_rule)
    from payments.purposes import purpose_register
    purpose_register(kind.object_type, model=kind.model, url_name=kind.detail_url)
    return kind


def kind_of(obj_or_type) -> CaseKind:
    label = obj_or_type if isinstance(obj_or_type, str) else obj_or_type._meta.label_lower
    return KINDS[label]


# Words families read, shared by every kind of case.
RECEIVED = _("Request received")
NOT_APPROVED = _("Not approved: please call the consulate")
REQUEST_CLOSED = _("Request closed")
CASE_CLOSED = _("Case closed")


def program_namer(program_model) -> Callable:
    """What the ledger's program namer registry wants: {pk: name} for some pks (all on None)."""
    def names(pks):
        programs = program_model.objects.all()
        if pks is not None:
            programs = programs.filter(pk__in=pks)
        return dict(programs.values_list("pk", "name"))
    return names


def case_app_ready(kind: CaseKind, *, history: Callable, timeline: Callable,
                   home_panels: Callable) -> None:
    """What a case app does in its ready(): name its programs in the ledger, describe its
    cases to casework (and so to payments), and show them in a person's history, timeline
    and home page."""
    from core.history import register_history_provider
    from core.timeline import register_timeline_provider
    from ledger.programs import register_program_namer

    program_model = kind.model._meta.get_field("program").related_model
    register_program_namer(program_model.ledger_prefix, program_namer(program_model))
    kind_register(kind)
    register_history_provider(history)
    register_timeline_provider(timeline)
    home_panels()
