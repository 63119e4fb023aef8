"""The one checked path for every uploaded document: sniff, bound, re-encode or parse, store.

Rules (DESIGN.md, "Documents"):

- The type comes from the content (`filetype`), never from the name or the browser's
  content type. Only PDF, JPEG and PNG are accepted.
- At most `MAX_UPLOAD_BYTES`; refused before reading when the size is known.
- Images are decoded and re-encoded by Pillow: metadata (EXIF, GPS, ICC, text chunks)
  and anything appended after the image (a ZIP, a script) do not survive.
  `Image.MAX_IMAGE_PIXELS` bounds decompression bombs.
- PDFs are parsed strictly by pypdf and kept byte for byte (a signed PDF must stay
  valid), so the checks refuse: truncated or damaged files, data after the final
  %%EOF (polyglots), encryption, JavaScript, launch/submit/import actions, automatic
  actions (/OpenAction that is an action, /AA), embedded files, rich media and XFA.
- Files are stored under a random name in private storage (`default_storage`, which has
  no public URL) and served only by `private_file_response`, after the caller's own
  permission check.
"""

import io
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000  # 50 megapixels: any phone photo, no decompression bomb
MAX_PDF_OBJECTS = 200_000  # bound on the walk looking for active content
JPEG_QUALITY = 90
PNG_IEND = b"IEND\xaeB`\x82"

# Pillow refuses (DecompressionBombError) above twice this; we refuse above it ourselves.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


@dataclass(frozen=True)
class AllowedType:
    mime: str
    extension: str
    pillow_formats: tuple = ()


ALLOWED_TYPES = {
    "application/pdf": AllowedType("application/pdf", ".pdf"),
    "image/jpeg": AllowedType("image/jpeg", ".jpg", ("JPEG", "MPO")),
    "image/png": AllowedType("image/png", ".png", ("PNG",)),
}
SAFE_CONTENT_TYPES = frozenset(ALLOWED_TYPES)

PDF_FORBIDDEN_KEYS = frozenset(
    {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile",
     "/RichMedia", "/RichMediaContent", "/XFA"}
)
PDF_FORBIDDEN_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute",
     "/Rendition", "/Sound", "/Movie", "/GoToR"}
)

MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is too large: the limit is 10 MB."),
    "type": _("Only PDF, JPEG and PNG files are accepted."),
    "image": _("The image could not be read. Please upload a valid JPEG or PNG file."),
    "image_too_big": _("The image has too many pixels. Please upload a smaller image."),
    "pdf": _("The PDF is damaged or incomplete. Please upload a valid PDF file."),
    "pdf_encrypted": _("The PDF is password-protected. Please upload it without a password."),
    "pdf_active": _(
        "The PDF contains scripts, actions or attached files, which are not accepted. "
        "Please print it to a new PDF and upload that one."
    ),
}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `check_upload`: the bytes to store and how to name them."""

    content: bytes
    content_type: str
    storage_name: str
    original_name: str

    @property
    def size(self):
        return len(self.content)


def check_upload(uploaded_file) -> CheckedUpload:
    """Check an uploaded file; return what to store or raise ValidationError."""
    data = _read_bounded(uploaded_file)
    allowed = _sniff(data)
    if allowed.mime == "application/pdf":
        _check_pdf(data)
        content = data
    else:
        content = _reencode_image(data, allowed)
    return CheckedUpload(
        content=content,
        content_type=allowed.mime,
        storage_name=uuid.uuid4().hex + allowed.extension,
        original_name=safe_display_name(getattr(uploaded_file, "name", ""), allowed.extension),
    )


def _refuse(code):
    raise ValidationError(MESSAGES[code], code=code)


def _read_bounded(uploaded_file):
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        _refuse("too_large")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        _refuse("too_large")
    if not data:
        _refuse("empty")
    return data


def _sniff(data):
    kind = filetype.guess(data[:8192])
    allowed = ALLOWED_TYPES.get(kind.mime) if kind else None
    if allowed is None:
        _refuse("type")
    if allowed.mime == "application/pdf" and not data.startswith(b"%PDF-"):
        _refuse("type")
    return allowed


# --- Images -------------------------------------------------------------------------------


def _reencode_image(data, allowed):
    if not _has_end_marker(data, allowed):
        _refuse("image")
    try:
        with Image.open(io.BytesIO(data), formats=allowed.pillow_formats) as img:
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                _refuse("image_too_big")
            img.load()
            clean = _normalise_mode(ImageOps.exif_transpose(img), allowed)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse("image_too_big")
    except Exception:  # any decoder failure on untrusted bytes means "not a valid image"
        _refuse("image")
    out = io.BytesIO()
    if allowed.mime == "image/jpeg":
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _has_end_marker(data, allowed):
    """Refuse truncated images ourselves: importing WeasyPrint sets Pillow's process-wide
    ImageFile.LOAD_TRUNCATED_IMAGES, which would otherwise pad them silently."""
    if allowed.mime == "image/png":
        return PNG_IEND in data
    last_scan = data.rfind(b"\xff\xda")
    return last_scan > 0 and data.find(b"\xff\xd9", last_scan) > last_scan


def _normalise_mode(img, allowed):
    """A fresh image holding only pixels: no info dict, EXIF, ICC or text chunks."""
    if allowed.mime == "image/jpeg":
        target = "L" if img.mode in ("1", "L") else "RGB"
    else:
        target = img.mode if img.mode in ("1", "L", "LA", "RGB", "RGBA") else "RGBA"
    pixels = img.convert(target)
    clean = Image.new(target, pixels.size)
    clean.paste(pixels)
    return clean


# --- PDFs ---------------------------------------------------------------------------------


def _check_pdf(data):
    if not _ends_with_eof_marker(data):
        _refuse("pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            _refuse("pdf_encrypted")
        if len(reader.pages) < 1:
            _refuse("pdf")
        active = _has_active_content(reader)
    except ValidationError:
        raise
    except Exception:  # any parser failure on untrusted bytes means "not a valid PDF"
        _refuse("pdf")
    if active:
        _refuse("pdf_active")


def _ends_with_eof_marker(data):
    """True when the file ends with %%EOF (only whitespace after): nothing appended."""
    return data.rstrip(b"\x00\t\n\x0c\r ").endswith(b"%%EOF")


def _has_active_content(reader):
    """Walk every object reachable from the trailer, looking for scripts and actions."""
    seen, stack, visited = set(), [reader.trailer], 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("PDF has too many objects to check")
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(node.get_object())
        elif isinstance(node, DictionaryObject):
            if _is_active_dict(node):
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _is_active_dict(node):
    if PDF_FORBIDDEN_KEYS.intersection(node.keys()):
        return True
    action_type = node.get("/S")
    if action_type is not None and action_type.get_object() in PDF_FORBIDDEN_ACTIONS:
        return True
    open_action = node.get("/OpenAction")
    if open_action is None:
        return False
    # A destination array only chooses the first page to show; an action dictionary runs.
    return not isinstance(open_action.get_object(), ArrayObject)


# --- Names, storage and serving -----------------------------------------------------------

_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()\-]+", re.UNICODE)


def safe_display_name(name, extension, *, max_length=120):
    """The uploaded file's base name, cleaned for display and Content-Disposition.

    The extension is replaced by the one of the sniffed type, so a download never claims
    to be something it is not.
    """
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = PurePosixPath(base).stem if "." in base else base
    stem = _UNSAFE_NAME_CHARS.sub("_", stem).strip(" ._-")
    stem = stem[: max_length - len(extension)] or "document"
    return stem + extension


_FOLDER_RE = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")


def store_upload(checked: CheckedUpload, *, folder: str) -> str:
    """Save a checked upload in private storage under `folder`; return its storage name."""
    if not _FOLDER_RE.match(folder):
        raise ValueError(f"Invalid storage folder: {folder!r}")
    return default_storage.save(f"{folder}/{checked.storage_name}", ContentFile(checked.content))


def private_file_response(name, *, download_name, content_type):
    """Stream a privately stored file as a download.

    This does NOT check permissions: the calling view must first load the owning object
    through its app's selector (scoped by `core.tenancy.Scope`, a 404 outside it) and
    only then call this with the name stored on that object. Never pass a name taken
    from the request.
    """
    if content_type not in SAFE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=download_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Forms --------------------------------------------------------------------------------


class CheckedFileField(forms.FileField):
    """A file field whose cleaned value is a `CheckedUpload` (or the initial value)."""

    default_error_messages = {"empty": MESSAGES["empty"]}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return check_upload(value)
        return value
