"""Pages of a list that cost the same on page one and page ten thousand.

Django's Paginator counts every row (COUNT(*)) and skips to a page with OFFSET: both grow
with the table. A keyset page instead remembers the sort values of the row it stopped at
(`?after=` / `?before=`, an opaque cursor) and asks for the rows past it, one more than it
shows to know whether a next page exists. Nothing is counted; the list's index does the rest.

    page = keyset_page(queryset, request.GET, per_page=50)
    {% include "core/_pagination.html" %}  (reads page.next_query / page.previous_query)

The queryset's ordering (its order_by, else the model's Meta.ordering) must name concrete,
non-null columns; the primary key is added as the last key when missing, so the order is
total. A cursor that does not parse (tampered, or from another list) shows the first page.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q

AFTER, BEFORE = "after", "before"


@dataclass
class KeysetPage:
    object_list: list
    has_next: bool
    has_previous: bool
    next_query: str = ""
    previous_query: str = ""
    keyset: bool = field(default=True, init=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous


def keyset_page(queryset, params, *, per_page: int, not_null=()) -> KeysetPage:
    """One page of `queryset` after (or before) the cursor in `params` (request.GET).
    `not_null`: nullable order keys that the queryset itself filters to non-null."""
    keys = order_keys(queryset, not_null=not_null)
    after, before = params.get(AFTER, ""), params.get(BEFORE, "")
    backwards = bool(before) and not after
    values = decode_cursor(queryset.model, keys, before if backwards else after)
    ordered = queryset.order_by(*[_flip(k) if backwards else k for k in keys])
    if values is not None:
        ordered = ordered.filter(_past(keys, values, backwards))
    rows = list(ordered[:per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
        has_next, has_previous = True, more
    else:
        has_next, has_previous = more, values is not None
    return KeysetPage(
        object_list=rows, has_next=has_next and bool(rows),
        has_previous=has_previous and bool(rows),
        next_query=_query(params, AFTER, encode_cursor(rows[-1], keys)) if rows else "",
        previous_query=_query(params, BEFORE, encode_cursor(rows[0], keys)) if rows else "")


def order_keys(queryset, *, not_null=()) -> list[str]:
    """The ordering as field names with "-" for descending, ending with the primary key."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    if not all(isinstance(k, str) for k in ordering):
        raise ValueError("keyset pages order by field names only")
    pk = queryset.model._meta.pk.name
    keys = []
    for key in ordering:
        name = key.lstrip("-")
        name = pk if name == "pk" else name
        keys.append(f"-{name}" if key.startswith("-") else name)
    if pk not in [k.lstrip("-") for k in keys]:
        keys.append(f"-{pk}" if keys and keys[-1].startswith("-") else pk)
    for key in keys:
        if key.lstrip("-") not in not_null and _field(queryset.model, key.lstrip("-")).null:
            raise ValueError(f"keyset pages need non-null order keys: {key}")
    return keys


def _field(model, path):
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _flip(key):
    return key[1:] if key.startswith("-") else f"-{key}"


def _past(keys, values, backwards) -> Q:
    """Rows strictly past `values` in the order of `keys` (or before them, backwards)."""
    condition, equal = Q(), Q()
    for key, value in zip(keys, values, strict=True):
        name = key.lstrip("-")
        greater = key.startswith("-") == backwards
        condition |= equal & Q(**{f"{name}__{'gt' if greater else 'lt'}": value})
        equal &= Q(**{name: value})
    # The same bound on the first key alone, which an index range can start from (the OR
    # above is read as a filter).
    first = keys[0].lstrip("-")
    greater = keys[0].startswith("-") == backwards
    return Q(**{f"{first}__{'gte' if greater else 'lte'}": values[0]}) & condition


def _value(row, key):
    *path, last = key.lstrip("-").split("__")
    for part in path:
        row = getattr(row, part)
    return getattr(row, row._meta.get_field(last).attname)


def encode_cursor(row, keys) -> str:
    raw = json.dumps([_jsonable(_value(row, k)) for k in keys], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _jsonable(value):
    if isinstance(value, (str, int, float, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def decode_cursor(model, keys, cursor: str):
    """The sort values a cursor carries, typed by their fields; None when it does not parse."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        return [_field(model, k.lstrip("-")).to_python(v)
                for k, v in zip(keys, values, strict=True)]
    except (binascii.Error, ValueError, ValidationError, FieldDoesNotExist, TypeError):
        return None


def _query(params, name, cursor) -> str:
    query = params.copy()
    for key in (AFTER, BEFORE, "page"):
        query.pop(key, None)
    query[name] = cursor
    return query.urlencode()
