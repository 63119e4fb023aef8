"""The checked upload path: a hostile corpus is refused and nothing reaches storage."""

import io
import os
import zipfile

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from core.uploads import (
    MAX_UPLOAD_BYTES,
    CheckedFileField,
    CheckedUpload,
    check_upload,
    private_file_response,
    safe_display_name,
    store_upload,
)

# --- Corpus (generated, so no binary fixtures to review) ----------------------------------


def pdf_bytes(*, mutate=None):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    if mutate:
        mutate(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt, *, size=(64, 48), mode="RGB", **save_kwargs):
    out = io.BytesIO()
    Image.new(mode, size, color="red" if mode != "1" else 1).save(out, format=fmt, **save_kwargs)
    return out.getvalue()


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("payload.sh", "#!/bin/sh\necho pwned\n")
    return out.getvalue()


def _add_js(writer):
    """A document-level script in the /Names /JavaScript tree."""
    action = writer._add_object(DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"),
         NameObject("/JS"): TextStringObject("app.alert('hi');")}
    ))
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), action])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _add_open_action_js(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"),
         NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def _add_launch_annotation(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})


def _add_attachment(writer):
    writer.add_attachment("evil.exe", b"MZ\x90\x00")


def _encrypt(writer):
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")


def jpeg_with_exif():
    img = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x0131] = "SecretSoftware"  # Software
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text():
    info = PngInfo()
    info.add_text("Comment", "SecretComment")
    return image_bytes("PNG", pnginfo=info)


HOSTILE = {
    "script disguised as pdf": ("acta.pdf", b"#!/bin/sh\nrm -rf ~\n", "type"),
    "html disguised as pdf": ("acta.pdf", b"<html><script>alert(1)</script></html>", "type"),
    "svg": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
            b"</svg>", "type"),
    "svg named png": ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
                      "type"),
    "zip": ("docs.pdf", zip_bytes(), "type"),
    "empty": ("empty.pdf", b"", "empty"),
    "truncated pdf": ("cut.pdf", pdf_bytes()[:300], "pdf"),
    "pdf without xref": ("cut.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n", "pdf"),
    "pdf with zip appended": ("poly.pdf", pdf_bytes() + zip_bytes(), "pdf"),
    "pdf with javascript": ("js.pdf", pdf_bytes(mutate=_add_js), "pdf_active"),
    "pdf with openaction js": ("oa.pdf", pdf_bytes(mutate=_add_open_action_js), "pdf_active"),
    "pdf with launch action": ("launch.pdf", pdf_bytes(mutate=_add_launch_annotation),
                               "pdf_active"),
    "pdf with embedded file": ("att.pdf", pdf_bytes(mutate=_add_attachment), "pdf_active"),
    "encrypted pdf": ("enc.pdf", pdf_bytes(mutate=_encrypt), "pdf_encrypted"),
    "truncated png": ("x.png", image_bytes("PNG")[:60], "image"),
    "truncated jpeg": ("x.jpg", image_bytes("JPEG", size=(300, 200))[:-400], "image"),
    "gif": ("x.png", image_bytes("GIF", mode="P"), "type"),
}


def stored_files():
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(
        os.path.join(d, f) for d, _, files in os.walk(root) for f in files
    )


class UploadForm(forms.Form):
    document = CheckedFileField()


# --- Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_is_refused_and_nothing_is_stored(case):
    name, content, code = HOSTILE[case]
    before = stored_files()
    form = UploadForm(files={"document": SimpleUploadedFile(name, content, "application/pdf")})
    assert not form.is_valid()
    assert form.errors["document"]
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile(name, content, "application/pdf"))
    assert excinfo.value.code == code
    assert stored_files() == before


def test_oversized_file_is_refused_before_reading():
    class Huge:
        name = "huge.pdf"
        size = MAX_UPLOAD_BYTES + 1

        def read(self, *args):
            raise AssertionError("must not read a file whose size is already too large")

    with pytest.raises(ValidationError) as excinfo:
        check_upload(Huge())
    assert excinfo.value.code == "too_large"


def test_oversized_stream_of_unknown_size_is_refused():
    stream = io.BytesIO(b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES)
    stream.name = "big.pdf"
    with pytest.raises(ValidationError) as excinfo:
        check_upload(stream)
    assert excinfo.value.code == "too_large"


def test_decompression_bomb_is_refused():
    bomb = image_bytes("PNG", size=(10_000, 6_000), mode="1")
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile("bomb.png", bomb))
    assert excinfo.value.code == "image_too_big"


def test_refusal_messages_are_lazy_so_they_follow_the_users_language():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(SimpleUploadedFile("x.pdf", b""))
    assert isinstance(excinfo.value.message, Promise)  # gettext_lazy: translated on display
    with translation.override("es"):
        assert str(excinfo.value.messages[0]) == gettext("The file is empty.")


# --- Polyglots come out clean -------------------------------------------------------------


def test_png_with_zip_appended_comes_out_reencoded_without_the_zip():
    polyglot = image_bytes("PNG") + zip_bytes()
    checked = check_upload(SimpleUploadedFile("photo.png", polyglot))
    assert checked.content_type == "image/png"
    assert b"PK\x03\x04" not in checked.content
    assert b"payload.sh" not in checked.content
    assert not zipfile.is_zipfile(io.BytesIO(checked.content))
    assert Image.open(io.BytesIO(checked.content)).size == (64, 48)


def test_jpeg_with_script_appended_comes_out_clean():
    polyglot = image_bytes("JPEG") + b"<script>alert(document.cookie)</script>"
    checked = check_upload(SimpleUploadedFile("photo.jpg", polyglot))
    assert checked.content_type == "image/jpeg"
    assert b"<script>" not in checked.content


# --- Valid files --------------------------------------------------------------------------


def test_valid_pdf_passes_unchanged():
    content = pdf_bytes()
    checked = check_upload(SimpleUploadedFile("Acta de nacimiento.pdf", content, "text/plain"))
    assert isinstance(checked, CheckedUpload)
    assert checked.content == content
    assert checked.content_type == "application/pdf"
    assert checked.storage_name.endswith(".pdf") and len(checked.storage_name) == 36
    assert checked.original_name == "Acta de nacimiento.pdf"


def test_pdf_opening_on_a_page_destination_is_accepted():
    def open_on_first_page(writer):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, NameObject("/Fit")]
        )

    check_upload(SimpleUploadedFile("a.pdf", pdf_bytes(mutate=open_on_first_page)))


def test_weasyprint_pdf_passes():
    from core.pdf import html_to_pdf

    content = html_to_pdf('<html lang="es"><title>t</title><p>Hola, señora Núñez</p></html>')
    assert check_upload(SimpleUploadedFile("carta.pdf", content)).content == content


def test_jpeg_loses_exif():
    original = jpeg_with_exif()
    assert b"SecretCameraMaker" in original
    checked = check_upload(SimpleUploadedFile("foto.JPG", original))
    assert checked.content_type == "image/jpeg"
    assert b"SecretCameraMaker" not in checked.content
    assert b"Exif" not in checked.content
    assert not Image.open(io.BytesIO(checked.content)).getexif()
    assert checked.original_name == "foto.jpg"


def test_png_loses_text_chunks():
    checked = check_upload(SimpleUploadedFile("scan.png", png_with_text()))
    assert b"SecretComment" not in checked.content
    assert Image.open(io.BytesIO(checked.content)).format == "PNG"


def test_extension_follows_the_content_not_the_name():
    checked = check_upload(SimpleUploadedFile("report.exe", image_bytes("PNG")))
    assert checked.content_type == "image/png"
    assert checked.storage_name.endswith(".png")
    assert checked.original_name == "report.png"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ana\\Núñez acta.pdf", "Núñez acta.pdf"),
        ('evil"; filename=x.html.pdf', "evil_ filename_x.html.pdf"),
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("", "document.pdf"),
        ("....pdf", "document.pdf"),
    ],
)
def test_display_name_is_sanitised(raw, expected):
    assert safe_display_name(raw, ".pdf") == expected


# --- Storage and serving ------------------------------------------------------------------


def test_form_field_gives_a_checked_upload():
    form = UploadForm(files={"document": SimpleUploadedFile("a.png", image_bytes("PNG"))})
    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["document"], CheckedUpload)


@pytest.mark.django_db
def test_store_and_serve_privately():
    checked = check_upload(SimpleUploadedFile("Núñez.png", image_bytes("PNG")))
    name = store_upload(checked, folder="tests/uploads")
    try:
        assert name == f"tests/uploads/{checked.storage_name}"
        assert default_storage.path(name).startswith(str(settings.PRIVATE_MEDIA_ROOT))
        response = private_file_response(
            name, download_name=checked.original_name, content_type=checked.content_type
        )
        body = b"".join(response.streaming_content)
        response.close()
        assert body == checked.content
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "N%C3%BA%C3%B1ez.png" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    finally:
        default_storage.delete(name)


@pytest.mark.django_db
def test_serving_an_unexpected_content_type_falls_back_to_octet_stream():
    checked = check_upload(SimpleUploadedFile("a.png", image_bytes("PNG")))
    name = store_upload(checked, folder="tests")
    try:
        response = private_file_response(name, download_name="a.png", content_type="text/html")
        response.close()
        assert response["Content-Type"] == "application/octet-stream"
    finally:
        default_storage.delete(name)


@pytest.mark.parametrize("folder", ["../outside", "/abs", "a/../b", "", "UPPER", "a//b"])
def test_store_refuses_odd_folders(folder):
    checked = check_upload(SimpleUploadedFile("a.png", image_bytes("PNG")))
    with pytest.raises(ValueError):
        store_upload(checked, folder=folder)
