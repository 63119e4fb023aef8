"""Render Django templates to tagged, archival PDF (PDF/A-3a) with WeasyPrint.

WeasyPrint's default fetcher opens any file:// path and any http(s) URL. Ours serves
only files inside the project's `static/` folder; everything else stops the rendering.
Templates therefore link assets relatively (`css/pdf.css`, `fonts/...`), never with
`{% static %}` (that yields `/static/...`, a path outside the folder).
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse, path2url

PDF_VARIANT = "pdf/a-3a"  # WeasyPrint's PDF/A-3 level A: tagged (sets pdf_tags=True itself)
ALLOWED_SUFFIXES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


class RefusedURL(ValueError):
    """The PDF asked for a resource outside our static folder."""


class PdfRenderError(Exception):
    """Rendering stopped, usually because a template referenced a refused URL."""


def static_root() -> Path:
    return Path(settings.STATICFILES_DIRS[0]).resolve()


class StaticOnlyURLFetcher(URLFetcher):
    """A WeasyPrint fetcher that reads files under `root` and refuses everything else.

    Refused: other schemes (http, https, ftp, data, ...), file:// with a host, paths with
    `..`, and paths that resolve (symlinks included) outside `root`, missing files and
    file types that are not stylesheets, fonts or images. With `fail_on_errors=True`
    (the default here) a refusal stops the rendering instead of being logged.
    """

    def __init__(self, root=None, *, fail_on_errors=True, **kwargs):
        super().__init__(fail_on_errors=fail_on_errors, allowed_protocols=("file",), **kwargs)
        self.root = Path(root).resolve() if root is not None else static_root()

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        content_type = ALLOWED_SUFFIXES[path.suffix.lower()]
        return URLFetcherResponse(
            url=path2url(path), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def resolve(self, url) -> Path:
        """The file `url` names inside root, or raise RefusedURL."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"Only files under the static folder may be read: {url[:200]}")
        raw_path = url2pathname(unquote(parts.path))
        if ".." in Path(raw_path).parts or "\x00" in raw_path:
            raise RefusedURL(f"Path traversal refused: {url[:200]}")
        try:
            path = Path(raw_path).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise RefusedURL(f"No such static file: {url[:200]}") from exc
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"Outside the static folder: {url[:200]}")
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise RefusedURL(f"File type not allowed in PDFs: {url[:200]}")
        return path



def render_pdf_html(template_name, context, *, language, title) -> str:
    """The HTML `render_pdf` feeds WeasyPrint (exposed for the benchmark and tests)."""
    with translation.override(language):
        return render_to_string(
            template_name, {**context, "pdf_language": language, "pdf_title": title}
        )


def html_to_pdf(html, *, url_fetcher=None) -> bytes:
    fetcher = url_fetcher or StaticOnlyURLFetcher()
    try:
        document = HTML(string=html, base_url=path2url(fetcher.root), url_fetcher=fetcher)
        return document.write_pdf(
            pdf_variant=PDF_VARIANT, font_config=FontConfiguration(), uncompressed_pdf=False
        )
    except FatalURLFetchingError as exc:
        raise PdfRenderError(str(exc)) from exc.__cause__


def render_pdf(template_name, context, *, language, title) -> bytes:
    """Render a template (extending `pdf/base.html`) in `language` to PDF/A-3a bytes.

    The template receives `pdf_language` and `pdf_title` for `<html lang>` and `<title>`.
    """
    html = render_pdf_html(template_name, context, language=language, title=title)
    return html_to_pdf(html)
