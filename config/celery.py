"""The Celery application: `celery -A config worker` and `celery -A config beat`.

Tasks live in each app's `tasks.py` as `@shared_task` and are found by autodiscovery. Settings
are the CELERY_* names in config/settings.py; without a broker URL every task runs eagerly in
the calling process (the embedded default for a development checkout).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fianza")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
