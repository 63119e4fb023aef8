"""Private documents: a local folder by default, an S3-compatible bucket when configured,
and in both cases read only through the storage API behind the permission-checked views."""

from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages
from storages.backends.s3 import S3Storage

from config.deploy import private_storage
from core.uploads import private_file_response


def test_the_local_folder_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("FIANZA_STORAGE", raising=False)

    config = private_storage(local_root=tmp_path)

    assert config == {"BACKEND": "django.core.files.storage.FileSystemStorage",
                      "OPTIONS": {"location": tmp_path, "base_url": None}}


def test_s3_is_chosen_by_the_environment_private_and_encrypted(monkeypatch, tmp_path):
    for name, value in {"FIANZA_STORAGE": "s3", "FIANZA_S3_BUCKET": "fianza-docs",
                        "FIANZA_S3_ENDPOINT_URL": "https://s3.example.org",
                        "FIANZA_S3_ACCESS_KEY_ID": "AK", "FIANZA_S3_SECRET_ACCESS_KEY": "SK",
                        "FIANZA_S3_REGION": "us-east-2"}.items():
        monkeypatch.setenv(name, value)

    config = private_storage(local_root=tmp_path)
    storage = S3Storage(**config["OPTIONS"])

    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (storage.bucket_name, storage.endpoint_url, storage.default_acl) == (
        "fianza-docs", "https://s3.example.org", "private")
    assert storage.location == "private"
    assert storage.object_parameters == {"ServerSideEncryption": "AES256"}
    assert storage.querystring_auth and not storage.file_overwrite


def test_documents_are_served_through_the_storage_api_whatever_the_backend(settings):
    """No filesystem path is assumed: an in-memory backend serves like S3 would."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.InMemoryStorage"}}
    storage = storages["default"]
    assert isinstance(storage, InMemoryStorage)
    name = storage.save("bonds/1/receipt.pdf", ContentFile(b"%PDF-1.7 receipt"))

    response = private_file_response(name, download_name="receipt.pdf",
                                     content_type="application/pdf")

    assert b"".join(response.streaming_content) == b"%PDF-1.7 receipt"
    assert response["Cache-Control"] == "private, no-store"
