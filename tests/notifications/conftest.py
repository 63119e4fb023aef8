import pytest

from notifications import channels
from tests.notifications.fake_twilio import FakeTwilio


@pytest.fixture
def fake_twilio(monkeypatch):
    """The Twilio SDK talking to the in-memory fake."""
    fake = FakeTwilio()
    monkeypatch.setattr(channels, "twilio_http_client", fake)
    return fake


@pytest.fixture
def deliver_on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit delivery (eager queue) as a real commit would."""
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


def pytest_collection_modifyitems(config, items):
    """Real-worker tests need Redis and PostgreSQL: they run only when selected (-m worker)."""
    if "worker" in (config.getoption("-m") or ""):
        return
    dropped = [item for item in items if item.get_closest_marker("worker")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("worker")]


@pytest.fixture
def workers(transactional_db, tmp_path, settings):
    """Real `celery -A config worker` processes on Redis and this test's PostgreSQL database,
    with Twilio faked in a file both sides read; the test process enqueues through Redis.
    The test process plays beat's sweep, so it judges a "sending" row stale as the workers do."""
    from tests.notifications.workers import Workers

    pool = Workers(tmp_path, sending_timeout=3)
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 3
    yield pool
    pool.close()
