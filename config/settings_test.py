"""Settings for the test suite: the development defaults plus speed and isolation."""

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("FIANZA_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="fianza-private-"))

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STRIPE_SECRET_KEY = ""
STRIPE_WEBHOOK_SECRET = ""
# No collectstatic in tests: WhiteNoise serves from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
