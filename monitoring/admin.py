from django.contrib import admin

from monitoring.models import Alert, CheckRun


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CheckRun)
class CheckRunAdmin(ReadOnly):
    list_display = ("name", "day", "ok", "started_at", "finished_at", "notified_at")
    list_filter = ("name", "ok")


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("kind", "reference", "consulate", "partner", "due_on", "round",
                    "raised_at", "resolved_at")
    list_filter = ("kind", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("reference",)
