from django.contrib import admin

from casework.admin import (
    ApprovalInline,
    CaseAdmin,
    DocumentInline,
    ProgramAdmin,
    QuestionInline,
    ReadOnlyAdmin,
)
from grants.models import (
    EligibilityQuestion,
    GrantAllocation,
    GrantApplication,
    GrantApproval,
    GrantDocument,
    GrantPartnerCap,
    GrantProgram,
)


@admin.register(GrantProgram)
class GrantProgramAdmin(ProgramAdmin):
    list_display = ("name", "kind", "currency", "total_budget", "per_grant_max", "is_active")
    list_filter = ("kind", "currency", "is_active")
    readonly_fields = (*ProgramAdmin.readonly_fields, "per_grant_max")
    inlines = [QuestionInline.of(EligibilityQuestion)]


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


@admin.register(GrantApplication)
class GrantApplicationAdmin(CaseAdmin):
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
    inlines = [ApprovalInline.of(GrantApproval), DocumentInline.of(GrantDocument)]


@admin.register(GrantApproval)
class GrantApprovalAdmin(ReadOnlyAdmin):
    list_display = ("application", "round", "approver", "created_at")
    search_fields = ("approver__username",)
    list_filter = ("round",)


@admin.register(GrantDocument)
class GrantDocumentAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "original_name", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "sha256")
