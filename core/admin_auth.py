from django.contrib import admin

from core.models_auth import PasswordResetRequest


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(admin.ModelAdmin):
    """Read only: the log the password-reset limits count."""

    list_display = ("created_at", "status", "handled_at")
    list_filter = ("status",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "email", "link_base", "address_hash", "client_hash",
                       "status", "handled_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
