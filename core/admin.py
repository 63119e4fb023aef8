from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

import core.admin_auth  # noqa: F401 - registers PasswordResetRequest
import core.admin_imports  # noqa: F401 - registers ImportJob
from core.models import (
    AuditChainHead,
    AuditEvent,
    Beneficiary,
    Consulate,
    FamilyContact,
    Membership,
    PartnerOrganization,
    ReferenceSequence,
    User,
)
from core.models_documents import DocumentSequence, IssuedDocument
from core.resources import BeneficiaryResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["consulate", "partner"]


@admin.register(User)
class FianzaUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "language", "is_active",
                    "is_staff"]
    list_filter = ["is_active", "is_staff", "language", "memberships__role"]
    fieldsets = UserAdmin.fieldsets + ((_("Preferences"), {"fields": ["language"]}),)
    inlines = [MembershipInline]


@admin.register(Consulate)
class ConsulateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "state", "phone"]
    list_filter = ["state"]
    search_fields = ["code", "name", "city"]


@admin.register(PartnerOrganization)
class PartnerOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "ein", "city", "state", "is_501c3", "obligor_eligible"]
    list_filter = ["is_501c3", "obligor_eligible", "state", "consulates"]
    search_fields = ["name", "ein", "city"]
    filter_horizontal = ["consulates"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "consulate", "partner"]
    list_filter = ["role", "consulate", "partner"]
    search_fields = ["user__username", "user__email", "consulate__code", "partner__name"]
    autocomplete_fields = ["user", "consulate", "partner"]


class FamilyContactInline(admin.TabularInline):
    model = FamilyContact
    extra = 0


@admin.register(Beneficiary)
class BeneficiaryAdmin(ExportMixin, admin.ModelAdmin):
    """Beneficiaries are created, corrected and merged through the application (duplicate
    checks, case references, consent, audit); the admin only reads them. Its export
    (permission core.export_beneficiary) leaves every cell neutralised. It has no import:
    files come in only through the application's checked import (/imports/beneficiaries/),
    which bounds their size, checks their content and deletes them when the job ends."""

    resource_classes = [BeneficiaryResource]

    list_display = ["reference", "family_names", "given_names", "date_of_birth", "consulate",
                    "merged_into"]
    list_filter = ["consulate", "preferred_language", "consents_to_family_lookup",
                   ("merged_into", admin.EmptyFieldListFilter)]
    search_fields = ["reference", "given_names", "family_names", "a_number", "curp"]
    readonly_fields = ["reference", "a_number", "curp", "consulate", "merged_into",
                       "created_at", "created_by"]
    inlines = [FamilyContactInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FamilyContact)
class FamilyContactAdmin(admin.ModelAdmin):
    list_display = ["name", "relationship", "beneficiary"]
    search_fields = ["name", "beneficiary__reference", "beneficiary__family_names"]
    list_select_related = ["beneficiary"]
    raw_id_fields = ["beneficiary"]


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(admin.ModelAdmin):
    list_display = ["consulate", "year", "last"]
    list_filter = ["year", "consulate"]
    search_fields = ["consulate__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "actor", "action", "object_type", "object_id",
                    "consulate", "partner"]
    list_filter = ["action", "object_type", "consulate", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "object_type", "object_id", "actor__username", "comment"]
    list_select_related = ["actor", "consulate", "partner"]
    date_hierarchy = "created_at"


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["id", "last_hash"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "object_type", "object_id", "language", "issued_at"]
    list_filter = ["kind", "language"]
    search_fields = ["number", "object_type", "object_id"]


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdmin):
    list_display = ["year", "last"]


import core.admin_people  # noqa: E402,F401 - registers merges, duplicates, whereabouts
