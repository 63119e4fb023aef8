"""Admin of import jobs (read-only: jobs change only through core.imports)."""

from django.contrib import admin

from core.models_imports import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "original_name", "status", "processed_rows", "error_count",
                    "saved_count", "created_by", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "created_by__username")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
