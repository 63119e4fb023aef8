"""Read-only views of obligations: every change goes through the services and their audit."""

from django.contrib import admin
from django.db import transaction

from core.audit import audit_record
from obligations.models import Appearance, ObligationRisk, ReminderSettings


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appearance)
class AppearanceAdmin(ReadOnly):
    list_display = ("bond", "kind", "scheduled_for", "place", "state")
    list_filter = ("kind", "state")
    list_select_related = ("bond__beneficiary", "bond__consulate")


@admin.register(ObligationRisk)
class ObligationRiskAdmin(ReadOnly):
    list_display = ("bond", "opened_at", "resolved_at")
    list_select_related = ("bond__beneficiary",)


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """Program administrators set each program's reminder hours here (audited)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(actor=request.user, action="obligations.reminder_settings.save",
                         obj=obj, changes={f: str(form.cleaned_data.get(f))
                                           for f in form.changed_data})

    list_display = ("program", "days_before_week", "days_before_day", "reminder_time",
                    "morning_time")
