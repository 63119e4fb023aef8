"""Starting and killing real Celery workers for the queue tests and the benchmark."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def database_url() -> str:
    s = connection.settings_dict
    return (f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}"
            f"@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}")


def wait_for(predicate, *, timeout=60.0, every=0.2, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if tick:
            tick()
        time.sleep(every)
    raise AssertionError("timed out waiting")


class Workers:
    def __init__(self, tmp_path, *, redis_url=None, sending_timeout=3, settings_module=None):
        self.dir = Path(tmp_path)
        self.redis_url = redis_url or os.environ.get("FIANZA_TEST_REDIS_URL",
                                                     "redis://127.0.0.1:6379/2")
        redis.Redis.from_url(self.redis_url).flushdb()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module or "config.settings_test",
            "FIANZA_TEST_BROKER_URL": self.redis_url,
            "DATABASE_URL": database_url(),
            "FIANZA_TEST_TWILIO_HTTP_CLIENT": "tests.notifications.fake_twilio.FileFakeTwilio",
            "FAKE_TWILIO_DIR": str(self.dir),
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "FIANZA_NOTIFICATIONS_SENDING_TIMEOUT": str(sending_timeout),
            "PYTHONPATH": str(ROOT),
        }
        self.procs = {}
        self._saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = self.redis_url
        celery_app.conf.broker_transport_options = {"visibility_timeout": 5}
        self._fresh_pools()

    @staticmethod
    def _fresh_pools():
        """Connections made before (eager tests, another broker URL) are not reused."""
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    def start(self, name, *, concurrency=1):
        log = open(self.dir / f"{name}.log", "w")
        proc = subprocess.Popen(
            [CELERY, "-A", "config", "worker", "-P", "prefork", "-c", str(concurrency),
             "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.procs[name] = proc
        wait_for(lambda: "ready." in (self.dir / f"{name}.log").read_text(), timeout=60)
        return proc

    def kill(self, name):
        """SIGKILL the worker and its pool children: nothing is acknowledged or cleaned up."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def close(self):
        for name in list(self.procs):
            proc = self.procs.pop(name)
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = self._saved
        self._fresh_pools()

    def hang(self, name, on=True):
        flag = self.dir / name
        flag.touch() if on else flag.unlink(missing_ok=True)

    def reached(self, name):
        return (self.dir / f"{name}.reached").exists()
