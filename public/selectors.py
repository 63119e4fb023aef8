"""Read-only queries behind the family status page.

Families see plain words, never amounts, A-numbers, addresses of the person, partner or staff
names, documents or notes: the queries below fetch only states and dates (`values()`), so
nothing else can reach a template by accident.
"""

from dataclasses import dataclass, field

from django.conf import settings

from casework.selectors import family_stages
from core.models import Consulate
from public.references import consulate_code_of

# The general consular hotline (CIAM), for when no consulate can be named.
DEFAULT_HOTLINE = "+1 520 623 7874"


@dataclass(frozen=True)
class FamilyStatus:
    reference: str
    consulate: Consulate
    services: list = field(default_factory=list)

    @property
    def current(self):
        """The stage of the service that moved last."""
        dated = [s for s in self.services if s.since]
        return max(dated, key=lambda s: (s.since, s.started)) if dated else None


def family_status(beneficiary, *, reference) -> FamilyStatus:
    """What the family may read about a consenting beneficiary: for every kind of case, the
    words its state's one definition gives families (casework.kinds.StateWords)."""
    return FamilyStatus(reference=reference, consulate=beneficiary.consulate,
                        services=family_stages(beneficiary.pk))


def consulate_for_reference(reference):
    """The consulate a reference's prefix names (CHI-...), whether or not the case exists."""
    code = consulate_code_of(reference)
    return Consulate.objects.filter(code=code).first() if code else None


def family_hotline() -> str:
    return getattr(settings, "FIANZA_FAMILY_HOTLINE", DEFAULT_HOTLINE)
