import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from core.models import Consulate, Membership, PartnerOrganization, Role, User
from ledger import funds
from tests.ledger.factories import funded_program

pytestmark = pytest.mark.django_db
P = "bond:1"


@pytest.fixture
def orgs():
    chicago = Consulate.objects.create(code="CHI", name="Chicago", city="Chicago", state="IL")
    houston = Consulate.objects.create(code="HOU", name="=HYPERLINK(\"x\")", city="Houston",
                                       state="TX")
    partner = PartnerOrganization.objects.create(name="@Bond Fund", ein="12-3456789")
    other = PartnerOrganization.objects.create(name="Other", ein="98-7654321")
    funded_program(program=P, amount=100_000,
                   consulates={chicago.pk: 50_000, houston.pk: 20_000},
                   caps={partner.pk: 30_000, other.pk: 10_000})
    funds.reserve(key="res", program=P, currency="USD", consulate_id=chicago.pk,
                  partner_id=partner.pk, amount=12_345)
    funds.disburse(key="pay", reservation_key="res", amount=12_345, purpose="bond")
    return {"chicago": chicago, "houston": houston, "partner": partner, "other": other}


def login(client, role, consulate=None, partner=None, verified=True):
    """Log in and pass the second factor as django_otp.login would (the session holds a
    StaticDevice's persistent id), so SecondFactorRequiredMiddleware lets the user through."""
    user = User.objects.create_user(username=f"{role}-{User.objects.count()}", password="x",
                                    language="en")
    if role:
        Membership.objects.create(user=user, role=role, consulate=consulate, partner=partner)
    client.force_login(user)
    if verified:
        device = StaticDevice.objects.create(user=user, name="backup")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user


def account(code, **dims):
    return funds.account(code, program=P, currency="USD", **dims)


RECON = reverse("ledger:reconciliation")


@pytest.mark.parametrize("role", [Role.FINANCE_APPROVER, Role.AUDITOR, Role.PROGRAM_ADMIN])
def test_reconciliation_for_headquarters(client, orgs, role):
    login(client, role)
    response = client.get(RECON)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chicago" in body and "@Bond Fund" in body and "Other" in body
    assert "USD 123.45" in body


def test_unverified_approver_is_sent_to_two_factor_setup(client, orgs):
    login(client, Role.FINANCE_APPROVER, verified=False)
    response = client.get(RECON)
    assert response.status_code == 302
    assert response.url == reverse("two_factor:setup")


def test_anonymous_redirected_to_login(client):
    response = client.get(RECON)
    assert response.status_code == 302 and "login" in response.url


def test_user_without_role_forbidden(client, orgs):
    login(client, None)
    assert client.get(RECON).status_code == 403


def test_consulate_officer_sees_only_own_consulate(client, orgs):
    login(client, Role.CONSULATE_OFFICER, consulate=orgs["chicago"])
    body = client.get(RECON).content.decode()
    assert "Chicago" in body and "HYPERLINK" not in body and "@Bond Fund" not in body


def test_partner_staff_sees_only_own_partner(client, orgs):
    login(client, Role.PARTNER_STAFF, partner=orgs["partner"])
    body = client.get(RECON).content.decode()
    assert "@Bond Fund" in body and "Chicago" not in body and "Other" not in body


def test_filters_and_period(client, orgs):
    login(client, Role.AUDITOR)
    response = client.get(RECON, {"program": P, "consulate": orgs["chicago"].pk,
                                  "date_from": "2000-01-01", "date_to": "2000-12-31"})
    assert response.status_code == 200
    assert [r.label for r in response.context["rows"]] == ["Chicago (CHI)"]
    assert response.context["rows"][0].disbursed == 0  # nothing moved in 2000


def test_csv_export_escapes_formulas(client, orgs):
    login(client, Role.AUDITOR)
    response = client.get(RECON, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [r[3] for r in rows[1:]]
    assert "'=HYPERLINK(\"x\") (HOU)" in names
    assert "'@Bond Fund" in names
    chicago = next(r for r in rows if r[3] == "Chicago (CHI)")
    assert chicago[6] == "123.45"  # disbursed


def test_labels_cost_one_query_each(client, orgs):
    login(client, Role.AUDITOR)
    client.get(RECON)  # warm the session
    with CaptureQueriesContext(connection) as before:
        client.get(RECON)
    for i in range(5):
        consulate = Consulate.objects.create(code=f"C{i}", name=f"C{i}", city="x", state="TX")
        funds.consulate_allocate(key=f"more-{i}", program=P, currency="USD",
                                 consulate_id=consulate.pk, amount=100)
    with CaptureQueriesContext(connection) as after:
        response = client.get(RECON)
    assert len(response.context["rows"]) >= 5
    assert len(after) == len(before)


def test_statement_renders_with_running_balance(client, orgs):
    login(client, Role.FINANCE_APPROVER)
    available = account("consulate_available", consulate_id=orgs["chicago"].pk)
    response = client.get(reverse("ledger:account_statement", kwargs={"pk": available.pk}))
    assert response.status_code == 200
    transfers = response.context["transfers"]
    assert [t.id for t in transfers][:2] == ["pay", "res"]
    assert transfers[0].balance_after == 50_000 - 12_345
    assert "USD 376.55" in response.content.decode()


def test_statement_other_tenant_gets_404(client, orgs):
    houston = account("consulate_available", consulate_id=orgs["houston"].pk)
    chicago = account("consulate_available", consulate_id=orgs["chicago"].pk)
    login(client, Role.CONSULATE_OFFICER, consulate=orgs["chicago"])
    url = reverse("ledger:account_statement", kwargs={"pk": houston.pk})
    assert client.get(url).status_code == 404
    own = reverse("ledger:account_statement", kwargs={"pk": chicago.pk})
    assert client.get(own).status_code == 200
    cash = account("cash")
    assert client.get(reverse("ledger:account_statement", kwargs={"pk": cash.pk})) \
        .status_code == 404


def test_statement_partner_staff(client, orgs):
    mine = account("partner_cap", partner_id=orgs["partner"].pk)
    theirs = account("partner_cap", partner_id=orgs["other"].pk)
    login(client, Role.PARTNER_STAFF, partner=orgs["partner"])
    assert client.get(reverse("ledger:account_statement", kwargs={"pk": mine.pk})) \
        .status_code == 200
    assert client.get(reverse("ledger:account_statement", kwargs={"pk": theirs.pk})) \
        .status_code == 404


def test_statement_paginates(client, orgs):
    login(client, Role.AUDITOR)
    cash = account("cash")
    for i in range(55):
        funds.program_fund(key=f"f{i}", program=P, currency="USD", amount=1)
    url = reverse("ledger:account_statement", kwargs={"pk": cash.pk})
    first = client.get(url)
    assert len(first.context["transfers"]) == 50 and first.context["has_next"]
    second = client.get(url, {"page": 2})
    assert not second.context["has_next"]
    ids = [t.id for t in first.context["transfers"] + second.context["transfers"]]
    assert len(ids) == len(set(ids)) == cash.credits.count() + cash.debits.count()
