"""The pilot, walked through the pages as the people who run it do: a program administrator
sets up a USD 300,000 bond program for four Midwest consulates and three partner obligors
(no Django admin, no shell), invites the consulates' staff, imports the people and 38 bond
requests from files written to the import pages' sample columns, the officers submit them in
bulk and the approvers sign them in bulk under the money and people caps; the person past
the people cap is refused with a message in words; the program page, the reconciliation
page and its PDF show what was authorized per consulate and partner, to the cent."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bondfund.models import BondProgram, BondRequest
from core.models import Consulate, PartnerOrganization, Role, User
from core.models_imports import ImportJob
from ledger.money import format_amount
from ledger.pdfs import statement_programs
from ledger.verify import verify
from tests.core.factories import ConsulateFactory, user_with_role
from tests.documents_helpers import URLS, pdf_text
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS), pytest.mark.usefixtures("ticking_clock")]

PASSWORD = "a-long-passphrase-for-fianza-7"
PROGRAM = "Programa piloto de fianzas del Medio Oeste"
# The pilot frees up to 200 people; the cap here is 36 so that the 38 requests reach it:
# the 37th and 38th people stand for person 201.
PEOPLE_CAP = 36
NEW_CONSULATES = (  # code, city, state, zone
    ("MIL", "Milwaukee", "WI", "America/Chicago"),
    ("IND", "Indianapolis", "IN", "America/New_York"),
    ("DET", "Detroit", "MI", "America/New_York"),
)
PARTNERS = {  # name: (EIN, consulates served, cap in USD)
    "Midwest Immigrant Bond Project": ("36-4567890", ("CHI", "MIL"), "120000"),
    "Great Lakes Bond Fund": ("38-1234567", ("CHI", "DET", "IND"), "110000"),
    "Hoosier Detention Aid": ("35-2345678", ("IND",), "70000"),
}
ALLOCATIONS = {"CHI": "120000", "MIL": "60000", "IND": "60000", "DET": "60000"}
CASES = {"MIL": 8, "IND": 8, "DET": 8, "CHI": 14}  # signed in this order
AMOUNTS = ("1500.00", "2750.50", "3999.99", "6000.00", "12500.25", "4200.10", "2999.95")
FIRST = ("Ana", "Beatriz", "Carlos", "Dolores", "Ernesto", "Fernanda", "Gilberto", "Hilda",
         "Ignacio", "Juana", "Leonel", "Marisol", "Nicolás", "Octavio", "Paulina", "Rigoberto",
         "Susana", "Tomás", "Úrsula")
LAST = ("Robles Campos", "Vázquez Ibarra")


# Set-up through the administration pages -------------------------------------------------

@pytest.fixture
def admin(db):
    """Chicago runs the pilot already: its consulate, an officer, an approver, and the program
    administrator at headquarters. Everything else is made through the pages."""
    chicago = ConsulateFactory(code="CHI", name="Consulado de México en Chicago",
                               city="Chicago", state="IL", time_zone="America/Chicago")
    user_with_role(Role.CONSULATE_OFFICER, consulate=chicago, username="officer_chi",
                   language="es")
    user_with_role(Role.FINANCE_APPROVER, consulate=chicago, username="approver_chi")
    return sign_in(Client(), user_with_role(Role.PROGRAM_ADMIN, username="admin"))


def _consulates(admin):
    for code, city, state, zone in NEW_CONSULATES:
        response = admin.post(reverse("administration:consulate_create"), {
            "code": code.lower(), "name": f"Consulado de México en {city}", "city": city,
            "state": state, "time_zone": zone, "phone": "+1 414 555 0100", "email": "",
            "address": "", "comment": "Pilot"})
        assert response.status_code == 302, response.context["form"].errors
    return {c.code: c for c in Consulate.objects.all()}


def _partners(admin, consulates):
    for name, (ein, served, _cap) in PARTNERS.items():
        response = admin.post(reverse("administration:partner_create"), {
            "name": name, "ein": ein.replace("-", ""), "is_501c3": "on",
            "obligor_eligible": "on", "consulates": [consulates[c].pk for c in served[:1]],
            "city": "Chicago", "state": "IL", "email": "bonds@example.org", "phone": "",
            "legal_advisor_kind": "", "comment": "Signed agreement"})
        assert response.status_code == 302, response.context["form"].errors
    # The partners' other consulates are added afterwards, as agreements are signed.
    for name, (ein, served, _cap) in PARTNERS.items():
        partner = PartnerOrganization.objects.get(ein=ein)
        response = admin.post(reverse("administration:partner_edit", args=[partner.pk]), {
            "name": name, "ein": ein, "is_501c3": "on", "obligor_eligible": "on",
            "consulates": [consulates[c].pk for c in served], "city": "Chicago",
            "state": "IL", "email": "bonds@example.org", "phone": "",
            "legal_advisor_kind": "", "comment": "Agreement extended"})
        assert response.status_code == 302, response.context["form"].errors
    return {p.name: p for p in PartnerOrganization.objects.all()}


def _invite(admin, capture, *, email, role, consulate=None):
    before = len(mail.outbox)
    with capture(execute=True):
        response = admin.post(reverse("administration:user_invite"), {
            "email": email, "first_name": "Ana", "last_name": "Ruiz Soto", "language": "es",
            "role": role, "consulate": consulate.pk if consulate else "", "partner": "",
            "comment": "Pilot staff"})
    assert response.status_code == 302, response.context["form"].errors
    [message] = mail.outbox[before:]
    link = re.search(r"https?://testserver(/\S+)", message.body).group(1)
    accepted = Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert accepted["Location"] == reverse("two_factor:setup")  # then the second factor
    user = User.objects.get(email=email)
    assert user.is_active and user.check_password(PASSWORD)
    return user


def _staff(admin, capture, consulates):
    """An officer and an approver per new consulate, and one approver at headquarters who
    gives the second signature where an amount needs four eyes."""
    staff = {"CHI": {"officer": User.objects.get(username="officer_chi"),
                     "approver": User.objects.get(username="approver_chi")}}
    for code, *_ in NEW_CONSULATES:
        staff[code] = {kind: _invite(admin, capture, role=role, consulate=consulates[code],
                                     email=f"{kind}.{code.lower()}@consulado.example.org")
                       for kind, role in (("officer", Role.CONSULATE_OFFICER),
                                          ("approver", Role.FINANCE_APPROVER))}
    staff["HQ"] = {"approver": _invite(admin, capture, role=Role.FINANCE_APPROVER,
                                       email="finanzas@sre.example.org")}
    return staff


def _program(admin, consulates, partners):
    response = admin.post(reverse("bondfund:program_create"), {
        "name": PROGRAM, "total_budget": "250000", "per_case_maximum": "25000",
        "approval_tiers": "10000, 2", "starts_on": "2026-11-01", "ends_on": "",
        "second_person_pays_above": "",
        "eligibility": "Detained without a judicial warrant? | yes | Only people detained "
                       "without a judicial warrant.\nHas a criminal record? | no | Only "
                       "people without a criminal record."})
    assert response.status_code == 302, response.context["form"].errors
    program = BondProgram.objects.get(name=PROGRAM)
    steps = [("fund", {"amount": "50000", "memo": "Second tranche"})]
    steps += [("consulate", {"amount": ALLOCATIONS[code], "consulate": consulates[code].pk})
              for code in ALLOCATIONS]
    steps += [("partner_cap", {"amount": cap, "partner": partners[name].pk})
              for name, (_ein, _served, cap) in PARTNERS.items()]
    for kind, data in steps:
        url = reverse("bondfund:program_budget", args=[program.pk, kind])
        _no_error(admin.post(url, {f"{kind}-{k}": v for k, v in data.items()}, follow=True))
    _no_error(admin.post(reverse("bondfund:program_people_cap", args=[program.pk]),
                         {"people-level": "program", "people-count": str(PEOPLE_CAP)},
                         follow=True))
    return program


def _no_error(response):
    """The step was taken: back on the program page saying so, with no error."""
    assert response.redirect_chain and response.status_code == 200
    said = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert said[-1][0] == "success" and "error" not in dict(said), said


# The case list: people, then their bond requests ----------------------------------------

def _cases():
    """(consulate code, given names, family names, A-number, amount, partner) per case."""
    cases, n = [], 0
    for code, count in CASES.items():
        served = [name for name, (_e, codes, _c) in PARTNERS.items() if code in codes]
        for i in range(count):
            cases.append((code, FIRST[n % len(FIRST)], LAST[n // len(FIRST)],
                          f"2{n:02d}456789", Decimal(AMOUNTS[n % len(AMOUNTS)]),
                          served[i % len(served)]))
            n += 1
    return cases


def _sample_columns(client, kind):
    response = client.get(reverse("core:import_sample", args=[kind]))
    assert response.status_code == 200
    return next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _import(client, capture, kind, url, rows):
    """Write the rows under the sample file's header, upload, check the preview, confirm;
    the queue runs each phase once the request's transaction commits."""
    columns = _sample_columns(client, kind)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile(f"{kind}.csv", out.getvalue().encode(), "text/csv")
    with capture(execute=True):
        assert client.post(reverse(url), {"file": upload}).status_code == 302
    job = ImportJob.objects.latest("id")
    assert job.status == ImportJob.Status.READY, job.errors
    with capture(execute=True):
        client.post(reverse("core:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == len(rows), job.errors
    return job


def _import_case_list(admin, capture, partners):
    cases = _cases()
    _import(admin, capture, "beneficiaries", "core:beneficiary_import", [
        {"consulate": code, "given_names": given, "family_names": family,
         "date_of_birth": f"{1960 + n}-0{1 + n % 9}-1{n % 9}", "a_number": a_number,
         "opened_on": "2026-11-02"}
        for n, (code, given, family, a_number, _amount, _p) in enumerate(cases)])
    return _import(admin, capture, "bond_requests", "core:bond_request_import", [
        {"a_number": a_number, "program": PROGRAM, "facility": "Broadview Processing Center",
         "detained_on": "2026-11-03", "authority": "ij", "decided_on": "2026-11-10",
         "judge_or_court": "IJ Chicago Immigration Court", "amount": str(amount),
         "bond_type": "delivery", "obligor_ein": partners[partner].ein,
         "eligibility_answers": "yes;no", "conditions": "Report to ICE monthly"}
        for _code, _g, _f, a_number, amount, partner in cases])


# Submitting and signing in bulk -----------------------------------------------------------

def _submit_all(job, staff):
    for code in CASES:
        officer = sign_in(Client(), staff[code]["officer"])
        response = officer.post(reverse("bondfund:request_submit_many"),
                                {"import_job": str(job.pk)})
        assert response.status_code == 200
        assert [o.submitted for o in response.context["outcomes"]] == [True] * CASES[code], \
            [o.reason for o in response.context["outcomes"]]


def _sign_queue(user):
    """Every request on the approver's queue, signed at once; the outcomes."""
    client = sign_in(Client(), user)
    queue = client.get(reverse("bondfund:approval_queue"))
    ids = [row.pk for row in queue.context["rows"]]
    response = client.post(reverse("bondfund:approval_sign_many"),
                           {"page_case": ids, "all_on_page": "1", "comment": "Pilot night"})
    assert response.status_code == 200
    return response


def _sign_all(staff):
    """Each consulate's approver signs their queue (Chicago's last), then headquarters gives
    the second signatures; the outcome pages of Chicago and of headquarters."""
    for code in CASES:
        chicago = _sign_queue(staff[code]["approver"])
    return chicago, _sign_queue(staff["HQ"]["approver"])


def _refused(response):
    return [(o.case.pk, o.reason) for o in response.context["outcomes"]
            if o.status == "refused"]


# The figures --------------------------------------------------------------------------------

def _authorized(program):
    """Expected authorized amounts in cents, per consulate id and per partner id."""
    per_consulate, per_partner = {}, {}
    for bond in BondRequest.objects.filter(program=program, state="approved"):
        cents = int(bond.amount.amount * 100)
        per_consulate[bond.consulate_id] = per_consulate.get(bond.consulate_id, 0) + cents
        per_partner[bond.obligor_id] = per_partner.get(bond.obligor_id, 0) + cents
    return per_consulate, per_partner


def _check_reconciliation(reader, program, consulates, partners):
    per_consulate, per_partner = _authorized(program)
    response = reader.get(reverse("ledger:reconciliation"), {"program": program.ledger_ref})
    assert response.status_code == 200
    rows = response.context["rows"]
    shown = {("consulate", r.consulate_id) if r.kind == "consulate"
             else ("partner", r.partner_id): r.authorized for r in rows}
    assert shown == {**{("consulate", pk): c for pk, c in per_consulate.items()},
                     **{("partner", pk): c for pk, c in per_partner.items()}}
    blocks = response.context["blocks"]
    for holder in (*consulates.values(), *partners.values()):
        cents = per_consulate.get(holder.pk) if isinstance(holder, Consulate) \
            else per_partner.get(holder.pk)
        assert _authorized_cell(blocks, holder) == format_amount(cents, "USD")
    return per_consulate, per_partner


def _authorized_cell(blocks, holder):
    """The "Authorized" cell of the holder's line in the budget table of the USD block."""
    [usd] = [b for b in blocks if b.currency == "USD"]
    budget = next(t for t in usd.tables if t.title == "Budget")
    column = budget.columns.index("Authorized")
    [line] = [line for section in budget.sections for line in section.lines
              if line.label == str(holder)]
    return line.cells[column]


def _check_statements(reader, consulates, partners, per_consulate, per_partner):
    """Each consulate's and partner's monthly statement says what was authorized; the PDF
    the reconciliation page links to carries it."""
    holders = [(c, per_consulate[c.pk], "consulate") for c in consulates.values()]
    holders += [(p, per_partner[p.pk], "partner") for p in partners.values()]
    for holder, cents, arg in holders:
        [program] = statement_programs(year=2026, month=12, **{f"{arg}_id": holder.pk})
        assert _authorized_cell(program["blocks"], holder) == format_amount(cents, "USD")
    for holder, cents, arg in (holders[0], holders[-1]):
        response = reader.get(reverse("ledger:reconciliation_pdf"),
                              {arg: holder.pk, "month": "2026-12", "lang": "en"})
        assert response.status_code == 200
        assert format_amount(cents, "USD") in pdf_text(response.content)


# The story ---------------------------------------------------------------------------------

def test_the_pilot_is_set_up_and_run_through_the_pages(admin,
                                                       django_capture_on_commit_callbacks):
    consulates = _consulates(admin)
    partners = _partners(admin, consulates)
    staff = _staff(admin, django_capture_on_commit_callbacks, consulates)
    program = _program(admin, consulates, partners)
    job = _import_case_list(admin, django_capture_on_commit_callbacks, partners)
    assert BondRequest.objects.filter(program=program, state="draft").count() == 38
    _submit_all(job, staff)
    chicago, headquarters = _sign_all(staff)

    # Chicago's approver (pages in English) signs last: people 37 and 38 are refused.
    english = "The program's limit of 36 people is reached."
    [(first, reason), (second, again)] = _refused(chicago)
    assert reason == again == english
    assert "limit of 36 people is reached." in chicago.content.decode()
    # Headquarters (in Spanish) still finds them waiting and is refused alike.
    spanish = "Se alcanzó el límite de 36 personas del programa."
    assert _refused(headquarters) == [(first, spanish), (second, spanish)]
    assert spanish in headquarters.content.decode()
    assert [o.status for o in headquarters.context["outcomes"]].count("approved") == sum(
        1 for bond in BondRequest.objects.filter(amount__gt=10_000, state="approved"))
    states = dict(BondRequest.objects.values_list("pk", "state"))
    assert (states.pop(first), states.pop(second)) == ("submitted", "submitted")
    assert set(states.values()) == {"approved"} and len(states) == PEOPLE_CAP

    page = admin.get(reverse("bondfund:program_detail", args=[program.pk]))
    people = page.context["people"]["program"]
    assert (people.cap, people.reserved) == (PEOPLE_CAP, PEOPLE_CAP)
    per_consulate, per_partner = _check_reconciliation(admin, program, consulates, partners)
    approved = sum(per_consulate.values())
    assert approved == sum(per_partner.values())
    balances = page.context["balances"]
    assert balances["position"]["allocated"].amount == Decimal("300000")
    assert {str(row["name"]): row["allocated"].amount for row in balances["consulates"]} == {
        str(consulates[code]): Decimal(amount) for code, amount in ALLOCATIONS.items()}
    assert {str(row["name"]): row["allocated"].amount for row in balances["partners"]} == {
        name: Decimal(cap) for name, (_ein, _served, cap) in PARTNERS.items()}
    position = balances["position"]
    assert position["reserved"].amount * 100 == approved
    _check_statements(admin, consulates, partners, per_consulate, per_partner)
    assert verify() == []
