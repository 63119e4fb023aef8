"""Finding a beneficiary who may already be on record, anywhere in the network.

Exact matches on A-number or CURP are the same person; a name close to an existing one
with the same date of birth is probably the same person (candidates come from the
date-of-birth index, names compared without accents or case).
"""

import difflib
import unicodedata
from dataclasses import dataclass

from core.models import Beneficiary

NAME_SIMILARITY = 0.85


class MatchKind:
    A_NUMBER = "a_number"
    CURP = "curp"
    NAME_AND_BIRTH = "name_and_birth"


@dataclass(frozen=True)
class Match:
    beneficiary: Beneficiary
    kind: str
    score: float = 1.0

    @property
    def is_exact(self):
        return self.kind in (MatchKind.A_NUMBER, MatchKind.CURP)


def normalize_name(value):
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in letters.casefold())
    return " ".join(cleaned.split())


def name_similarity(a, b):
    return normalized_similarity(normalize_name(a), normalize_name(b))


def normalized_similarity(a, b):
    """name_similarity of two names already through normalize_name."""
    if not a or not b:
        return 0.0
    whole = difflib.SequenceMatcher(None, a, b).ratio()
    # Word order varies ("Pérez López Juan" vs "Juan Pérez López").
    unordered = difflib.SequenceMatcher(
        None, " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    ).ratio()
    return max(whole, unordered)


def find_matches(*, a_number="", curp="", given_names="", family_names="",
                 date_of_birth=None, exclude_id=None):
    """Active records that may be this person, exact matches first."""
    active = Beneficiary.objects.active().select_related("consulate")
    if exclude_id is not None:
        active = active.exclude(pk=exclude_id)
    matches, seen = [], set()

    def add(beneficiary, kind, score=1.0):
        if beneficiary.pk not in seen:
            seen.add(beneficiary.pk)
            matches.append(Match(beneficiary, kind, score))

    if a_number:
        for b in active.filter(a_number=a_number):
            add(b, MatchKind.A_NUMBER)
    if curp:
        for b in active.filter(curp=curp):
            add(b, MatchKind.CURP)
    if date_of_birth and (given_names or family_names):
        wanted = f"{given_names} {family_names}"
        near = []
        for b in active.filter(date_of_birth=date_of_birth):
            score = name_similarity(wanted, b.full_name)
            if score >= NAME_SIMILARITY:
                near.append((score, b))
        for score, b in sorted(near, key=lambda pair: -pair[0]):
            add(b, MatchKind.NAME_AND_BIRTH, round(score, 2))
    return matches


def find_matches_many(people):
    """find_matches for many people at once, in three queries whatever their number.

    people: dicts with a_number, curp, given_names, family_names, date_of_birth. Returns one
    list of matches per person, in the same order, exact matches first.
    """
    active = Beneficiary.objects.active().select_related("consulate")
    by_a_number = _grouped(active, "a_number", {p.get("a_number") for p in people} - {"", None})
    by_curp = _grouped(active, "curp", {p.get("curp") for p in people} - {"", None})
    by_birth = _grouped(active, "date_of_birth",
                        {p.get("date_of_birth") for p in people} - {None})
    names = {b.pk: normalize_name(b.full_name) for group in by_birth.values() for b in group}
    found = []
    for person in people:
        matches = [Match(b, MatchKind.A_NUMBER)
                   for b in by_a_number.get(person.get("a_number"), ())]
        matches += [Match(b, MatchKind.CURP) for b in by_curp.get(person.get("curp"), ())]
        wanted = normalize_name(
            f"{person.get('given_names', '')} {person.get('family_names', '')}")
        near = []
        for b in by_birth.get(person.get("date_of_birth"), ()):
            score = normalized_similarity(wanted, names[b.pk])
            if score >= NAME_SIMILARITY:
                near.append(Match(b, MatchKind.NAME_AND_BIRTH, round(score, 2)))
        matches += sorted(near, key=lambda m: -m.score)
        found.append(_distinct(matches))
    return found


def _grouped(queryset, field, values):
    groups = {}
    if values:
        for b in queryset.filter(**{f"{field}__in": values}):
            groups.setdefault(getattr(b, field), []).append(b)
    return groups


def _distinct(matches):
    seen = set()
    return [m for m in matches if not (m.beneficiary.pk in seen or seen.add(m.beneficiary.pk))]
