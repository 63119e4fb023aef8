import datetime

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

DOB = datetime.date(1990, 5, 17)


@pytest.fixture
def family(world):
    """ben_a with a case reference as the consulate prints it, and the consulate's contacts."""
    from core.models import Beneficiary

    Beneficiary.objects.filter(pk=world.ben_a.pk).update(
        reference="CHI-2026-000456", date_of_birth=DOB, address="1200 W Hidden Street",
    )
    world.ben_a.refresh_from_db()
    world.consulate_a.phone = "+1 312 738 2383"
    world.consulate_a.address = "204 S Ashland Ave"
    world.consulate_a.save()
    return world


def lookup(reference, date_of_birth, *, address="198.51.100.20", client=None, **extra):
    client = client or Client()
    data = {"reference": reference,
            "date_of_birth": date_of_birth.isoformat() if date_of_birth else ""}
    return client.post("/status/", data, REMOTE_ADDR=address, **extra)


def translated(language, message, **params):
    """What the catalog says for `message` in `language`, as a template renders it.

    Tests compare pages with this rather than with hard-coded English, so they follow the
    language a page is really in: Spanish first for families, English one click away.
    """
    with translation.override(language):
        text = gettext(message)
    return text % params if params else text
