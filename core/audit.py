"""The append-only, hash-chained audit trail.

Services call `audit_record` inside their own transaction, so an event exists exactly
when its change does.
"""

from django.db import transaction

from core.models import AuditChainHead, AuditEvent
from core.request_context import current_ip

GENESIS = "0" * 64


def audit_record(*, actor, action, obj, changes=None, comment="", consulate_id=None,
                 partner_id=None, object_type=None, object_id=None):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type or obj._meta.label_lower,
        object_id=str(object_id if object_id is not None else obj.pk),
        changes=_jsonable(changes or {}),
        comment=comment or "",
        ip=current_ip(),
        consulate_id=consulate_id,
        partner_id=partner_id,
        prev_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def audit_verify():
    """Recompute the chain; return a list of (event id, problem) for every break."""
    problems = []
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            problems.append((event.pk, "previous hash does not match the chain"))
        if event.compute_hash() != event.hash:
            problems.append((event.pk, "content does not match its hash"))
        prev = event.hash
    head = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    if head is not None and head != prev:
        problems.append((None, "the chain head does not match the last event"))
    return problems


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
