"""Documents of a case: a checked upload, stored privately, kept with its SHA-256."""

import hashlib

from casework.kinds import CaseKind
from core.uploads import CheckedUpload, store_upload


def document_attach(case_kind: CaseKind, case, *, actor, kind: str, checked: CheckedUpload):
    """Store a checked upload with the case. Call it after every guard and ledger call of
    the step, so a refused step stores nothing."""
    name = store_upload(checked, folder=f"{case_kind.storage_folder}/{case.pk}")
    return case.documents.create(
        kind=kind, storage_name=name, original_name=checked.original_name,
        content_type=checked.content_type, size=checked.size, uploaded_by=actor,
        sha256=getattr(checked, "sha256", None) or hashlib.sha256(checked.content).hexdigest())
