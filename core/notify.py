"""E-mail to the next actor, through the outbox: one row per user, written in the caller's
transaction (all in one INSERT) and delivered by the queue once it commits (in-process without
a broker).

Core imports no domain app, so the outbox is found through the app registry.
"""

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string


def notify(*, users, subject, template_name, context, about=None):
    """Write one e-mail per user, in that user's language; nothing leaves before commit."""
    if not apps.is_installed("notifications"):
        return []
    messages = []
    for user in users:
        with translation.override(user.language):
            messages.append((user, str(subject), render_to_string(template_name, context)))
    if not messages:
        return []
    write_rendered_many = import_string("notifications.services.write_rendered_many")
    return write_rendered_many(messages=messages, template=template_name, context=context,
                               about=about)
