"""Finding a beneficiary who may already be on record, anywhere in the network.

Exact matches on A-number or CURP are the same person. A name close to an existing one is
probably the same person when the dates of birth agree, or differ the way typed dates do:
day and month swapped, or one digit wrong. Names are compared without accents, case or word
order, and a name typed with only one surname still matches the full one.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from core.models import Beneficiary
from core.validators import normalize_name

NAME_SIMILARITY = 0.85
# A date of birth that differs needs a closer name.
NAME_SIMILARITY_NEAR_DATE = 0.9
# A name with words left out ("José García" for "José Luis García Hernández") ranks just
# below the same name written in full.
PARTIAL_NAME_WEIGHT = 0.95

__all__ = ["Match", "MatchKind", "birth_date_variants", "find_matches", "find_matches_many",
           "name_similarity", "normalize_name", "normalized_similarity"]


class MatchKind:
    A_NUMBER = "a_number"
    CURP = "curp"
    NAME_AND_BIRTH = "name_and_birth"


REASON_A_NUMBER = "a_number"
REASON_CURP = "curp"
REASON_SAME_DATE = "same_date"
REASON_SWAPPED = "swapped"
REASON_ONE_DIGIT = "one_digit"
REASON_PARTIAL = "partial"
REASON_ONE_DAY = "one_day"
REASONS = {
    REASON_A_NUMBER: _("Same A-number"),
    REASON_CURP: _("Same CURP"),
    REASON_SAME_DATE: _("Same date of birth"),
    REASON_SWAPPED: _("Date of birth with day and month swapped"),
    REASON_ONE_DIGIT: _("Date of birth one digit apart"),
    REASON_ONE_DAY: _("Date of birth one day apart"),
    REASON_PARTIAL: _("Some names typed, all of them found in this record"),
}


def match_strength(codes, score=None):
    """How sure the match is, in words: a shared A-number or CURP is the same person; a
    name match is as strong as the names are alike and the dates of birth agree."""
    if {REASON_A_NUMBER, REASON_CURP} & set(codes):
        return _("Strong match")
    if score is not None and score >= NAME_SIMILARITY_NEAR_DATE and REASON_SAME_DATE in codes:
        return _("Likely match")
    return _("Possible match")


def _names_alike(score):
    if score >= 0.97:
        return _("Names the same but for accents, spaces or order")
    if score >= NAME_SIMILARITY_NEAR_DATE:
        return _("Names very alike")
    return _("Names alike")


def reason_texts(codes, score=None):
    """The reasons in words, with the names' likeness in words (never a number) when names
    were compared."""
    texts = [REASONS[c] for c in codes if c in REASONS]
    if score is not None and not {REASON_A_NUMBER, REASON_CURP} & set(codes):
        texts.append(_names_alike(score))
    return texts


@dataclass(frozen=True)
class Match:
    beneficiary: Beneficiary
    kind: str
    score: float = 1.0
    reasons: tuple = field(default=(), compare=False)

    @property
    def is_exact(self):
        return self.kind in (MatchKind.A_NUMBER, MatchKind.CURP)

    @property
    def reason_texts(self):
        return reason_texts(self.reasons, self.score)

    @property
    def strength(self):
        return match_strength(self.reasons, self.score)


def name_similarity(a, b):
    return normalized_similarity(normalize_name(a), normalize_name(b))


def normalized_similarity(a, b):
    """0..1 for two names already through normalize_name: word order ignored, typos
    tolerated, and a name missing words scored on the words it has."""
    if not a or not b:
        return 0.0
    whole = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100
    short, long_ = sorted((a.split(), b.split()), key=len)
    if len(short) == len(long_):
        return max(whole, min(_aligned(short, long_), _aligned(long_, short)))
    if len(short) < 2:
        return whole
    return max(whole, PARTIAL_NAME_WEIGHT * _aligned(short, long_))


def _aligned(short, long_):
    """Mean over the shorter name's words of their best match in the longer name."""
    return sum(max(fuzz.ratio(word, other) for other in long_) for word in short) / (
        100 * len(short))


def is_partial(a, b):
    return len(a.split()) != len(b.split())


def birth_date_variants(date_of_birth):
    """{date: reason} for the dates an officer may have meant: the date itself, a day
    before or after, day and month swapped, and every real date one digit apart in
    YYYYMMDD."""
    variants = {date_of_birth: REASON_SAME_DATE}
    for days in (-1, 1):
        variants[date_of_birth + datetime.timedelta(days=days)] = REASON_ONE_DAY
    if date_of_birth.day <= 12 and date_of_birth.day != date_of_birth.month:
        variants[date_of_birth.replace(month=date_of_birth.day, day=date_of_birth.month)] = (
            REASON_SWAPPED)
    typed = date_of_birth.strftime("%Y%m%d")
    for position, digit in enumerate(typed):
        for other in "0123456789":
            if other == digit:
                continue
            text = typed[:position] + other + typed[position + 1:]
            try:
                candidate = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                continue
            if not 1900 <= candidate.year <= date_of_birth.today().year:
                continue
            variants.setdefault(candidate, REASON_ONE_DIGIT)
    return variants


def find_matches(*, a_number="", curp="", given_names="", family_names="",
                 date_of_birth=None, exclude_id=None):
    """Active records that may be this person, exact matches first, then by similarity."""
    active = Beneficiary.objects.active()
    if exclude_id is not None:
        active = active.exclude(pk=exclude_id)
    found = {}  # pk -> (kind, score, reasons)
    if a_number:
        for pk in active.filter(a_number=a_number).values_list("pk", flat=True):
            found[pk] = (MatchKind.A_NUMBER, 1.0, (REASON_A_NUMBER,))
    if curp:
        for pk in active.filter(curp=curp).values_list("pk", flat=True):
            found.setdefault(pk, (MatchKind.CURP, 1.0, (REASON_CURP,)))
    wanted = normalize_name(f"{given_names} {family_names}")
    if date_of_birth and wanted:
        for pk, score, reasons in _near_names(active, wanted, date_of_birth):
            found.setdefault(pk, (MatchKind.NAME_AND_BIRTH, score, reasons))
    if not found:
        return []
    people = Beneficiary.objects.select_related("consulate").in_bulk(list(found))
    matches = [Match(people[pk], kind, score, reasons)
               for pk, (kind, score, reasons) in found.items()]
    return sorted(matches, key=lambda m: (not m.is_exact, -m.score, m.beneficiary.pk))


def _near_names(active, wanted, date_of_birth):
    """(pk, score, reasons) of records born on a plausible date with a close name: only the
    name and date columns are read, through the date-of-birth index."""
    variants = birth_date_variants(date_of_birth)
    rows = active.filter(date_of_birth__in=list(variants)).values_list(
        "pk", "search_text", "date_of_birth")
    for pk, text, born in rows:
        score = normalized_similarity(wanted, text)
        needed = NAME_SIMILARITY if born == date_of_birth else NAME_SIMILARITY_NEAR_DATE
        if score >= needed:
            reasons = [variants[born]]
            if is_partial(wanted, text):
                reasons.append(REASON_PARTIAL)
            yield pk, round(score, 2), tuple(reasons)


def find_matches_many(people):
    """find_matches for many people at once (imports), in three queries whatever their
    number; names are compared with records born the same day.

    people: dicts with a_number, curp, given_names, family_names, date_of_birth. Returns one
    list of matches per person, in the same order, exact matches first.
    """
    active = Beneficiary.objects.active().select_related("consulate")
    by_a_number = _grouped(active, "a_number", {p.get("a_number") for p in people} - {"", None})
    by_curp = _grouped(active, "curp", {p.get("curp") for p in people} - {"", None})
    by_birth = _grouped(active, "date_of_birth",
                        {p.get("date_of_birth") for p in people} - {None})
    found = []
    for person in people:
        matches = [Match(b, MatchKind.A_NUMBER, reasons=(REASON_A_NUMBER,))
                   for b in by_a_number.get(person.get("a_number"), ())]
        matches += [Match(b, MatchKind.CURP, reasons=(REASON_CURP,))
                    for b in by_curp.get(person.get("curp"), ())]
        wanted = normalize_name(
            f"{person.get('given_names', '')} {person.get('family_names', '')}")
        near = []
        for b in by_birth.get(person.get("date_of_birth"), ()):
            score = normalized_similarity(wanted, b.search_text or normalize_name(b.full_name))
            if score >= NAME_SIMILARITY:
                near.append(Match(b, MatchKind.NAME_AND_BIRTH, round(score, 2),
                                  (REASON_SAME_DATE,)))
        matches += sorted(near, key=lambda m: -m.score)
        found.append(_distinct(matches))
    return found


def _grouped(queryset, field_name, values):
    groups = {}
    if values:
        for b in queryset.filter(**{f"{field_name}__in": values}):
            groups.setdefault(getattr(b, field_name), []).append(b)
    return groups


def _distinct(matches):
    seen = set()
    return [m for m in matches if not (m.beneficiary.pk in seen or seen.add(m.beneficiary.pk))]
