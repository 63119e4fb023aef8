"""The queue leaves one machine: two enqueuing processes (standing in for two web processes)
and two Celery workers against one PostgreSQL and one Redis. Every message must be delivered
exactly once, also when a worker is killed (SIGKILL) in the middle of the run.

Prints the sustained messages/second of ONE worker (one pool process, SMS through a fake
Twilio that keeps its messages in a file, so the figure is our overhead: claim, provider call,
record), then the two-worker run and its exactly-once check.

    .venv/bin/python benchmarks/queue_bench.py [--messages 2000] [--redis redis://127.0.0.1:6379/2]

It uses its own database (fianza_bench_queue on the local PostgreSQL, recreated) and the Redis
database given (flushed).
"""

import os
import sys

# Run as a script, this file's folder comes first on the path, where a script named like a
# standard module would hide it: put the project root there instead.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [os.path.dirname(_HERE)] + [p for p in sys.path
                                          if os.path.abspath(p or ".") != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(_HERE).parent
PG = "postgres://postgres@127.0.0.1:5432/"
DB = "fianza_bench_queue"


def _env(redis_url, fake_dir):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": PG + DB, "FIANZA_TEST_BROKER_URL": redis_url,
            "FIANZA_TEST_TWILIO_HTTP_CLIENT": "tests.notifications.fake_twilio.FileFakeTwilio",
            "FAKE_TWILIO_DIR": fake_dir, "CELERY_VISIBILITY_TIMEOUT": "10",
            "FIANZA_NOTIFICATIONS_SENDING_TIMEOUT": "5", "PYTHONPATH": str(ROOT)}


def enqueue(first, count, batch=50):
    """Child mode: write `count` outbox rows in transactions of `batch`, as web requests do."""
    import django
    django.setup()
    from django.db import transaction

    from notifications.services import message_enqueue
    for start in range(first, first + count, batch):
        with transaction.atomic():
            for i in range(start, min(start + batch, first + count)):
                message_enqueue(channel="sms", address=f"+1312{i:07d}", template="case_update",
                                context={"reference": f"CHI-2026-{i:06d}", "status": "approved",
                                         "phone": "+1 312 555 0000", "name": "", "consulate": ""},
                                language="es", dedupe_key=f"bench:{i}")


class Run:
    def __init__(self, redis_url):
        self.redis_url = redis_url
        self.dir = tempfile.mkdtemp(prefix="fianza-queue-")
        self.env = _env(redis_url, self.dir)
        self.workers = {}

    def reset(self):
        import redis
        redis.Redis.from_url(self.redis_url).flushdb()
        for name in ("dropdb", "createdb"):
            subprocess.run([name, "-h", "127.0.0.1", "-U", "postgres", *(
                ["--if-exists"] if name == "dropdb" else []), DB], check=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT,
                       env=self.env, check=True)
        Path(self.dir, "messages.jsonl").unlink(missing_ok=True)

    def start_worker(self, name):
        log = open(Path(self.dir, f"{name}.log"), "w")
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "-P",
             "prefork", "-c", "1", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
             "--loglevel=WARNING"], cwd=ROOT, env=self.env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        self.workers[name] = proc
        return proc

    def stop(self, name, sig=15):
        proc = self.workers.pop(name)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def enqueuers(self, ranges):
        return [subprocess.Popen([sys.executable, __file__, "--enqueue", str(a), str(n)],
                                 cwd=ROOT, env=self.env) for a, n in ranges]

    def counts(self):
        import psycopg
        with psycopg.connect(PG + DB, autocommit=True) as conn:
            rows = dict(conn.execute("select status, count(*) from notifications_notification "
                                     "group by status").fetchall())
            first, last = conn.execute("select min(sent_at), max(sent_at) from "
                                       "notifications_notification").fetchone()
        return rows, first, last

    def sweep(self):
        subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                        "from notifications.delivery import sweep; sweep()"],
                       cwd=ROOT, env=self.env, check=True)

    def provider_log(self):
        path = Path(self.dir, "messages.jsonl")
        return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []

    def wait_all_sent(self, total, timeout, sweep_every=None):
        deadline, last_sweep = time.monotonic() + timeout, time.monotonic()
        while time.monotonic() < deadline:
            rows, first, last = self.counts()
            if rows.get("sent", 0) == total:
                return first, last
            if sweep_every and time.monotonic() - last_sweep > sweep_every:
                self.sweep()
                last_sweep = time.monotonic()
            time.sleep(0.5)
        raise SystemExit(f"not all sent: {self.counts()[0]}")


def one_worker(run, n):
    run.reset()
    for p in run.enqueuers([(0, n)]):
        p.wait()
    run.start_worker("solo")
    first, last = run.wait_all_sent(n, timeout=600)
    run.stop("solo")
    seconds = (last - first).total_seconds()
    print(f"one worker: {n} messages in {seconds:.1f} s = {(n - 1) / seconds:.0f} messages/s "
          f"(first to last sent_at; load {os.getloadavg()[0]:.2f})")


def two_workers_with_a_kill(run, n):
    run.reset()
    run.start_worker("w1")
    run.start_worker("w2")
    half = n // 2
    producers = run.enqueuers([(0, half), (half, n - half)])
    while run.counts()[0].get("sent", 0) < n // 5:
        time.sleep(0.2)
    run.stop("w2", sig=9)  # SIGKILL mid-run: its task is unacknowledged, its row "sending"
    print(f"killed w2 with these rows: {run.counts()[0]}")
    run.start_worker("w3")
    for p in producers:
        p.wait()
    run.wait_all_sent(n, timeout=900, sweep_every=10)
    for name in list(run.workers):
        run.stop(name)
    sent = run.provider_log()
    addresses = [m["to"] for m in sent]
    duplicates = len(addresses) - len(set(addresses))
    print(f"two enqueuers, two workers, one killed: {n} rows sent, {len(sent)} provider "
          f"messages, {duplicates} duplicates, {n - len(set(addresses))} missing")
    if duplicates or len(set(addresses)) != n:
        raise SystemExit("exactly-once violated")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--enqueue", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.enqueue:
        return enqueue(*args.enqueue)
    run = Run(args.redis)
    one_worker(run, args.messages)
    two_workers_with_a_kill(run, args.messages)


if __name__ == "__main__":
    main()
