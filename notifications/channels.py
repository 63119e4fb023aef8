"""The providers: e-mail over SMTP (Django's mail with the EMAIL_* settings and a timeout), SMS
and WhatsApp through the Twilio SDK.

`send(row)` returns the provider's id for the message; `lookup(row)` asks the provider
whether a message that may have left already did (a worker died between the provider's answer
and our commit), returning its id or None.

Twilio keeps no idempotency key for messages, so `lookup` lists the messages to that number
since the attempt began and matches the body; our row id travels in the StatusCallback URL.
SMTP has no lookup: a message whose worker died mid-send is sent again with the same
Message-ID header, which receiving servers and mail programs use to drop the duplicate. That
one case is at-least-once; every other path is exactly once.
"""

import smtplib
from datetime import timedelta

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from core.models import MessageChannel

# Tests put a fake twilio.http.HttpClient here; otherwise TWILIO_HTTP_CLIENT or the SDK's own.
twilio_http_client = None
# Twilio's answer codes that mean "never send this again" (STOP, invalid or unreachable number).
TWILIO_PERMANENT = {21211, 21408, 21610, 21612, 21614, 63003, 63016}


class Refused(Exception):
    """The provider will not take this message: retrying changes nothing."""


class Unreachable(Exception):
    """The provider could not be reached or answered with a temporary error."""


class NotConfigured(Refused):
    pass


def send(row) -> str:
    if row.channel == MessageChannel.EMAIL:
        return _email_send(row)
    message = _twilio_client().messages.create(**_twilio_args(row))
    return message.sid


def lookup(row) -> str | None:
    if row.channel == MessageChannel.EMAIL:
        return None
    args = _twilio_args(row)
    since = row.created_at - timedelta(minutes=5)  # clocks differ a little
    try:
        for message in _twilio_client().messages.list(to=args["to"], from_=args["from_"],
                                                      limit=100):
            created = message.date_created
            if message.body == row.body and (created is None or created >= since) \
                    and not _claimed_by_another(row, message.sid):
                return message.sid
    except (TwilioException, requests.RequestException, OSError) as exc:
        raise Unreachable(str(exc)) from exc
    return None


def _claimed_by_another(row, sid) -> bool:
    """The same text to the same number may be another row's message, already recorded."""
    return type(row).objects.filter(provider_id=sid).exclude(pk=row.pk).exists()


def message_id(row) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "fianza.local"
    return f"<notification-{row.pk}@{domain}>"


def _email_send(row) -> str:
    mid = message_id(row)
    email = EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.address],
                         headers={"Message-ID": mid}, connection=get_connection())
    try:
        email.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise Refused(str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise Refused(str(exc)) from exc
        raise Unreachable(str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise Unreachable(str(exc)) from exc
    return mid


def _twilio_args(row) -> dict:
    if row.channel == MessageChannel.WHATSAPP:
        sender = settings.TWILIO_WHATSAPP_FROM
        args = {"to": f"whatsapp:{row.address}", "from_": f"whatsapp:{sender}"}
    else:
        sender = settings.TWILIO_SMS_FROM
        args = {"to": row.address, "from_": sender}
    if not (sender and settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
        raise NotConfigured(f"Twilio is not configured for {row.channel}")
    args["body"] = row.body
    if settings.TWILIO_STATUS_CALLBACK_BASE:
        base = settings.TWILIO_STATUS_CALLBACK_BASE.rstrip("/")
        args["status_callback"] = f"{base}/notifications/twilio/status/{row.pk}/"
    return args


def _twilio_client():
    return _TwilioCalls(Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN,
                               http_client=_http_client()))


def _http_client():
    if twilio_http_client is not None:
        return twilio_http_client
    if settings.TWILIO_HTTP_CLIENT:
        return import_string(settings.TWILIO_HTTP_CLIENT)()
    return TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT)


class _TwilioCalls:
    """Maps Twilio's answers to Refused (4xx, listed codes) and Unreachable (429, 5xx)."""

    def __init__(self, client):
        self.client = client

    @property
    def messages(self):
        return self

    def create(self, **kwargs):
        try:
            return self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            if exc.code in TWILIO_PERMANENT or (400 <= exc.status < 500 and exc.status != 429):
                raise Refused(f"Twilio {exc.status} {exc.code}: {exc.msg}") from exc
            raise Unreachable(f"Twilio {exc.status} {exc.code}: {exc.msg}") from exc
        except (TwilioException, requests.RequestException, OSError) as exc:
            raise Unreachable(str(exc)) from exc

    def list(self, **kwargs):
        return self.client.messages.list(**kwargs)
