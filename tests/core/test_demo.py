from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from core.models import Beneficiary, Consulate, Membership, PartnerOrganization, User
from core.validators import normalize_curp, normalize_ein


def test_load_demo_is_idempotent_and_realistic(db):
    call_command("load_demo")
    counts = (Consulate.objects.count(), PartnerOrganization.objects.count(),
              User.objects.count(), Membership.objects.count(), Beneficiary.objects.count())
    # A used backup code comes back on the next run.
    StaticToken.objects.filter(device__user__username="finanzas.chicago",
                               token="demo-0001").delete()
    call_command("load_demo")
    assert counts == (Consulate.objects.count(), PartnerOrganization.objects.count(),
                      User.objects.count(), Membership.objects.count(),
                      Beneficiary.objects.count())
    assert counts[0] == 53
    assert {"CHI", "LAX", "HOU", "SAT", "TUS"} <= set(Consulate.objects.values_list("code",
                                                                                  flat=True))
    for partner in PartnerOrganization.objects.all():
        assert normalize_ein(partner.ein) == partner.ein and partner.is_501c3
    for curp in Beneficiary.objects.exclude(curp="").values_list("curp", flat=True):
        assert normalize_curp(curp) == curp
    assert Beneficiary.objects.get(reference__startswith="CHI-", a_number="201456789")
    backup = StaticDevice.objects.get(user__username="finanzas.chicago", name="backup")
    assert backup.token_set.count() == 10
    admin = User.objects.get(username="admin.programas")
    assert admin.is_superuser and admin.check_password("fianza-demo-2026")
    assert User.objects.get(username="oficial.chicago").language == "es"
    assert User.objects.get(username="socio.midwest").language == "en"


def test_demo_users_sign_in(db):
    call_command("load_demo")
    """Every demo user, whatever the role, signs in with a documented backup code."""
    url = reverse("two_factor:login")
    for username in ("oficial.chicago", "socio.midwest", "auditoria", "finanzas.chicago2",
                     "admin.programas"):
        client = Client()
        response = client.post(url, {"login_view-current_step": "auth",
                                     "auth-username": username,
                                     "auth-password": "fianza-demo-2026"})
        assert response.status_code == 200  # the second-factor step, for every role
        client.post(url, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
        response = client.post(url, {"login_view-current_step": "backup",
                                     "backup-otp_token": "demo-0007"})
        assert response.status_code == 302, username
        assert client.get(reverse("core:home")).status_code == 200, username


def test_demo_users_get_the_import_and_export_permissions_of_their_role(db):
    call_command("load_demo")
    call_command("load_demo")
    admin = User.objects.get(username="admin.programas")
    assert admin.has_perms(["core.import_beneficiary", "bondfund.import_bondrequest",
                            "ledger.export_transfer"])
    auditor = User.objects.get(username="auditoria")
    assert auditor.has_perm("ledger.export_transfer")
    assert not auditor.has_perm("core.import_beneficiary")
    assert User.objects.get(username="finanzas.chicago").has_perm("ledger.export_transfer")
    assert not User.objects.get(username="socio.midwest").user_permissions.exists()
    assert admin.user_permissions.count() == 6  # granted once, whatever the runs


def test_the_demo_family_page_says_where_people_are(db, frozen_clock):
    from core.models_people import PersonLocation
    from tests.public.conftest import lookup

    call_command("load_demo")
    call_command("load_demo")
    held = Beneficiary.objects.get(given_names="Miguel Ángel", family_names="Jiménez Ruiz")
    back = Beneficiary.objects.get(given_names="Verónica", family_names="Díaz Castillo")
    assert PersonLocation.objects.filter(beneficiary__in=[held, back]).count() == 2
    html = lookup(held.reference, held.date_of_birth).content.decode()
    assert "Adelanto ICE Processing Center, Adelanto, CA" in html
    html = lookup(back.reference, back.date_of_birth, address="198.51.100.30").content.decode()
    assert "Módulo de repatriación El Chaparral, Tijuana" in html
