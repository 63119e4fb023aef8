from django import template

from grants.services import money_display

register = template.Library()


@register.filter
def money(value):
    """Money -> "USD 1,500.00" (the ledger's own way of writing amounts)."""
    return money_display(value) if value is not None else ""
