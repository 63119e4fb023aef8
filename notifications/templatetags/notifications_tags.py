from django import template

from notifications.selectors import failed_count_for

register = template.Library()


@register.simple_tag
def messages_needing_attention(user) -> int:
    """How many failed or skipped messages this user answers for (home page)."""
    return failed_count_for(user) if user.is_authenticated else 0
