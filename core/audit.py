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
    return audit_record_many([dict(
        actor=actor, action=action, obj=obj, changes=changes, comment=comment,
        consulate_id=consulate_id, partner_id=partner_id, object_type=object_type,
        object_id=object_id)])[0]


def audit_record_many(events, *, batch_size=1000):
    """Append events (dicts of audit_record's arguments) in order, locking the chain head
    once: each event's hash chains the previous one, then the head moves to the last."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    if not events:
        return []
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    ip, prev, built = current_ip(), head.last_hash, []
    for spec in events:
        event = _event(ip=ip, prev_hash=prev, **spec)
        event.hash = prev = event.compute_hash()
        built.append(event)
    if len(built) == 1:
        built[0].save()
    else:
        AuditEvent.objects.bulk_create(built, batch_size=batch_size)
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    return built


def _event(*, actor, action, obj, ip, prev_hash, changes=None, comment="", consulate_id=None,
           partner_id=None, object_type=None, object_id=None):
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type or obj._meta.label_lower,
        object_id=str(object_id if object_id is not None else obj.pk),
        changes=_jsonable(changes or {}),
        comment=comment or "",
        ip=ip,
        consulate_id=consulate_id,
        partner_id=partner_id,
        prev_hash=prev_hash,
    )


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
