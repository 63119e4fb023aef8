"""What the document views of every app share: the reader's language, amounts as printed,
and the PDF download itself."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext

from core.money import from_minor

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def reader_language(request):
    """?lang=es|en when asked for, else the user's own language, else Spanish."""
    wanted = request.GET.get("lang") or getattr(request.user, "language", "") or "es"
    return wanted if wanted in LANGUAGES else "es"


def money_text(money):
    """Money('1500', 'USD') -> 'USD 1,500.00' (the same digits in Spanish, as in Mexico)."""
    if money is None:
        return "—"
    return f"{money.currency} {money.amount:,.2f}"


def minor_text(amount, currency):
    return money_text(from_minor(amount or 0, currency))


def pdf_attachment(document, pdf_bytes, *, stem):
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{document.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def bilingual_title(message):
    """'Spanish title / English title' of an official letter printed in both languages.
    `message` must be marked for translation where it is written."""
    titles = []
    for language in ("es", "en"):
        with translation.override(language):
            titles.append(gettext(message))
    return " / ".join(dict.fromkeys(titles))
