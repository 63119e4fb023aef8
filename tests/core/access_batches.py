"""Access cases of the statement batches (core/urls_imports.py): everyone with a role sees
the batch; a file only whoever may see its document (its consulate's staff, headquarters)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.models import DocumentBatch, DocumentBatchFile, IssuedDocument
from tests.access import UrlCase, expect


def url_cases(world):
    batch = DocumentBatch.objects.create(kind=DocumentBatch.Kind.MONTHLY_STATEMENTS,
                                         period="2026-11", status=DocumentBatch.Status.DONE)
    document = IssuedDocument.objects.create(
        number="FZ-2026-900001", kind=IssuedDocument.Kind.RECONCILIATION_STATEMENT,
        consulate=world.consulate_a, language="es", verification_code="ACCESS2345")
    name = default_storage.save("statements/2026-11/access.pdf", ContentFile(b"%PDF-1.7\n"))
    item = DocumentBatchFile.objects.create(batch=batch, holder=f"consulate:{document.pk}",
                                            document=document, storage_name=name, size=9)
    return [
        UrlCase("core:document_batch_detail", {"pk": batch.pk}, expect=expect(200)),
        UrlCase("core:document_batch_file", {"pk": item.pk},
                expect=expect(404, officer_a=200, approver_a=200, admin=200, auditor=200)),
    ]
