"""PDF rendering (static-only fetcher, PDF/A-3a, Spanish text) and issued-document checks."""

import hashlib
import io
import re
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections
from django.test import RequestFactory
from pypdf import PdfReader

from core.documents import (
    CODE_ALPHABET,
    document_issue,
    document_number_allocate,
    document_verify,
)
from core.models import AuditEvent, IssuedDocument
from core.pdf import (
    PdfRenderError,
    RefusedURL,
    StaticOnlyURLFetcher,
    html_to_pdf,
    render_pdf,
    static_root,
)
from core.tenancy import Scope
from core.views_documents import document_verify_view

SPANISH = "Autorización de fianza — señora Núñez"


def pdf_text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- The fetcher --------------------------------------------------------------------------


@pytest.fixture
def fetcher():
    return StaticOnlyURLFetcher()


def test_fetcher_serves_our_stylesheet_and_fonts(fetcher):
    root = static_root()
    css = fetcher.fetch((root / "css" / "pdf.css").as_uri())
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    font = fetcher.fetch((root / "fonts" / "DejaVuSans.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/style.css",
        "https://example.org/font.ttf",
        "ftp://example.org/x.css",
        "data:text/css,body{color:red}",
        "data:image/png;base64,iVBORw0KGgo=",
        "file://evil.example/share/x.css",
    ],
)
def test_fetcher_refuses_anything_outside_static(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_fetcher_refuses_dot_dot_traversal(fetcher):
    root = static_root()
    for url in (
        f"file://{root}/css/../../config/settings.py",
        f"file://{root}/../config/settings.py",
        f"file://{root}/css/%2e%2e/%2e%2e/config/settings.py",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_fetcher_refuses_symlink_escape_and_odd_types(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.css"
    secret.write_text("body{}")
    (root / "link.css").symlink_to(secret)
    (root / "notes.txt").write_text("hello")
    (root / "ok.css").write_text("p{}")
    fetcher = StaticOnlyURLFetcher(root)
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p{}"
    for name in ("link.css", "notes.txt", "missing.css"):
        with pytest.raises(RefusedURL):
            fetcher.fetch((root / name).as_uri())


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="http://example.org/x.css">',
        '<link rel="stylesheet" href="../config/settings.py">',
        '<style>@import url("https://example.org/x.css");</style>',
    ],
)
def test_rendering_stops_on_a_refused_url(snippet):
    with pytest.raises(PdfRenderError):
        html_to_pdf(f'<html lang="en"><title>x</title>{snippet}<p>x</p></html>')


# --- Rendering ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spanish_pdf():
    return render_pdf(
        "pdf/specimen.html",
        {"body": SPANISH, "rows": [("Beneficiaria", "Núñez Peña"), ("Monto", "$1,500.00")],
         "document_number": "FZ-2026-000042", "verification_code": "ABCD234XYZ"},
        language="es",
        title="Autorización de fianza",
    )


def test_spanish_text_is_extractable_with_accents(spanish_pdf):
    text = pdf_text(spanish_pdf)
    assert SPANISH in text
    assert "Núñez Peña" in text
    assert "FZ-2026-000042" in text and "ABCD234XYZ" in text


def test_pdf_is_tagged_pdf_a_3a_with_title_and_language(spanish_pdf):
    reader = PdfReader(io.BytesIO(spanish_pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "es"
    assert "/OutputIntents" in root
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert reader.metadata.title == "Autorización de fianza"


def test_fonts_are_embedded_dejavu(spanish_pdf):
    reader = PdfReader(io.BytesIO(spanish_pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                   for f in fonts.values()]
    assert descriptors
    for descriptor in descriptors:
        assert "DejaVu" in descriptor["/FontName"]
        assert "/FontFile2" in descriptor


def test_english_rendering_uses_english_labels():
    pdf = render_pdf("pdf/specimen.html", {"body": "Hello", "rows": []},
                     language="en", title="Specimen")
    assert "Verification code" in pdf_text(pdf)
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "en"


# --- Issuing and verifying ----------------------------------------------------------------


def issue(world, **kwargs):
    params = {
        "kind": IssuedDocument.Kind.BOND_AUTHORIZATION,
        "obj": world.ben_a,
        "consulate_id": world.consulate_a.pk,
        "template_name": "pdf/specimen.html",
        "context": {"body": SPANISH, "rows": [("Caso", world.ben_a.reference)]},
        "language": "es",
        "title": "Autorización de fianza",
        "actor": world.officer_a,
    }
    return document_issue(**{**params, **kwargs})


@pytest.mark.django_db
def test_issue_numbers_hashes_audits_and_prints_number_and_code(world):
    doc, pdf = issue(world)
    year = doc.issued_at.year
    assert re.fullmatch(rf"FZ-{year}-\d{{6}}", doc.number)
    assert len(doc.verification_code) == 10
    assert set(doc.verification_code) <= set(CODE_ALPHABET)
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert doc.object_type == "core.beneficiary" and doc.object_id == str(world.ben_a.pk)
    assert doc.issued_by == world.officer_a
    text = pdf_text(pdf)
    assert doc.number in text and doc.verification_code in text and SPANISH in text
    event = AuditEvent.objects.get(action="document.issue", object_id=str(doc.pk))
    assert event.changes["number"] == doc.number
    assert event.consulate_id == world.consulate_a.pk

    second, _ = issue(world)
    assert int(second.number[-6:]) == int(doc.number[-6:]) + 1
    assert second.verification_code != doc.verification_code


@pytest.mark.django_db
def test_verify_is_scoped_to_the_tenant(world):
    doc, _ = issue(world)
    number, code = doc.number, doc.verification_code

    def sees(user):
        return document_verify(number=number, code=code, scope=Scope.of(user)) == doc

    assert sees(world.officer_a)
    assert sees(world.approver_a)
    assert sees(world.admin) and sees(world.auditor)
    assert not sees(world.officer_b)
    assert not sees(world.partner_x_staff)
    assert not document_verify(number=number, code=code, scope=Scope.of(AnonymousUser()))


@pytest.mark.django_db
def test_verify_partner_document_and_wrong_codes(world):
    doc, _ = issue(world, kind=IssuedDocument.Kind.GRANT_AWARD, obj=None, object_type="x.y",
                   object_id=7, consulate_id=None, partner_id=world.partner_x.pk)
    scope_x = Scope.of(world.partner_x_staff)
    code = doc.verification_code
    assert document_verify(number=doc.number, code=code, scope=scope_x) == doc
    # Forgiving about case, spaces and dashes the reader may type.
    loose = f" {code[:5].lower()}-{code[5:]} "
    assert document_verify(number=doc.number.lower(), code=loose, scope=scope_x) == doc
    assert document_verify(number=doc.number, code=code, scope=Scope.of(world.partner_y_staff)) \
        is None
    assert document_verify(number=doc.number, code=code, scope=Scope.of(world.officer_a)) is None
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    assert document_verify(number=doc.number, code=wrong, scope=scope_x) is None
    assert document_verify(number="FZ-1999-000001", code=code, scope=scope_x) is None


@pytest.mark.django_db
def test_verify_view(world):
    doc, _ = issue(world)
    factory = RequestFactory()

    def get(user, **params):
        request = factory.get("/documents/verify/", params)
        request.user = user
        return document_verify_view(request)

    anonymous = get(AnonymousUser())
    assert anonymous.status_code == 302

    blank = get(world.officer_b)
    assert blank.status_code == 200
    assert b'for="id_number"' in blank.content and b'for="id_code"' in blank.content

    found = get(world.officer_a, number=doc.number, code=doc.verification_code)
    assert found.status_code == 200
    assert doc.sha256.encode() in found.content

    hidden = get(world.officer_b, number=doc.number, code=doc.verification_code)
    assert doc.sha256.encode() not in hidden.content
    assert b'role="alert"' in hidden.content

    invalid = get(world.officer_a, number=doc.number, code="")
    assert b'aria-invalid="true"' in invalid.content
    assert b'id="id_code_errors"' in invalid.content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_number_allocation_never_repeats():
    numbers, errors = [], []

    def worker():
        try:
            for _ in range(5):
                numbers.append(document_number_allocate(year=2031))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"FZ-2031-{n:06d}" for n in range(1, 31)]
