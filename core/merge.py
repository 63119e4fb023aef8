"""Merging two records of one person, undoing a merge, and the queue of likely duplicates
across consulates that program administrators review.

A merge moves every row that points at the duplicate (found through the model registry, so
apps core does not import are covered) and records which rows it moved, so an undo moves
exactly those back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import Beneficiary, BeneficiaryMerge, DuplicateReview, Role
from core.models_people import ReviewStatus
from core.tenancy import Scope

# Filled on the survivor of a merge from the duplicate when the survivor has none.
MERGE_FILLABLE = ("a_number", "curp", "phone", "email", "address", "accessibility_needs")


def _relations():
    """Every relation in the project that points at Beneficiary, whoever defines it."""
    return [
        rel for rel in Beneficiary._meta.related_objects
        if rel.one_to_many or rel.one_to_one or rel.many_to_many
    ]


def _relation_label(rel):
    return f"{rel.related_model._meta.label_lower}.{rel.field.name}"


def _through(rel):
    """For a many-to-many: the through model and its column that points at Beneficiary."""
    through = rel.through
    for f in through._meta.get_fields():
        if getattr(f, "related_model", None) is Beneficiary and f.many_to_one:
            return through, f.name
    raise LookupError(rel)


def _other_column(through, column):
    return next(f.name for f in through._meta.get_fields()
                if f.many_to_one and f.name != column)


def _pointing_at(rel, beneficiary):
    if rel.many_to_many:
        through, column = _through(rel)
        return through._base_manager.filter(**{column: beneficiary})
    return rel.related_model._base_manager.filter(**{rel.field.name: beneficiary})


def beneficiary_merge_preview(*, survivor, duplicate):
    """What a merge would move and fill, for the page that asks for confirmation."""
    moves = []
    for rel in _relations():
        count = _pointing_at(rel, duplicate).count()
        if count:
            moves.append({"relation": _relation_label(rel),
                          "label": rel.related_model._meta.verbose_name_plural,
                          "count": count})
    fills = [
        {"field": Beneficiary._meta.get_field(n).verbose_name, "value": getattr(duplicate, n)}
        for n in MERGE_FILLABLE
        if getattr(duplicate, n) and not getattr(survivor, n)
    ]
    return {"moves": moves, "fills": fills}


def _lock_pair(first_id, second_id):
    locked = {b.pk: b for b in Beneficiary.objects.select_for_update()
              .filter(pk__in=[first_id, second_id]).order_by("pk")}
    if first_id not in locked or second_id not in locked:
        raise Http404
    return locked[first_id], locked[second_id]


def beneficiary_merge(*, actor, survivor_id, duplicate_id, comment=""):
    """Move everything that points at the duplicate to the survivor; keep the duplicate,
    marked merged and hidden from lists. Returns the survivor."""
    Scope.of(actor).require(Role.PROGRAM_ADMIN)
    if survivor_id == duplicate_id:
        raise ValidationError(_("Pick two different records to merge."))
    with transaction.atomic():
        survivor, duplicate = _lock_pair(survivor_id, duplicate_id)
        if survivor.merged_into_id or duplicate.merged_into_id:
            raise ValidationError(_("One of these records was already merged."))
        moved, dropped = _move_all(duplicate, survivor)
        fills = [n for n in MERGE_FILLABLE
                 if getattr(duplicate, n) and not getattr(survivor, n)]
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into"])
        for name in fills:
            setattr(survivor, name, getattr(duplicate, name))
        if fills:
            survivor.save(update_fields=fills)
        record = BeneficiaryMerge.objects.create(
            survivor=survivor, duplicate=duplicate, moved=moved, dropped=dropped, filled=fills,
            comment=comment, merged_by=actor)
        DuplicateReview.objects.filter(
            first_id=min(survivor.pk, duplicate.pk), second_id=max(survivor.pk, duplicate.pk),
        ).update(status=ReviewStatus.MERGED, decided_by=actor, decided_at=timezone.now())
        changes = {"survivor": survivor.reference, "duplicate": duplicate.reference,
                   "moved": {k: len(v) for k, v in moved.items()}, "filled": fills,
                   "merge_id": record.pk}
        _audit_both(actor, "beneficiary.merge", "beneficiary.merged_into", survivor,
                    duplicate, changes, comment)
    return survivor


def _audit_both(actor, survivor_action, duplicate_action, survivor, duplicate, changes,
                comment):
    audit_record(actor=actor, action=survivor_action, obj=survivor, changes=changes,
                 comment=comment, consulate_id=survivor.consulate_id)
    audit_record(actor=actor, action=duplicate_action, obj=duplicate, changes=changes,
                 comment=comment, consulate_id=duplicate.consulate_id)


def _move_all(duplicate, survivor):
    moved, dropped = {}, {}
    for rel in _relations():
        label = _relation_label(rel)
        if rel.many_to_many:
            ids, gone = _move_many_to_many(rel, duplicate, survivor)
            if gone:
                dropped[label] = gone
        else:
            rows = _pointing_at(rel, duplicate)
            if rel.one_to_one and rows.exists() and _pointing_at(rel, survivor).exists():
                raise ValidationError(
                    _("Both records have a %(thing)s; resolve one of them before merging.")
                    % {"thing": rel.related_model._meta.verbose_name})
            ids = sorted(rows.values_list("pk", flat=True))
            rows.update(**{rel.field.name: survivor})
        if ids:
            moved[label] = ids
    return moved, dropped


def _move_many_to_many(rel, duplicate, survivor):
    through, column = _through(rel)
    other = _other_column(through, column)
    already = set(
        through._base_manager.filter(**{column: survivor}).values_list(f"{other}_id", flat=True)
    )
    rows = through._base_manager.filter(**{column: duplicate})
    gone = sorted(rows.filter(**{f"{other}_id__in": already})
                  .values_list(f"{other}_id", flat=True))
    rows.filter(**{f"{other}_id__in": already}).delete()
    ids = sorted(rows.values_list("pk", flat=True))
    rows.update(**{column: survivor})
    return ids, gone


def beneficiary_merge_undo(*, actor, merge_id, comment=""):
    """Give the duplicate back what the merge moved and filled, and make it active again.
    Rows added to the survivor since the merge stay with the survivor."""
    Scope.of(actor).require(Role.PROGRAM_ADMIN)
    with transaction.atomic():
        record = BeneficiaryMerge.objects.select_for_update().filter(pk=merge_id).first()
        if record is None:
            raise Http404
        if record.undone_at:
            raise ValidationError(_("This merge was already undone."))
        survivor, duplicate = _lock_pair(record.survivor_id, record.duplicate_id)
        if survivor.merged_into_id:
            raise ValidationError(_("The kept record was merged again since; undo that merge "
                                    "first."))
        _move_back(record, survivor, duplicate)
        refilled = [n for n in record.filled if getattr(survivor, n) == getattr(duplicate, n)]
        for name in refilled:
            setattr(survivor, name, "")
        if refilled:  # first: the unique A-number and CURP must leave the survivor
            survivor.save(update_fields=refilled)
        duplicate.merged_into = None
        duplicate.save(update_fields=["merged_into"])
        record.undone_by, record.undone_at = actor, timezone.now()
        record.undo_comment = comment
        record.save(update_fields=["undone_by", "undone_at", "undo_comment"])
        DuplicateReview.objects.filter(
            first_id=min(survivor.pk, duplicate.pk), second_id=max(survivor.pk, duplicate.pk),
        ).update(status=ReviewStatus.OPEN, decided_by=None, decided_at=None)
        changes = {"survivor": survivor.reference, "duplicate": duplicate.reference,
                   "merge_id": record.pk, "emptied": refilled}
        _audit_both(actor, "beneficiary.merge_undo", "beneficiary.unmerged", survivor,
                    duplicate, changes, comment)
    return duplicate


def _move_back(record, survivor, duplicate):
    for rel in _relations():
        label = _relation_label(rel)
        ids = record.moved.get(label, [])
        if rel.many_to_many:
            through, column = _through(rel)
            through._base_manager.filter(pk__in=ids, **{column: survivor}).update(
                **{column: duplicate})
            other = _other_column(through, column)
            through._base_manager.bulk_create([
                through(**{column: duplicate, f"{other}_id": other_id})
                for other_id in record.dropped.get(label, [])])
        elif ids:
            rel.related_model._base_manager.filter(
                pk__in=ids, **{rel.field.name: survivor}).update(**{rel.field.name: duplicate})


def merges_of(beneficiary):
    """Merges into this record that can still be undone, newest first."""
    return (BeneficiaryMerge.objects.filter(survivor=beneficiary, undone_at__isnull=True)
            .select_related("duplicate", "merged_by"))
