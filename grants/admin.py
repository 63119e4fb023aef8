from django.contrib import admin

from grants.models import (
    EligibilityQuestion,
    GrantAllocation,
    GrantApplication,
    GrantApproval,
    GrantDocument,
    GrantPartnerCap,
    GrantProgram,
)


class EligibilityQuestionInline(admin.TabularInline):
    model = EligibilityQuestion
    extra = 0


@admin.register(GrantProgram)
class GrantProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "currency", "total_budget", "per_grant_max", "is_active")
    list_filter = ("kind", "currency", "is_active")
    search_fields = ("name",)
    # The budget is in the ledger: it changes through the program pages' services only.
    readonly_fields = ("currency", "total_budget", "per_grant_max", "created_by", "created_at")
    inlines = [EligibilityQuestionInline]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GrantAllocation)
class GrantAllocationAdmin(ReadOnlyAdmin):
    list_display = ("program", "consulate", "from_consulate", "amount", "created_at")
    list_filter = ("program", "consulate")
    search_fields = ("program__name", "consulate__name", "memo")


@admin.register(GrantPartnerCap)
class GrantPartnerCapAdmin(ReadOnlyAdmin):
    list_display = ("program", "partner", "amount", "created_at")
    list_filter = ("program",)
    search_fields = ("program__name", "partner__name")


class GrantDocumentInline(admin.TabularInline):
    model = GrantDocument
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "original_name", "content_type", "size", "uploaded_by",
                       "uploaded_at")

    def has_add_permission(self, request, obj=None):
        return False


class GrantApprovalInline(admin.TabularInline):
    model = GrantApproval
    extra = 0
    can_delete = False
    readonly_fields = ("round", "approver", "comment", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GrantApplication)
class GrantApplicationAdmin(admin.ModelAdmin):
    list_display = ("number", "beneficiary", "program", "consulate", "amount", "state",
                    "created_at")
    list_filter = ("state", "program", "consulate", "payee_kind")
    search_fields = ("beneficiary__family_names", "beneficiary__given_names",
                     "beneficiary__reference", "payee_name", "disbursement_reference")
    list_select_related = ("beneficiary", "program", "consulate")
    readonly_fields = ("program", "beneficiary", "consulate", "amount", "state",
                       "payee_kind", "payee_partner", "disbursed_amount",
                       "disbursement_method", "disbursement_reference", "disbursed_on",
                       "received_on", "reservation_key", "created_by", "created_at",
                       "submitted_by", "submitted_at", "approved_at", "closed_at",
                       "eligibility_answers")
    inlines = [GrantApprovalInline, GrantDocumentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GrantApproval)
class GrantApprovalAdmin(ReadOnlyAdmin):
    list_display = ("application", "round", "approver", "created_at")
    search_fields = ("approver__username",)
    list_filter = ("round",)


@admin.register(GrantDocument)
class GrantDocumentAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "original_name", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name",)
