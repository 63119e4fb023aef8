"""Admin pieces every kind of case uses: money, state and signatures change only through the
services (ledger postings, audit, e-mail), so the admin shows them and never writes them."""

from django.contrib import admin

APPROVAL_FIELDS = ("round", "approver", "comment", "created_at")
DOCUMENT_FIELDS = ("kind", "original_name", "content_type", "size", "sha256", "uploaded_by",
                   "uploaded_at")


class NoAddAdmin(admin.ModelAdmin):
    """Rows created by a service only (programs, cases): the admin may correct, never add."""

    def has_add_permission(self, request):
        return False


class CaseAdmin(NoAddAdmin):
    """A case is withdrawn or voided through its services, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(CaseAdmin):
    """Records of decisions already posted to the ledger: allocations, caps, signatures."""

    def has_change_permission(self, request, obj=None):
        return False


class Inline(admin.TabularInline):
    extra = 0

    @classmethod
    def of(cls, model) -> type:
        """This inline for one app's model: `inlines = [ApprovalInline.of(BondApproval)]`."""
        return type(f"{model.__name__}Inline", (cls,),
                    {"model": model, "__module__": cls.__module__})


class QuestionInline(Inline):
    """A program's checklist, edited in place."""


class ReadOnlyInline(Inline):
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ApprovalInline(ReadOnlyInline):
    fields = readonly_fields = APPROVAL_FIELDS


class DocumentInline(ReadOnlyInline):
    fields = readonly_fields = DOCUMENT_FIELDS


class ProgramAdmin(NoAddAdmin):
    """Programs are opened on their pages, whose services post the budget to the ledger."""

    search_fields = ("name",)
    readonly_fields = ("currency", "total_budget", "created_by", "created_at")
