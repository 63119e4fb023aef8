"""Settings for the test suite: the development defaults plus speed and isolation."""

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("FIANZA_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="fianza-private-"))

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the test process unless a test starts a real worker (tests/notifications).
CELERY_BROKER_URL = os.environ.get("FIANZA_TEST_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
TWILIO_ACCOUNT_SID = "AC" + "0" * 32
TWILIO_AUTH_TOKEN = "test-auth-token"
TWILIO_SMS_FROM = "+15005550006"
TWILIO_WHATSAPP_FROM = "+14155238886"
TWILIO_HTTP_CLIENT = os.environ.get("FIANZA_TEST_TWILIO_HTTP_CLIENT",
                                    "tests.notifications.fake_twilio.FakeTwilio")
STRIPE_SECRET_KEY = ""
STRIPE_WEBHOOK_SECRET = ""
# No collectstatic in tests: WhiteNoise serves from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
