"""Read-only views of PALE rows: every change goes through the services and their audit."""

from django.contrib import admin

from pale.models import Contract, Invoice, Milestone, Referral, Session


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnly):
    list_display = ("advisor", "consulate", "program", "starts_on", "ends_on", "budget")
    list_select_related = ("advisor", "consulate", "program")


@admin.register(Referral)
class ReferralAdmin(ReadOnly):
    list_display = ("number", "advisor", "consulate", "matter", "urgency", "state",
                    "respond_by", "responded_at")
    list_filter = ("state", "matter", "urgency")
    list_select_related = ("advisor", "consulate")


@admin.register(Session)
class SessionAdmin(ReadOnly):
    list_display = ("referral", "held_on", "mode", "minutes")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnly):
    list_display = ("referral", "kind", "occurred_on", "result", "bond_request")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ("number", "contract", "month", "amount", "state")
    list_filter = ("state",)
