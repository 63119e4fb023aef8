"""Configuration is checked at start: each wrong value gets its own clear message."""

import pytest
from django.core import checks
from django.test import override_settings

from config import env


def _ids(*, deploy=False):
    return {m.id: m for m in checks.run_checks(tags=["fianza"], include_deployment_checks=deploy)}


@pytest.fixture
def clean_problems(monkeypatch):
    monkeypatch.setattr(env, "PROBLEMS", [])
    return env.PROBLEMS


def test_the_test_configuration_is_clean(clean_problems):
    assert not {i for i in _ids() if i.startswith("fianza.E")}


def test_a_word_where_a_number_belongs_is_named_with_its_variable(clean_problems, monkeypatch):
    monkeypatch.setenv("FIANZA_MAX_REQUEST_BYTES", "32MB")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "-5")

    assert env.env_int("FIANZA_MAX_REQUEST_BYTES", 7) == 7
    assert env.env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0) == 0
    messages = [m.msg for m in checks.run_checks(tags=["fianza"]) if m.id == "fianza.E001"]
    assert messages == ["FIANZA_MAX_REQUEST_BYTES must be a whole number, not '32MB'.",
                        "DATABASE_CONN_MAX_AGE must be at least 0, not -5."]


def test_an_unknown_storage_kind_is_reported(clean_problems, monkeypatch):
    monkeypatch.setenv("FIANZA_STORAGE", "ftp")
    from config.deploy import private_storage

    assert private_storage(local_root="/tmp/x")["BACKEND"].endswith("FileSystemStorage")
    assert "FIANZA_STORAGE must be one of local, s3, not 'ftp'." in [
        m.msg for m in checks.run_checks(tags=["fianza"])]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_production_on_sqlite_is_an_error(clean_problems, monkeypatch, settings):
    settings.DATABASES = {**settings.DATABASES, "default": {
        **settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3"}}
    assert "fianza.E002" not in _ids()  # development may use SQLite

    monkeypatch.setenv("DJANGO_DEBUG", "0")
    assert "DATABASE_URL" in _ids()["fianza.E002"].hint


@override_settings(STORAGES={"default": {"BACKEND": "storages.backends.s3.S3Storage",
                                         "OPTIONS": {"bucket_name": ""}},
                             "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage."
                                                        "StaticFilesStorage"}})
def test_s3_without_a_bucket_is_an_error(clean_problems):
    assert "FIANZA_S3_BUCKET" in _ids()["fianza.E003"].hint


def test_private_documents_inside_a_served_folder_are_an_error(clean_problems, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(settings.STATICFILES_DIRS[0] / "docs")}}}

    assert "inside a served static folder" in _ids()["fianza.E004"].msg


def test_an_unwritable_private_folder_is_an_error(clean_problems, settings, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(locked / "private")}}}
    import os

    if os.access(locked, os.W_OK):  # root writes anywhere: the check cannot fail here
        assert "fianza.E005" not in _ids()
    else:
        assert "cannot be written" in _ids()["fianza.E005"].msg


def test_a_redis_url_of_the_wrong_kind_is_an_error(clean_problems, settings):
    settings.FIANZA_REDIS_URL = "http://127.0.0.1:6379/0"

    assert _ids()["fianza.E006"].msg.startswith("FIANZA_REDIS_URL must be a redis://")


def test_a_malformed_sentry_dsn_is_an_error(clean_problems, monkeypatch):
    monkeypatch.setenv("SENTRY_DSN", "sentry.example.org/12")

    assert "fianza.E007" in _ids()


def test_production_without_redis_warns_on_deploy_check(clean_problems, settings):
    settings.FIANZA_REDIS_URL = ""
    settings.DEFAULT_FROM_EMAIL = "fianza@localhost"

    assert "fianza.W001" not in _ids()
    found = _ids(deploy=True)
    assert "sign-in limits" in found["fianza.W001"].msg
    assert "DJANGO_DEFAULT_FROM_EMAIL" in found["fianza.W002"].hint
    settings.FIANZA_REDIS_URL = "redis://127.0.0.1:6379/4"
    settings.DEFAULT_FROM_EMAIL = "fianza@sre.gob.mx"
    assert not {"fianza.W001", "fianza.W002"} & set(_ids(deploy=True))
