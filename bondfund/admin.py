from django.contrib import admin
from django.db import transaction
from import_export.admin import ExportMixin

from bondfund.models import (
    BondApproval,
    BondDocument,
    BondProgram,
    BondRequest,
    BudgetAllocation,
    DetentionCase,
    EligibilityQuestion,
    TreasuryRate,
)
from bondfund.resources import BondRequestResource
from casework.admin import (
    ApprovalInline,
    CaseAdmin,
    DocumentInline,
    ProgramAdmin,
    QuestionInline,
    ReadOnlyAdmin,
)
from core.audit import audit_record


@admin.register(BondProgram)
class BondProgramAdmin(ProgramAdmin):
    list_display = ("name", "currency", "total_budget", "per_case_maximum", "starts_on",
                    "ends_on", "is_active")
    list_filter = ("currency", "is_active", "starts_on")
    inlines = [QuestionInline.of(EligibilityQuestion)]


@admin.register(BudgetAllocation)
class BudgetAllocationAdmin(ReadOnlyAdmin):
    list_display = ("program", "kind", "consulate", "from_consulate", "partner", "amount",
                    "created_by", "created_at")
    list_filter = ("kind", "program")
    search_fields = ("program__name", "consulate__name", "partner__name", "memo")


@admin.register(TreasuryRate)
class TreasuryRateAdmin(admin.ModelAdmin):
    """Finance enters each quarter's published rate here; every save is audited and a rate
    already used for interest is corrected by a new one, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(actor=request.user, action="bondfund.treasury_rate.save", obj=obj,
                         changes={f: str(form.cleaned_data.get(f)) for f in form.changed_data})

    list_display = ("effective_on", "rate_percent")
    date_hierarchy = "effective_on"
    search_fields = ("effective_on",)


@admin.register(DetentionCase)
class DetentionCaseAdmin(admin.ModelAdmin):
    list_display = ("beneficiary", "consulate", "facility", "detained_on")
    list_filter = ("consulate",)
    search_fields = ("beneficiary__family_names", "beneficiary__a_number", "facility")
    raw_id_fields = ("beneficiary", "created_by")


@admin.register(BondRequest)
class BondRequestAdmin(ExportMixin, CaseAdmin):
    """Export (permission bondfund.export_bondrequest) through the neutralising resource.
    Imports of bond requests go through the import page (core:bond_request_import), which
    creates drafts with bond_requests_import: a raw admin import would skip their checks."""

    resource_classes = [BondRequestResource]
    list_display = ("__str__", "program", "consulate", "obligor", "state", "amount",
                    "created_at")
    list_filter = ("state", "program", "consulate", "obligor", "bond_type", "authority")
    search_fields = ("beneficiary__family_names", "beneficiary__given_names",
                     "beneficiary__a_number", "judge_or_court", "disbursement_reference")
    raw_id_fields = ("beneficiary", "detention_case", "created_by")
    inlines = [ApprovalInline.of(BondApproval), DocumentInline.of(BondDocument)]
    readonly_fields = (
        "state", "program", "consulate", "obligor", "amount", "reservation_key",
        "disbursed_amount", "disbursement_method", "disbursement_reference", "disbursed_on",
        "posted_on", "released_on", "cancelled_on", "breached_on", "refund_principal",
        "refund_interest", "refunded_on", "stayed_on", "ineligible_reason", "created_by",
        "created_at", "submitted_by", "submitted_at",
    )


@admin.register(BondDocument)
class BondDocumentAdmin(ReadOnlyAdmin):
    list_display = ("request", "kind", "original_name", "content_type", "size", "uploaded_by",
                    "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("original_name", "sha256")


@admin.register(BondApproval)
class BondApprovalAdmin(ReadOnlyAdmin):
    list_display = ("request", "round", "approver", "created_at")
    search_fields = ("approver__username",)
    list_filter = ("round", "created_at")
