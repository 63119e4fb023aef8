"""Finding a person by what an officer types: a name in any order, with or without accents,
one or both surnames, with a typo; an A-number in any written form; a CURP; a case
reference; a phone number.

Names are compared on Beneficiary.search_text (accents, case and punctuation removed on
save). PostgreSQL narrows the candidates with pg_trgm's word similarity on a GIN index;
SQLite with substrings of each word. Either way at most CANDIDATES rows are ranked here,
with rapidfuzz, so both databases order results the same way.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from core.models import Beneficiary
from core.validators import looks_like_a_number, normalize_name, phone_digits

CANDIDATES = 200
RESULTS = 50
# Mean, over the typed words, of each word's best likeness to a word of the name (0..100).
WORD_LIKENESS = 75
# pg_trgm's word similarity a typed word needs to make a record a candidate.
TRIGRAM_THRESHOLD = 0.45

_REFERENCE = re.compile(r"^[A-Z]{3}-\d{4}-\d{1,6}$")
_CURP_SHAPE = re.compile(r"^[A-Z]{4}\d{6}[A-Z0-9]{8}$")

BY_NAME = _("Name")
BY_REFERENCE = _("Case reference")
BY_A_NUMBER = _("A-number")
BY_CURP = _("CURP")
BY_PHONE = _("Phone")


@dataclass(frozen=True)
class Hit:
    beneficiary: Beneficiary
    score: float
    matched_on: str


def search_beneficiaries(queryset, query, *, limit=RESULTS):
    """Hits in `queryset` (already limited to active records) for the text typed, best
    first: an identifier finds its record exactly, anything else searches names."""
    query = (query or "").strip()
    if not query:
        return []
    for kind, matcher in ((BY_REFERENCE, _by_reference), (BY_CURP, _by_curp),
                          (BY_A_NUMBER, _by_a_number), (BY_PHONE, _by_phone)):
        condition = matcher(query)
        if condition is not None:
            rows = queryset.filter(condition).select_related("consulate")[:limit]
            return [Hit(b, 1.0, kind) for b in rows]
    return _by_name(queryset, normalize_name(query), limit=limit)


def _by_reference(query):
    text = re.sub(r"[\s_./\u2010-\u2015]+", "-", query.upper())
    match = _REFERENCE.match(text)
    if not match:
        return None
    code, year, number = text.split("-")
    return Q(reference=f"{code}-{year}-{int(number):06d}")


def _by_curp(query):
    text = query.replace(" ", "").upper()
    return Q(curp=text) if _CURP_SHAPE.match(text) else None


def _by_a_number(query):
    if not looks_like_a_number(query):
        return None
    return Q(a_number=re.sub(r"\D", "", query).zfill(9))


def _by_phone(query):
    digits = re.sub(r"\D", "", query)
    if len(digits) < 10 or re.search(r"[^\d\s()+\-.]", query):
        return None
    return Q(phone_digits=phone_digits(digits))


def _by_name(queryset, wanted, *, limit):
    words = wanted.split()
    if not words:
        return []
    rows = _candidates(queryset, words)
    scored = []
    for pk, text in rows:
        score = name_score(words, text)
        if score is not None:
            scored.append((score, text, pk))
    scored.sort(key=lambda row: (-row[0], row[1], row[2]))
    top = scored[:limit]
    people = queryset.model.objects.select_related("consulate").in_bulk([pk for *_x, pk in top])
    return [Hit(people[pk], round(score, 3), BY_NAME) for score, _text, pk in top]


def name_score(words, text):
    """0..1 for a record's search_text against the typed words, or None when some typed
    word has no likely counterpart in the name."""
    names = text.split()
    if not names:
        return None
    best = [max(fuzz.ratio(word, name) for name in names) for word in words]
    if min(best) < WORD_LIKENESS - 10 or sum(best) / len(best) < WORD_LIKENESS:
        return None
    # Typed words that cover more of the name rank first: "garcia" finds "María García"
    # before "José Luis García Hernández".
    coverage = fuzz.token_sort_ratio(" ".join(words), text) / 100
    return 0.9 * sum(best) / (100 * len(best)) + 0.1 * coverage


def _significant(words):
    return [w for w in words if len(w) >= 3] or words


def _candidates(queryset, words):
    words = _significant(words)
    if connection.vendor == "postgresql":
        return _trigram_candidates(queryset, words)
    condition = Q()
    for word in words:
        condition &= (Q(search_text__contains=word[:3]) | Q(search_text__contains=word[-3:]))
    return list(queryset.filter(condition).order_by().values_list(
        "pk", "search_text")[:CANDIDATES * 10])


def _trigram_candidates(queryset, words):
    """Records where every typed word is a word of the name, or (when there are none) records
    where every typed word is like a word of the name: both through the GIN trigram index, and
    without ORDER BY, so a common surname stops at CANDIDATES rows instead of ranking tens
    of thousands in the database. The ranking is name_score's."""
    exact, like = Q(), Q()
    for word in words:
        exact &= Q(search_text__regex=rf"(^| ){word}( |$)")
        like &= Q(search_text__trigram_word_similar=word)
    with transaction.atomic(), connection.cursor() as cursor:
        # With LIMIT and no ORDER BY the planner may bet on a sequential scan finding rows
        # early; for a rare name that reads the whole table. The index always answers.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [TRIGRAM_THRESHOLD])
        rows = list(queryset.filter(exact).order_by().values_list("pk", "search_text")[:CANDIDATES])
        if rows:  # every word typed right: look no further for spellings
            return rows
        return list(queryset.filter(like).order_by().values_list(
            "pk", "search_text")[:CANDIDATES])
