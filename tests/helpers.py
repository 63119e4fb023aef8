"""Signing in as a persona (with a verified second factor where the role needs one), and
counting the queries a page makes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY

from tests.core.factories import give_second_factor


def sign_in(client, user):
    client.force_login(user)
    device = give_second_factor(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def assert_flat(client, url, add_rows):
    """As many queries with 3 rows on the page as with 12."""
    add_rows(3)
    client.get(url)  # the session's first request may do more (e.g. load the OTP device)
    with_3 = queries_for(client, url)
    add_rows(9)
    assert queries_for(client, url) == with_3
