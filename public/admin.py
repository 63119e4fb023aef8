from django.contrib import admin

from public.models import LookupAttempt


@admin.register(LookupAttempt)
class LookupAttemptAdmin(admin.ModelAdmin):
    """The log is written only by the lookup; here it is read, never edited."""

    list_display = ("created_at", "reference", "outcome", "client_hash")
    list_filter = ("outcome", "created_at")
    search_fields = ("reference", "client_hash")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "client_hash", "reference", "outcome", "date_of_birth_hmac")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
