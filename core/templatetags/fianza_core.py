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
