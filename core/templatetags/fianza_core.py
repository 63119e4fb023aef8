from django import template

from core.selectors import object_history

register = template.Library()


@register.inclusion_tag("core/_object_history.html")
def audit_history(obj):
    """{% audit_history obj %}: the audit events about obj, for a page already allowed to
    show obj."""
    return {"events": object_history(obj)}
