"""Gunicorn for Fianza: `gunicorn -c gunicorn.conf.py config.wsgi` (the Procfile's web line).

Every value can be changed from the environment (GUNICORN_*); the defaults suit a small
machine behind a TLS-terminating proxy. Request bodies are bounded by Django's
RequestBodyLimitMiddleware (FIANZA_MAX_REQUEST_BYTES), which answers 413 before reading;
gunicorn bounds the request line and headers, which it reads itself.
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:" \
    f"{os.environ.get('PORT', '8000')}"
# Threads let a worker wait on PostgreSQL or a slow client while another thread answers.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
# A request still running after this is killed (PDF batches and imports run in the queue).
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then: WeasyPrint and Pillow keep memory they once needed.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 8190)
limit_request_fields = _int("GUNICORN_LIMIT_REQUEST_FIELDS", 100)
limit_request_field_size = _int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)

# The proxy in front sets X-Forwarded-Proto; only trust it from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Django logs each request (with its id, no query string); gunicorn's own access log
# would repeat it with the query string, which can name people.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "fianza-web"
