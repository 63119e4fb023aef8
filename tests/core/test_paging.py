"""Keyset pages: every row once, in order, both ways; nothing counted, no OFFSET; the same
queries on the first page and deep in the list."""

from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Beneficiary
from core.paging import decode_cursor, keyset_page, order_keys
from tests.core.factories import BeneficiaryFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def _walk(queryset, per_page, direction="after"):
    params, seen, pages = QueryDict(mutable=True), [], 0
    while True:
        page = keyset_page(queryset, params, per_page=per_page)
        seen.extend(page.object_list)
        pages += 1
        query = page.next_query if direction == "after" else page.previous_query
        more = page.has_next if direction == "after" else page.has_previous
        if not more:
            return seen, pages
        params = QueryDict(query, mutable=True)


def test_forward_pages_cover_every_row_once_with_ties(world):
    # Same family names: the order's later keys and the primary key break the ties.
    BeneficiaryFactory.create_batch(7, consulate=world.consulate_a, family_names="García")
    BeneficiaryFactory.create_batch(6, consulate=world.consulate_a, family_names="López")
    qs = Beneficiary.objects.order_by("family_names", "given_names", "pk")
    seen, pages = _walk(qs, 4)
    assert [b.pk for b in seen] == list(qs.values_list("pk", flat=True))
    assert pages == -(-qs.count() // 4)


def test_descending_order_and_backwards(world):
    BeneficiaryFactory.create_batch(9, consulate=world.consulate_a)
    qs = Beneficiary.objects.order_by("-created_at", "-id")
    forward, _ = _walk(qs, 4)
    assert [b.pk for b in forward] == list(qs.values_list("pk", flat=True))
    last = keyset_page(qs, QueryDict(), per_page=4)
    while last.has_next:
        last = keyset_page(qs, QueryDict(last.next_query), per_page=4)
    back = keyset_page(qs, QueryDict(last.previous_query), per_page=4)
    pks = [b.pk for b in forward]
    start = pks.index(last.object_list[0].pk)
    assert back.has_next and [b.pk for b in back.object_list] == pks[start - 4:start]


def test_cursor_keeps_other_parameters_and_drops_page():
    qs = Beneficiary.objects.order_by("family_names", "given_names", "pk")
    BeneficiaryFactory.create_batch(3)
    page = keyset_page(qs, QueryDict("state=x&page=4"), per_page=2)
    query = parse_qs(page.next_query)
    assert query["state"] == ["x"] and "page" not in query and "after" in query


@pytest.mark.parametrize("cursor", ["", "%%%", "bm9wZQ", "WzEsMiwzLDRd", "WyJhIiwiYiIsInoiXQ"])
def test_a_cursor_that_does_not_parse_shows_the_first_page(cursor):
    BeneficiaryFactory.create_batch(3)
    qs = Beneficiary.objects.order_by("family_names", "given_names", "pk")
    params = QueryDict(mutable=True)
    params["after"] = cursor
    page = keyset_page(qs, params, per_page=2)
    first = keyset_page(qs, QueryDict(), per_page=2)
    assert [b.pk for b in page.object_list] == [b.pk for b in first.object_list]
    assert decode_cursor(Beneficiary, order_keys(qs), "WyJhIiwiYiIsInoiXQ") is None


def test_nullable_order_keys_are_refused():
    with pytest.raises(ValueError):
        order_keys(Beneficiary.objects.order_by("created_by"))


def test_beneficiary_list_counts_nothing_and_costs_the_same_deep(client, world):
    BeneficiaryFactory.create_batch(130, consulate=world.consulate_a)
    sign_in(client, world.officer_a)
    url = reverse("core:beneficiary_list")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).context["page"]
    with CaptureQueriesContext(connection) as second:
        deeper = client.get(f"{url}?{page.next_query}").context["page"]
    with CaptureQueriesContext(connection) as third:
        client.get(f"{url}?{deeper.next_query}")
    sql = " ".join(q["sql"].upper() for q in [*first, *second, *third])
    assert "COUNT(" not in sql and " OFFSET " not in sql
    assert len(first) == len(second) == len(third)
    assert not {b.pk for b in page.object_list} & {b.pk for b in deeper.object_list}
