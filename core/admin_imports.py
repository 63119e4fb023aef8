"""Admin of import jobs and document batches (read-only: they change only through
core.imports and the batch tasks)."""

from django.contrib import admin

from core.models_imports import DocumentBatch, DocumentBatchFile, ImportJob


class ReadOnlyJobAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyJobAdmin):
    list_display = ("id", "kind", "original_name", "status", "processed_rows", "error_count",
                    "saved_count", "created_by", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "sha256", "created_by__username")
    readonly_fields = [f.name for f in ImportJob._meta.fields]


@admin.register(DocumentBatch)
class DocumentBatchAdmin(ReadOnlyJobAdmin):
    list_display = ("id", "kind", "period", "status", "done_count", "total", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("period",)


@admin.register(DocumentBatchFile)
class DocumentBatchFileAdmin(ReadOnlyJobAdmin):
    list_display = ("id", "batch", "holder", "document", "size")
    search_fields = ("holder", "document__number")
    list_select_related = ("batch", "document")
