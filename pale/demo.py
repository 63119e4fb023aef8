"""Demo external legal advisors, contracts and referrals, walked through the services.

Idempotent: advisors and users are updated in place, and contracts and referrals are made only
when the advisor has no contract yet. The referrals follow the shape of the 2025 figures
(about 4.5 advice sessions per person referred, a few bond hearings, one declined and one
unanswered referral) at a small scale, so every part of the report and the accountability
page has something to show.
"""

from decimal import Decimal

from django.db import transaction

from core.demo import second_factor_restore
from core.demo_data import PASSWORD
from core.models import (
    AdvisorKind,
    Beneficiary,
    Consulate,
    Membership,
    PartnerOrganization,
    Role,
    User,
)
from core.timezones import local_today
from grants.models import GrantKind, GrantProgram
from pale import services
from pale.models import Contract, Service

ADVISORS = [
    {"ein": "36-7788990", "name": "Clínica de Derecho Migratorio de Chicago",
     "kind": AdvisorKind.UNIVERSITY, "city": "Chicago", "state": "IL", "consulate": "CHI",
     "user": ("asesor.chicago", "Daniela", "Ortiz Vega")},
    {"ein": "95-3344556", "name": "Centro de Defensa Legal del Sur de California",
     "kind": AdvisorKind.CLINIC, "city": "Los Angeles", "state": "CA", "consulate": "LAX",
     "user": ("asesor.losangeles", "Ricardo", "Ruiz Campos")},
]
FEES = {Service.CONSULTATION: Decimal("150"), Service.BOND_HEARING: Decimal("1200"),
        Service.CASE_REPRESENTATION: Decimal("3500"), Service.HABEAS: Decimal("2500")}
MODES = ["phone", "in_person", "video", "detention_visit"]
MATTERS = ["detention_bond", "removal_defence", "family", "labour", "detention_bond",
           "removal_defence"]


def load(stdout=None):
    program = GrantProgram.objects.filter(kind=GrantKind.LEGAL_FEES, currency="USD").first()
    admin = User.objects.filter(memberships__role=Role.PROGRAM_ADMIN).first()
    if program is None or admin is None:
        return
    made = 0
    for data in ADVISORS:
        consulate = Consulate.objects.filter(code=data["consulate"]).first()
        if consulate is None:
            continue
        advisor, staff = _advisor(data, consulate)
        if Contract.objects.filter(advisor=advisor).exists():
            continue
        made += _contract_and_work(admin, program, advisor, staff, consulate)
    if stdout is not None:
        stdout.write(f"PALE: {made} new legal advice referrals.")


def _advisor(data, consulate):
    advisor, _ = PartnerOrganization.objects.update_or_create(
        ein=data["ein"], defaults={"name": data["name"], "city": data["city"],
                                   "state": data["state"], "is_501c3": True,
                                   "obligor_eligible": False,
                                   "legal_advisor_kind": data["kind"]})
    advisor.consulates.add(consulate)
    username, first, last = data["user"]
    user, created = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.language = first, last, "es"
    user.email = f"{username}@demo.fianza.example.org"
    if created or not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
    user.save()
    Membership.objects.get_or_create(user=user, role=Role.PARTNER_STAFF, partner=advisor)
    second_factor_restore(user)  # every role signs in with a second factor
    return advisor, user


@transaction.atomic
def _contract_and_work(admin, program, advisor, staff, consulate):
    today = local_today(consulate)  # the services check dates on the consulate's calendar
    contract = services.contract_create(
        actor=admin, advisor=advisor, consulate=consulate, program=program,
        starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31),
        budget=Decimal("20000"), fees=FEES)
    officer = User.objects.filter(memberships__role=Role.CONSULATE_OFFICER,
                                  memberships__consulate=consulate).first()
    people = list(Beneficiary.objects.active().filter(consulate=consulate)
                  .order_by("id")[:len(MATTERS) + 2])
    if officer is None or not people:
        return 0
    for i, person in enumerate(people):
        matter = MATTERS[i % len(MATTERS)]
        referral = services.referral_create(
            actor=officer, beneficiary=person, contract=contract, matter=matter,
            urgency="urgent" if matter == "detention_bond" else "normal",
            notes="Caso de demostración")
        _answer(staff, referral, i, today)
    return len(people)


def _answer(staff, referral, i, today):
    if i == len(MATTERS):
        services.referral_decline(actor=staff, referral=referral,
                                  reason="Sin capacidad este mes para casos laborales.")
        return
    if i > len(MATTERS):
        return  # left unanswered: the scheduled check alerts the officer when it is late
    services.referral_accept(actor=staff, referral=referral)
    for n in range(4 + i % 2):
        services.session_record(
            actor=staff, referral=referral, held_on=today, mode=MODES[n % len(MODES)],
            topic="Orientación legal", minutes=45, outcome="Se explicaron las opciones.",
            next_step="Reunir documentos")
    if referral.matter == "detention_bond":
        services.milestone_record(
            actor=staff, referral=referral, kind="bond_hearing", occurred_on=today,
            result="bond_granted" if i == 0 else "bond_denied",
            judge_or_court="Immigration Court", bond_amount=Decimal("4000") if i == 0 else None)

