"""Backup and restore: the books and the documents come back whole, and prove it."""

import io
import tarfile

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.audit import audit_record
from ledger.models import Transfer
from tests.core.factories import ConsulateFactory
from tests.ledger.factories import funded_program

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def target():
    """A database name for the restore, dropped afterwards; its URL."""
    s = connection.settings_dict
    name = f"{s['NAME']}_restored"
    params = dict(host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"] or None,
                  password=s["PASSWORD"] or None)

    def drop():
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s["PASSWORD"] else f"{s['USER']}@"
    yield f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}", params, name
    drop()


@pytest.fixture
def fund(tmp_path):
    consulate = ConsulateFactory(code="CHI")
    funded_program(amount=500_000, consulates={consulate.pk: 200_000})
    with transaction.atomic():
        audit_record(actor=None, action="backup.test", obj=consulate, changes={"n": 1})
    document = default_storage.save("bonds/1/voucher.pdf", ContentFile(b"%PDF-1.7 voucher"))
    archive = tmp_path / "fianza.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    yield archive, document
    default_storage.delete(document)


def test_a_backup_restores_into_a_new_database_and_both_chains_verify(fund, target, tmp_path):
    archive, document = fund
    url, params, name = target
    out = io.StringIO()

    call_command("restore", str(archive), database_url=url, media_root=tmp_path / "restored",
                 stdout=out)

    assert "ledger_verify and audit_verify pass on the restored database." in out.getvalue()
    assert (tmp_path / "restored" / document).read_bytes() == b"%PDF-1.7 voucher"
    with psycopg.connect(dbname=name, **params) as conn:
        restored = conn.execute("SELECT count(*) FROM ledger_transfer").fetchone()[0]
    assert restored == Transfer.objects.count() > 0


def test_a_damaged_archive_is_refused_before_anything_is_restored(fund, target, tmp_path):
    archive, document = fund
    url, params, name = target
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith("voucher.pdf"):
                data = data.replace(b"voucher", b"VOUCHER")
            dst.addfile(member, io.BytesIO(data))

    with pytest.raises(CommandError, match="voucher.pdf is damaged"):
        call_command("restore", str(damaged), database_url=url,
                     media_root=tmp_path / "restored")

    with psycopg.connect(dbname="postgres", **params) as conn:
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            [name]).fetchone() is None
    assert not (tmp_path / "restored").exists()


def test_a_restore_never_writes_over_a_database_in_use(fund, target, tmp_path):
    archive, _ = fund
    in_use = f"{target[0].rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}"

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive), database_url=in_use,
                     media_root=tmp_path / "restored")
