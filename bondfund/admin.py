from django.contrib import admin
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


class EligibilityQuestionInline(admin.TabularInline):
    model = EligibilityQuestion
    extra = 1


@admin.register(BondProgram)
class BondProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "currency", "total_budget", "per_case_maximum", "starts_on",
                    "ends_on")
    search_fields = ("name",)
    list_filter = ("currency", "starts_on")
    # Budget figures move only through the services, which post to the ledger.
    readonly_fields = ("currency", "total_budget", "created_by", "created_at")
    inlines = [EligibilityQuestionInline]

    def has_add_permission(self, request):
        return False


@admin.register(BudgetAllocation)
class BudgetAllocationAdmin(admin.ModelAdmin):
    list_display = ("program", "kind", "consulate", "from_consulate", "partner", "amount",
                    "created_by", "created_at")
    list_filter = ("kind", "program")
    search_fields = ("program__name", "consulate__name", "partner__name", "memo")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TreasuryRate)
class TreasuryRateAdmin(admin.ModelAdmin):
    list_display = ("effective_on", "rate_percent")
    date_hierarchy = "effective_on"
    search_fields = ("effective_on",)


@admin.register(DetentionCase)
class DetentionCaseAdmin(admin.ModelAdmin):
    list_display = ("beneficiary", "consulate", "facility", "detained_on")
    list_filter = ("consulate",)
    search_fields = ("beneficiary__family_names", "beneficiary__a_number", "facility")
    raw_id_fields = ("beneficiary", "created_by")


class BondApprovalInline(admin.TabularInline):
    model = BondApproval
    extra = 0
    can_delete = False
    readonly_fields = ("approver", "comment", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


class BondDocumentInline(admin.TabularInline):
    model = BondDocument
    extra = 0
    can_delete = False
    fields = ("kind", "original_name", "content_type", "size", "sha256", "uploaded_by",
              "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BondRequest)
class BondRequestAdmin(ExportMixin, admin.ModelAdmin):
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
    inlines = [BondApprovalInline, BondDocumentInline]
    # State and money change only through the services (ledger postings, audit, e-mail).
    readonly_fields = (
        "state", "program", "consulate", "obligor", "amount", "reservation_key",
        "disbursed_amount", "disbursement_method", "disbursement_reference", "disbursed_on",
        "posted_on", "released_on", "cancelled_on", "breached_on", "refund_principal",
        "refund_interest", "refunded_on", "stayed_on", "ineligible_reason", "created_by",
        "created_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BondDocument)
class BondDocumentAdmin(admin.ModelAdmin):
    list_display = ("request", "kind", "original_name", "content_type", "size", "uploaded_by",
                    "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("original_name", "sha256")
    readonly_fields = ("request", "kind", "storage_name", "original_name", "content_type",
                       "size", "sha256", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request):
        return False


@admin.register(BondApproval)
class BondApprovalAdmin(admin.ModelAdmin):
    list_display = ("request", "approver", "created_at")
    search_fields = ("approver__username",)
    list_filter = ("created_at",)
    readonly_fields = ("request", "approver", "comment", "created_at")

    def has_add_permission(self, request):
        return False
