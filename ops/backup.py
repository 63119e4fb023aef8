"""Backup and restore: the PostgreSQL database and the private documents in one archive.

An archive is a tar file holding `database.dump` (pg_dump's custom format), every private
document under `private/`, and `manifest.json` with the SHA-256 and size of each member and,
read in the very snapshot that was dumped, the number of ledger transfers and audit events
and the audit chain's last hash. Documents are copied after the dump: they are never changed
once stored, so every document the dumped database names is in the archive.

A restore checks every checksum before touching anything, loads the dump into a database
that must be new or empty, copies the documents, and proves the copy: the same counts and
chain head as the manifest, then `ledger_verify` and `audit_verify` on the restored database.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from core.models import AuditChainHead, AuditEvent
from ledger.models import Transfer

FORMAT = 1
MANIFEST, DUMP, FILES = "manifest.json", "database.dump", "private/"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _require_postgresql(settings_dict):
    if "postgresql" not in settings_dict["ENGINE"]:
        raise BackupError("Backup and restore need PostgreSQL (DATABASE_URL=postgres://...).")


def _pg_env(settings_dict):
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    return env


def _run(args, *, env):
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def _storage_names(storage, folder=""):
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _storage_names(storage, f"{folder}/{sub}" if folder else sub)


def _add(tar, name, fileobj, size):
    """Add a member from a stream, returning its SHA-256."""
    digest = hashlib.sha256()

    class Hashing(io.RawIOBase):
        def read(self, n=-1):
            data = fileobj.read(n)
            digest.update(data)
            return data

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(timezone.now().timestamp()), 0o600
    tar.addfile(info, Hashing())
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def _snapshot_facts():
    return {
        "ledger_transfers": Transfer.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "audit_chain_head": AuditChainHead.objects.filter(pk=1)
        .values_list("last_hash", flat=True).first() or "",
    }


def backup_create(*, output: Path, storage=None) -> dict:
    """Write an archive to `output`; return its manifest."""
    storage = storage or default_storage
    settings_dict = connection.settings_dict
    _require_postgresql(settings_dict)
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="fianza-backup-") as tmp:
        dump = Path(tmp) / DUMP
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            facts = _snapshot_facts()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={dump}"], env=_pg_env(settings_dict))
        manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(),
                    "database": settings_dict["NAME"], **facts, "members": []}
        with tarfile.open(output, "w") as tar:
            with dump.open("rb") as handle:
                manifest["members"].append(_add(tar, DUMP, handle, dump.stat().st_size))
            for name in _storage_names(storage):
                with storage.open(name, "rb") as handle:
                    manifest["members"].append(
                        _add(tar, FILES + name, handle, storage.size(name)))
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
    output.chmod(0o600)
    return manifest


def archive_check(tar) -> dict:
    """The manifest, after checking that every member is listed, safe and intact."""
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except KeyError as exc:
        raise BackupError("This file is not a Fianza backup: it has no manifest.") from exc
    expected = {m["name"]: m for m in manifest["members"]}
    members = [m for m in tar.getmembers() if m.name != MANIFEST]
    for member in members:
        if member.name not in expected or not member.isfile():
            raise BackupError(f"The archive holds {member.name!r}, which its manifest does "
                              "not list.")
        digest = hashlib.sha256()
        handle = tar.extractfile(member)
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
        if digest.hexdigest() != expected[member.name]["sha256"]:
            raise BackupError(f"{member.name} is damaged: its checksum does not match.")
    missing = set(expected) - {m.name for m in members}
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} member(s), e.g. {min(missing)}.")
    return manifest


def _prepare_database(url):
    target = dj_database_url.parse(url)
    _require_postgresql(target)
    params = dict(host=target["HOST"] or None, port=target["PORT"] or None,
                  user=target["USER"] or None, password=target["PASSWORD"] or None)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [target["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target["NAME"])))
    with psycopg.connect(dbname=target["NAME"], **params) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                              ).fetchone()[0]
    if tables:
        raise BackupError(f"The database {target['NAME']} is not empty ({tables} tables): "
                          "restore only into a new database.")
    return target, params


def backup_restore(*, archive: Path, database_url: str, storage=None) -> dict:
    """Restore `archive` into the new database at `database_url` and into `storage` (the
    configured private storage unless given); return the manifest after proving the copy."""
    storage = storage or default_storage
    with tarfile.open(archive, "r") as tar:
        manifest = archive_check(tar)
        target, params = _prepare_database(database_url)
        with tempfile.TemporaryDirectory(prefix="fianza-restore-") as tmp:
            tar.extract(DUMP, tmp, filter="data")
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                  "--single-transaction", f"--dbname={target['NAME']}", str(Path(tmp) / DUMP)],
                 env=_pg_env(target))
        for member in manifest["members"]:
            if member["name"].startswith(FILES):
                _restore_file(storage, member["name"][len(FILES):], tar.extractfile(member["name"]))
    restored = _facts_of(target["NAME"], params)
    for key in ("ledger_transfers", "audit_events", "audit_chain_head"):
        if restored[key] != manifest[key]:
            raise BackupError(f"The restored {key} ({restored[key]}) differs from the "
                              f"backup's ({manifest[key]}).")
    return manifest


def _restore_file(storage, name, handle):
    if storage.exists(name):
        raise BackupError(f"The document {name} already exists where documents are restored.")
    saved = storage.save(name, File(handle, name=name))
    if saved != name:
        raise BackupError(f"The document {name} was stored as {saved}.")


def _facts_of(dbname, params):
    transfers, events, head = (sql.Identifier(m._meta.db_table)
                               for m in (Transfer, AuditEvent, AuditChainHead))
    with psycopg.connect(dbname=dbname, **params) as conn:
        count = "SELECT count(*) FROM {}"
        return {
            "ledger_transfers": conn.execute(sql.SQL(count).format(transfers)).fetchone()[0],
            "audit_events": conn.execute(sql.SQL(count).format(events)).fetchone()[0],
            "audit_chain_head": (conn.execute(sql.SQL("SELECT last_hash FROM {} WHERE id = 1")
                                              .format(head)).fetchone() or [""])[0],
        }


def verify_restored(database_url: str) -> list[str]:
    """Run ledger_verify and audit_verify against the restored database; [] when both pass,
    else what each printed."""
    env = {**os.environ, "DATABASE_URL": database_url}
    failures = []
    for command in ("ledger_verify", "audit_verify"):
        done = subprocess.run([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"),
                               command], env=env, capture_output=True, text=True)
        if done.returncode:
            failures.append(f"{command}: {(done.stderr or done.stdout).strip()[-2000:]}")
    return failures


def local_storage(root) -> FileSystemStorage:
    return FileSystemStorage(location=root, base_url=None)
