"""One document model for every case: checked, private, hashed; old grant files get a hash."""

import hashlib
import importlib

from django.apps import apps
from django.core.files.storage import default_storage

from grants import services as grant_services
from grants.models import GrantDocument
from tests.bondfund import factories as bonds
from tests.grants.factories import checked_png, make_application, make_program

HASHING = importlib.import_module(
    "grants.migrations.0006_remove_grantdocument_file_grantdocument_sha256_and_more")


def test_grant_documents_keep_the_hash_of_what_was_stored(world):
    application = make_application(world, make_program(world))
    checked = checked_png("curp.png")
    document = grant_services.grant_document_add(actor=world.officer_a,
                                                 application_id=application.pk, kind="curp",
                                                 checked=checked)
    with default_storage.open(document.storage_name, "rb") as stored:
        assert document.sha256 == hashlib.sha256(stored.read()).hexdigest()
    assert document.storage_name.startswith(f"grants/{application.pk}/")


def test_bond_documents_keep_the_hash_of_what_was_stored(world):
    from bondfund import services as bond_services

    bond = bonds.make_request(world, bonds.make_program(world))
    document = bond_services.bond_document_upload(actor=world.officer_a, request_id=bond.pk,
                                                  kind="other", checked=bonds.checked_pdf())
    with default_storage.open(document.storage_name, "rb") as stored:
        assert document.sha256 == hashlib.sha256(stored.read()).hexdigest()


def test_the_migration_hashes_grant_files_stored_before_hashes_existed(world):
    application = make_application(world, make_program(world))
    document = grant_services.grant_document_add(actor=world.officer_a,
                                                 application_id=application.pk, kind="curp",
                                                 checked=checked_png())
    expected = document.sha256
    GrantDocument.objects.filter(pk=document.pk).update(sha256="")
    missing = GrantDocument.objects.create(
        application=application, kind="other", storage_name="grants/0/gone.png",
        original_name="gone.png", content_type="image/png", size=1, sha256="",
        uploaded_by=world.officer_a)
    HASHING.hash_stored_files(apps, None)
    assert GrantDocument.objects.get(pk=document.pk).sha256 == expected
    assert GrantDocument.objects.get(pk=missing.pk).sha256 == ""
