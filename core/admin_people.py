"""Merges, the duplicate queue and whereabouts in the admin: read only (they change through
the pages that audit them)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from core.models import BeneficiaryMerge, DuplicateReview, PersonLocation, PersonService


@admin.register(BeneficiaryMerge)
class BeneficiaryMergeAdmin(ReadOnlyAdmin):
    list_display = ("merged_at", "survivor", "duplicate", "merged_by", "undone_at")
    search_fields = ("survivor__reference", "duplicate__reference")


@admin.register(DuplicateReview)
class DuplicateReviewAdmin(ReadOnlyAdmin):
    list_display = ("found_at", "first", "second", "score", "status")
    list_filter = ("status",)
    search_fields = ("first__reference", "second__reference")


@admin.register(PersonLocation)
class PersonLocationAdmin(ReadOnlyAdmin):
    list_display = ("since", "beneficiary", "status", "place", "city")
    list_filter = ("status",)
    search_fields = ("beneficiary__reference", "place", "city")


@admin.register(PersonService)
class PersonServiceAdmin(ReadOnlyAdmin):
    list_display = ("received_on", "beneficiary", "kind", "place")
    list_filter = ("kind",)
    search_fields = ("beneficiary__reference", "place")
