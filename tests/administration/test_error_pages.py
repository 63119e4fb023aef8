"""Error pages in the application's layout, in the reader's language, with no exception
text (the test client runs with DEBUG off)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from tests.helpers import sign_in


@pytest.fixture(autouse=True)
def debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize("language, title", [("es", "Acceso no permitido"),
                                             ("en", "Access not allowed")])
def test_403_in_the_user_s_language(world, language, title):
    world.officer_a.language = language
    world.officer_a.save()
    response = sign_in(Client(), world.officer_a).get(reverse("administration:index"))
    assert response.status_code == 403
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page and f'lang="{language}"' in page
    assert "PermissionDenied" not in page and "Traceback" not in page


@pytest.mark.parametrize("language, title", [("es", "Página no encontrada"),
                                             ("en", "Page not found")])
def test_404_in_the_reader_s_language(world, language, title):
    admin = sign_in(Client(HTTP_ACCEPT_LANGUAGE=language), world.admin)
    world.admin.language = language
    world.admin.save()
    response = admin.get(reverse("administration:partner_edit", args=[99999]))
    page = response.content.decode()
    assert response.status_code == 404 and f"<h1>{title}</h1>" in page
    assert "matches the given query" not in page and "PartnerOrganization" not in page
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
    assert anonymous.status_code == 404
    assert f"<h1>{title}</h1>" in anonymous.content.decode()


@pytest.mark.parametrize("view, code, title", [(server_error, 500, "Algo salió mal"),
                                               (bad_request, 400, "Solicitud no comprendida")])
def test_400_and_500_render_without_a_request_context(rf, db, view, code, title):
    with translation.override("es"):
        response = (view(rf.get("/")) if view is server_error
                    else view(rf.get("/"), exception=ValueError("secret detail")))
    page = response.content.decode()
    assert response.status_code == code and title in page and "secret detail" not in page
