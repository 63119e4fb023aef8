from django import template

from core.consent import messaging_words

register = template.Library()


@register.filter
def messaging_state(person):
    """{{ person|messaging_state }}: channel, consent and opt-out in one sentence."""
    return messaging_words(person)
