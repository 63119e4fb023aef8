"""The world the pages benchmark signs in to: its database, consulates, partners, personas and
programs, and a few bonds and grants through the real services (real ledger transfers and audit
events). The years of rows beside them are benchmarks/pages_load.py's.
"""

import datetime
import os
import re
import sys
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

MARK = "created by benchmarks/pages.py"


def create_database(url):
    """Create the database of DATABASE_URL, refusing one that exists and is not ours."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name or ""):
        sys.exit(f"refusing: database name {name!r} is not a plain identifier")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name]).fetchone()
        if row is not None:
            if row[0] != MARK:
                sys.exit(f"refusing: database {name!r} exists and was not created by this "
                         "script")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")


def django_setup():
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def load_world():
    """Consulates, partners, personas and programs, through the real services."""
    from core.models import Consulate, Membership, PartnerOrganization, Role, User
    from tests.bondfund.factories import make_program as bond_program
    from tests.grants.factories import make_program as grant_program

    consulates = [Consulate.objects.create(code=code, name=f"Consulado de México en {city}",
                                           city=city, state=st, phone="+1 312 555 0100")
                  for code, city, st in (("CHI", "Chicago", "IL"), ("LAX", "Los Angeles", "CA"),
                                         ("HOU", "Houston", "TX"), ("NYC", "New York", "NY"),
                                         ("PHX", "Phoenix", "AZ"), ("ATL", "Atlanta", "GA"),
                                         ("DEN", "Denver", "CO"), ("SEA", "Seattle", "WA"))]
    partners = []
    for i, consulate in enumerate(consulates):
        p = PartnerOrganization.objects.create(name=f"Partner Legal Aid {i}",
                                               ein=f"36-{1000000 + i:07d}")
        p.consulates.add(consulate)
        partners.append(p)

    def persona(username, role, consulate=None, partner=None):
        user = User.objects.create_user(username=username, password="x" * 20, language="es")
        Membership.objects.create(user=user, role=role, consulate=consulate, partner=partner)
        return user

    w = SimpleNamespace(consulates=consulates, partners=partners)
    w.consulate_a, w.consulate_b = consulates[0], consulates[1]
    w.partner_x, w.partner_y = partners[0], partners[1]
    w.officer_a = persona("officer", Role.CONSULATE_OFFICER, consulate=w.consulate_a)
    w.approver_a = persona("approver", Role.FINANCE_APPROVER, consulate=w.consulate_a)
    w.approver_2 = persona("approver2", Role.FINANCE_APPROVER, consulate=w.consulate_a)
    w.partner_x_staff = persona("partner", Role.PARTNER_STAFF, partner=w.partner_x)
    w.admin = persona("admin", Role.PROGRAM_ADMIN)
    w.auditor = persona("auditor", Role.AUDITOR)
    w.personas = {"officer": w.officer_a, "approver": w.approver_a,
                  "partner staff": w.partner_x_staff, "program admin": w.admin,
                  "auditor": w.auditor}
    w.bond_program = bond_program(w, budget=10_000_000, consulate_a=2_000_000,
                                  consulate_b=1_000_000, partner_x=2_000_000,
                                  partner_y=1_000_000, per_case=25_000)
    w.grant_program = grant_program(w, total=1_000_000, per_grant_max=10_000,
                                    allocations={w.consulate_a: 200_000}, waiting_period_days=90)
    return w


def load_real(w, n):
    """A few bonds and grants through every service (approve, pay): real transfers and audit."""
    from bondfund import services as bond_services
    from core.models import Beneficiary
    from tests.bondfund.factories import make_request
    from tests.bondfund.factories import pay as pay_bond
    from tests.grants.factories import approved as grant_approved
    from tests.grants.factories import pay as pay_grant

    for i in range(n):
        ben = Beneficiary.objects.create(
            reference=f"CHI-2025-9{i:05d}", given_names=f"Real{i}", family_names="Servicios",
            date_of_birth=datetime.date(1990, 1, 1), consulate=w.consulate_a,
            consents_to_family_lookup=True)
        w.ben_a = ben
        req = make_request(w, w.bond_program, amount=6_000, beneficiary=ben)
        if i % 4 != 3:
            bond_services.bond_request_approve(actor=w.approver_a, request_id=req.pk)
            if i % 2 == 0:
                pay_bond(w, req)
        application = grant_approved(w, w.grant_program, beneficiary=ben)
        if i % 2 == 0:
            pay_grant(w, application)


def existing_world():
    """The world a previous run loaded (for --keep)."""
    from bondfund.models import BondProgram
    from core.models import Consulate, PartnerOrganization, User
    from grants.models import GrantProgram
    from ledger.models import Account

    users = User.objects.in_bulk(["officer", "approver", "approver2", "partner", "admin",
                                  "auditor"], field_name="username")
    w = SimpleNamespace(consulates=list(Consulate.objects.order_by("pk")),
                        partners=list(PartnerOrganization.objects.order_by("pk")))
    w.consulate_a, w.partner_x = w.consulates[0], w.partners[0]
    w.officer_a, w.approver_a, w.approver_2 = users["officer"], users["approver"], \
        users["approver2"]
    w.partner_x_staff, w.admin, w.auditor = users["partner"], users["admin"], users["auditor"]
    w.personas = {"officer": w.officer_a, "approver": w.approver_a,
                  "partner staff": w.partner_x_staff, "program admin": w.admin,
                  "auditor": w.auditor}
    w.bond_program = BondProgram.objects.order_by("pk").first()
    w.grant_program = GrantProgram.objects.order_by("pk").first()
    w.busy_account = Account.objects.filter(key="pages:a").values_list("pk", flat=True).first()
    return w
