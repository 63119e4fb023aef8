from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: messages change only through delivery and the audited retry."""

    list_display = ("id", "created_at", "channel", "address", "template", "status", "attempts",
                    "problem", "sent_at")
    list_filter = ("status", "channel", "problem")
    search_fields = ("address", "template", "provider_id", "dedupe_key")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
