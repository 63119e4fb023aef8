"""The queue of likely duplicates across consulates, for program administrators.

Pairs come from two places: an officer who registers someone despite a likely match at
another consulate (the officer sees only that the record exists there), and the nightly
scan of records registered since the day before. Adding a pair twice changes nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dedupe import find_matches, reason_texts
from core.models import Beneficiary, DuplicateReview, Role
from core.models_people import ReviewStatus
from core.tenancy import Scope

REVIEWERS = (Role.PROGRAM_ADMIN,)


def duplicate_reviews_queue(matches_by_person):
    """Queue each (beneficiary, match) pair whose records sit at different consulates.
    Call inside the transaction that created the beneficiary."""
    reviews = []
    for beneficiary, matches in matches_by_person:
        for match in matches:
            other = match.beneficiary
            if other.consulate_id == beneficiary.consulate_id or match.is_exact:
                continue
            first, second = sorted((beneficiary.pk, other.pk))
            reviews.append(DuplicateReview(first_id=first, second_id=second,
                                           score=match.score, reasons=list(match.reasons)))
    DuplicateReview.objects.bulk_create(reviews, ignore_conflicts=True)
    return len(reviews)


def duplicate_review_scan(*, since=None):
    """Look for likely duplicates of records registered since `since` (default: the last
    two days, so a missed night is covered). Safe to run twice. Returns pairs seen."""
    since = since or timezone.now() - datetime.timedelta(days=2)
    found = []
    recent = Beneficiary.objects.active().filter(created_at__gte=since).order_by("pk")
    for b in recent.iterator(chunk_size=500):
        matches = find_matches(given_names=b.given_names, family_names=b.family_names,
                               date_of_birth=b.date_of_birth, exclude_id=b.pk)
        found.append((b, matches))
    with transaction.atomic():
        return duplicate_reviews_queue(found)


def duplicate_reviews_visible_to(user, *, status=ReviewStatus.OPEN):
    Scope.of(user).require(*REVIEWERS)
    return (DuplicateReview.objects.filter(status=status)
            .select_related("first__consulate", "second__consulate"))


def review_reason_texts(review):
    return reason_texts(review.reasons, review.score)


def duplicate_review_dismiss(*, actor, review_id, comment=""):
    """Record that the two records are different people; the pair is not proposed again."""
    Scope.of(actor).require(*REVIEWERS)
    with transaction.atomic():
        review = DuplicateReview.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise Http404
        if review.status != ReviewStatus.OPEN:
            raise ValidationError(_("This pair was already reviewed."))
        review.status = ReviewStatus.DISMISSED
        review.decided_by, review.decided_at, review.comment = actor, timezone.now(), comment
        review.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        audit_record(actor=actor, action="beneficiary.duplicate_dismiss", obj=review,
                     changes={"first": review.first_id, "second": review.second_id},
                     comment=comment)
    return review
