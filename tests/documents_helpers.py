"""Shared by the document tests: PDF text, XLSX cells, running imports inline."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader

URLS = "config.urls"  # the document URLs are wired in each app's urls.py


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def streamed(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def xlsx_cells(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]
