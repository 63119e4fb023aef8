"""What a user may see: the consulates and partners their memberships reach.

Selectors in every app start from `Scope.of(user)`; an object outside it is a 404.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from core.models import Role

GLOBAL_READ_ROLES = {Role.PROGRAM_ADMIN, Role.AUDITOR, Role.FINANCE_APPROVER}


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    roles: frozenset = frozenset()
    # role -> consulate ids (None in the set means headquarters: every consulate)
    consulates_by_role: dict = field(default_factory=dict)
    partner_ids: frozenset = frozenset()

    @classmethod
    def of(cls, user):
        if user is None or not user.is_authenticated:
            return cls(user_id=None)
        cached = getattr(user, "_fianza_scope", None)
        if cached is not None:
            return cached
        by_role, partners = {}, set()
        for role, consulate_id, partner_id in user.memberships.values_list(
            "role", "consulate_id", "partner_id"
        ):
            by_role.setdefault(role, set()).add(consulate_id)
            if partner_id:
                partners.add(partner_id)
        scope = cls(
            user_id=user.pk,
            roles=frozenset(by_role),
            consulates_by_role={r: frozenset(ids) for r, ids in by_role.items()},
            partner_ids=frozenset(partners),
        )
        user._fianza_scope = scope
        return scope

    def has_role(self, *roles):
        return bool(self.roles.intersection(roles))

    def require(self, *roles):
        if not self.has_role(*roles):
            raise PermissionDenied

    def is_headquarters(self, *roles):
        """True when one of these roles is held without a consulate: it reaches all."""
        roles = roles or tuple(self.roles)
        return any(
            None in self.consulates_by_role.get(r, ()) and r != Role.PARTNER_STAFF for r in roles
        )

    def consulate_ids(self, *roles):
        """Consulate ids reachable through these roles (all roles if none given)."""
        roles = roles or tuple(self.roles)
        ids = set()
        for r in roles:
            ids.update(i for i in self.consulates_by_role.get(r, ()) if i is not None)
        return ids

    def consulate_q(self, field_name="consulate", *roles):
        """A Q that limits a queryset to consulates this user reaches (through `roles`)."""
        roles = roles or tuple(r for r in self.roles if r != Role.PARTNER_STAFF)
        if self.is_headquarters(*roles):
            return Q()
        return Q(**{f"{field_name}__in": self.consulate_ids(*roles)})

    def reaches_consulate(self, consulate_id, *roles):
        roles = roles or tuple(r for r in self.roles if r != Role.PARTNER_STAFF)
        return self.is_headquarters(*roles) or consulate_id in self.consulate_ids(*roles)

    @property
    def is_partner(self):
        return Role.PARTNER_STAFF in self.roles

    @property
    def is_staff_of_consulates(self):
        return bool(self.roles - {Role.PARTNER_STAFF})
