"""E-mail to the next actor, sent only once the change has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def notify(*, users, subject, template_name, context):
    """Queue one e-mail per user, in that user's language, after the transaction commits."""
    recipients = [(u.email, u.language) for u in users if u.email]

    def send():
        for email, language in recipients:
            with translation.override(language):
                body = render_to_string(template_name, context)
                send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, [email],
                          fail_silently=True)

    transaction.on_commit(send)
