"""What a case's pages hand over as files: its letters (PDF) and the export of its list."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from core.exports import export_response
from core.pdf_common import pdf_attachment
from core.permissions_documents import require_export


def case_pdf_or_back(request, case, issue: Callable, *, back: str):
    """The letter `issue()` makes for the case, or back to the case's page (`back`, a URL
    name) with the sentence that says why it cannot be issued yet."""
    try:
        document, pdf = issue()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back, pk=case.pk)
    return pdf_attachment(document, pdf, stem=case.reference)


def cases_export(request, fmt: str, *, model, cases, rows: Callable, headers, stem: str,
                 sheet_title: str):
    """The cases the user may see, as CSV or XLSX named `<stem>-<today>`, for those allowed
    to export them."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    require_export(request.user, model)
    return export_response(fmt, filename=f"{stem}-{timezone.localdate().isoformat()}",
                           headers=[str(h) for h in headers], rows=rows(cases),
                           sheet_title=sheet_title)
