from django.contrib import admin

from payments.models import Disbursement, PartnerStripeAccount, StripeEvent, StripeReconciliationRun


@admin.register(Disbursement)
class DisbursementAdmin(admin.ModelAdmin):
    list_display = ("created_at", "object_type", "object_id", "payee_partner", "payee_name",
                    "consulate", "method", "amount", "currency", "status")
    list_filter = ("status", "method", "currency", "consulate")
    search_fields = ("id", "object_id", "payee_name", "payee_partner__name",
                     "stripe_transfer_id", "manual_reference", "reservation_key")
    date_hierarchy = "created_at"
    # Money moves only through payments.services: the admin reads, it never pays.
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerStripeAccount)
class PartnerStripeAccountAdmin(admin.ModelAdmin):
    list_display = ("partner", "account_id", "payouts_enabled", "details_submitted", "as_of",
                    "payout_failed_at")
    list_filter = ("payouts_enabled", "details_submitted")
    search_fields = ("partner__name", "account_id")
    readonly_fields = ("partner", "account_id", "payouts_enabled", "details_submitted", "as_of",
                       "payout_failure", "payout_failed_at")


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "created", "account", "outcome", "processed_at")
    list_filter = ("type", "livemode")
    search_fields = ("event_id", "account", "disbursement__id")
    date_hierarchy = "created"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StripeReconciliationRun)
class StripeReconciliationRunAdmin(admin.ModelAdmin):
    list_display = ("date_from", "date_to", "ran_at", "ran_by", "stripe_transfers", "matched")
    date_hierarchy = "ran_at"
    search_fields = ("ran_by__username",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
