import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.helpers import sign_in

PASSWORD = "a-long-passphrase-for-fianza-7"


@pytest.fixture
def admin_client(world):
    return sign_in(Client(), world.admin)


@pytest.fixture
def invite(admin_client, django_capture_on_commit_callbacks):
    """invite(email=..., role=..., consulate=..., language=...) through the page; returns
    (response, the link sent by e-mail)."""

    def run(*, email, role, consulate=None, partner=None, language="es", first="Ana",
            last="Ruiz Soto", comment="New staff"):
        data = {"email": email, "first_name": first, "last_name": last, "language": language,
                "role": role, "consulate": consulate.pk if consulate else "",
                "partner": partner.pk if partner else "", "comment": comment}
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("administration:user_invite"), data)
        sent = mail.outbox[before:]
        link = None
        if sent:
            link = re.search(r"https?://testserver(/\S+)", sent[-1].body).group(1)
        return response, link

    return run


def accept(link, password=PASSWORD):
    client = Client()
    response = client.post(link, {"new_password1": password, "new_password2": password})
    return client, response
