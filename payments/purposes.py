"""What a disbursement pays for, in words a person reads: the case reference, the person and
a link to the case page, instead of "bondfund.bondrequest#34".

Payments knows no kind of case: the apps that request disbursements register their model
and the name of their case page (casework does it for bonds and grants).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Purpose:
    reference: str
    person: str
    url: str
    program_ref: str | None = None


@dataclass(frozen=True)
class _Source:
    model: type
    url_name: str


SOURCES: dict[str, _Source] = {}


def purpose_register(object_type, *, model, url_name):
    SOURCES[object_type] = _Source(model=model, url_name=url_name)


def _describe(source, case):
    try:
        url = reverse(source.url_name, args=[case.pk])
    except NoReverseMatch:
        url = ""
    program = getattr(case, "program", None)
    return Purpose(reference=str(getattr(case, "reference", case.pk)),
                   person=str(getattr(case, "beneficiary", "") or ""), url=url,
                   program_ref=getattr(program, "ledger_ref", None))


def purposes_of(disbursements) -> dict:
    """{disbursement pk: Purpose} for these disbursements: one query per kind of case."""
    wanted = defaultdict(set)
    for d in disbursements:
        if d.object_type in SOURCES and str(d.object_id).isdigit():
            wanted[d.object_type].add(int(d.object_id))
    cases = {}
    for object_type, ids in wanted.items():
        source = SOURCES[object_type]
        names = {f.name for f in source.model._meta.fields}
        related = [name for name in ("beneficiary", "program") if name in names]
        for case in source.model.objects.filter(pk__in=ids).select_related(*related):
            cases[(object_type, str(case.pk))] = _describe(source, case)
    return {d.pk: cases.get((d.object_type, str(d.object_id))) for d in disbursements}


def purposes_attach(disbursements):
    """Set `d.purpose` (a Purpose or None) on each disbursement; returns them as a list."""
    disbursements = list(disbursements)
    found = purposes_of(disbursements)
    for d in disbursements:
        d.purpose = found.get(d.pk)
    return disbursements
