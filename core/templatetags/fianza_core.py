from django import template

from core.selectors import object_history

register = template.Library()


@register.inclusion_tag("core/_object_history.html")
def audit_history(obj):
    """{% audit_history obj %}: the audit events about obj, for a page already allowed to
    show obj."""
    return {"events": object_history(obj)}


@register.filter
def audit_sentence(action):
    """{{ event.action|audit_sentence }}: the action in words, never its code."""
    from core.audit_words import audit_sentence as sentence

    return sentence(action)


@register.filter
def minor_money(amount, currency):
    """{{ row.amount|minor_money:row.currency }}: an amount kept in cents as people read it,
    "USD 7,500.00"; never the cents themselves."""
    from core.money import MINOR_PER_UNIT, from_minor

    if amount in (None, "") or str(currency).upper() not in MINOR_PER_UNIT:
        return "—"
    money = from_minor(int(amount), str(currency).upper())
    return f"{money.currency} {money.amount:,.2f}"
