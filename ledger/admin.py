"""Read-only: the books change only through ledger.services."""

from django.contrib import admin

from ledger.models import Account, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("key", "name", "book", "currency", "debits_pending", "debits_posted",
                    "credits_pending", "credits_posted")
    list_filter = ("book", "currency", "code")
    search_fields = ("key", "name", "program_ref")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "code", "amount", "currency", "debit_account", "credit_account",
                    "pending", "post_pending", "void_pending", "created_at")
    list_filter = ("code", "currency", "pending", "post_pending", "void_pending")
    search_fields = ("id", "reference", "linked")
    list_select_related = ("debit_account", "credit_account")
    date_hierarchy = "created_at"
