"""Issuing numbered, verifiable PDFs, and verifying them.

`document_issue` allocates the number (FZ-YYYY-NNNNNN, under a row lock; a failed render
leaves a gap, which is fine) and a random verification code, renders the PDF with both
in the footer, then records the document and an audit event in one transaction.
"""

import hashlib
import re
import secrets

from django.db import transaction

from core.audit import audit_record
from core.models_documents import DocumentSequence, IssuedDocument
from core.pdf import render_pdf
from core.timezones import fund_today

NUMBER_PREFIX = "FZ"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L confusion
CODE_LENGTH = 10
_NUMBER_RE = re.compile(r"^FZ-\d{4}-\d{6,}$")


def document_number_allocate(*, year=None) -> str:
    year = year or fund_today().year
    with transaction.atomic():
        DocumentSequence.objects.get_or_create(year=year)
        seq = DocumentSequence.objects.select_for_update().get(year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}-{year}-{seq.last:06d}"


def verification_code_generate() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not IssuedDocument.objects.filter(verification_code=code).exists():
            return code


def document_issue(*, kind, obj=None, object_type=None, object_id=None, consulate_id=None,
                   partner_id=None, template_name, context, language, title, actor):
    """Issue a PDF document; return (IssuedDocument, pdf_bytes).

    The caller stores or streams the bytes; the record keeps their SHA-256 so a copy can
    later be checked against it.
    """
    object_type = object_type or (obj._meta.label_lower if obj is not None else "")
    object_id = str(object_id if object_id is not None else getattr(obj, "pk", "") or "")
    number = document_number_allocate()
    code = verification_code_generate()
    pdf_bytes = render_pdf(
        template_name,
        {**context, "document_number": number, "verification_code": code},
        language=language,
        title=title,
    )
    with transaction.atomic():
        document = IssuedDocument.objects.create(
            number=number, kind=kind, object_type=object_type, object_id=object_id,
            consulate_id=consulate_id, partner_id=partner_id, language=language,
            sha256=hashlib.sha256(pdf_bytes).hexdigest(), verification_code=code,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor, action="document.issue", obj=document,
            changes={"number": number, "kind": kind, "sha256": document.sha256,
                     "object": [object_type, object_id]},
            consulate_id=consulate_id, partner_id=partner_id,
        )
    return document, pdf_bytes


def normalise_code(code) -> str:
    return re.sub(r"[\s-]+", "", str(code or "")).upper()


def normalise_number(number) -> str:
    return re.sub(r"\s+", "", str(number or "")).upper()


def document_verify(*, number, code, scope):
    """The document with this number and code, if `scope` may see it; else None."""
    number, code = normalise_number(number), normalise_code(code)
    if scope.user_id is None or not _NUMBER_RE.match(number) or len(code) != CODE_LENGTH:
        return None
    document = (
        IssuedDocument.objects.select_related("consulate", "partner")
        .filter(number=number, verification_code=code)
        .first()
    )
    if document is None or not document_visible(document=document, scope=scope):
        return None
    return document


def document_visible(*, document, scope) -> bool:
    if scope.is_headquarters():
        return True
    if (document.consulate_id is not None and scope.is_staff_of_consulates
            and scope.reaches_consulate(document.consulate_id)):
        return True
    return document.partner_id is not None and document.partner_id in scope.partner_ids
