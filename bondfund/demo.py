"""The Chicago bond pilot, its budget and bond requests in every step of a bond's life.

Idempotent: programs, allocations and requests are found by their natural keys and walked
through the services only as far as they still need to go (ledger keys make replays no-ops).
Needs core.demo's users, consulates, partners and beneficiaries.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from djmoney.money import Money

from bondfund import services
from bondfund.models import (
    AllocationKind,
    BondProgram,
    BondRequest,
    BudgetAllocation,
    State,
    TreasuryRate,
)
from bondfund.services_programs import program_people_cap_set
from core.models import Beneficiary, Consulate, PartnerOrganization, User
from core.uploads import check_upload
from ledger.people import people_positions
from payments import services as payments

PROGRAM = "Programa piloto de fianzas Chicago 2025"
MEMO = "demo"
PEOPLE_CAP = 200
D = datetime.date
# Illustrative 91-day T-bill averages for the demo's interest figures (not official data).
RATES = [(D(2025, 1, 1), "4.3100"), (D(2025, 7, 1), "4.2500"), (D(2025, 10, 1), "3.9600"),
         (D(2026, 1, 1), "3.6500")]
ALLOCATIONS = [("CHI", 150_000), ("MKE", 40_000), ("IND", 30_000), ("DET", 30_000),
               ("STP", 20_000)]
CAPS = [("Midwest Immigrant Bond Project", 200_000),
        ("Heartland Legal Defense Fund", 50_000)]
# facility, amount, target state
REQUESTS = [
    ("Broadview Processing Center", 6_000, State.DRAFT),
    ("McHenry County Adult Correctional Facility", 7_500, State.SUBMITTED),
    ("Clay County Jail", 5_000, State.APPROVED),
    ("Kenosha County Detention Center", 8_000, State.DISBURSED),
    ("Jerome Combs Detention Center", 12_000, State.POSTED),
    ("Dodge County Detention Facility", 4_500, State.RELEASED),
    ("Calhoun County Correctional Center", 6_500, State.REFUND_DUE),
    ("Pulaski County Detention Center", 3_000, State.CLOSED_REFUNDED),
    ("Baker County Detention Center", 9_000, State.BREACHED),
]
# A second, smaller program in Los Angeles (Pacific time): one bond released, so hearings
# and reminders show in two zones.
LA_PROGRAM = "Programa regional de fianzas Los Ángeles 2026"
LA_PARTNER = "Southwest Detention Aid"
LA_REQUESTS = [("Adelanto ICE Processing Center", 7_000, State.RELEASED)]
WALK = [State.DRAFT, State.SUBMITTED, State.APPROVED, State.DISBURSED, State.POSTED,
        State.RELEASED]


def usd(amount):
    return Money(Decimal(amount), "USD")


def load(stdout=None):
    users = {u.username: u for u in User.objects.filter(username__in=[
        "admin.programas", "oficial.chicago", "finanzas.chicago", "finanzas.chicago2",
        "socio.midwest", "oficial.losangeles", "finanzas.hq", "socio.southwest"])}
    if len(users) < 8:
        if stdout is not None:
            stdout.write("bondfund: core demo users missing, skipped\n")
        return
    with transaction.atomic():
        for effective_on, rate in RATES:
            TreasuryRate.objects.get_or_create(effective_on=effective_on,
                                               defaults={"rate_percent": Decimal(rate)})
        program = _program(users["admin.programas"])
        _budget(program, users["admin.programas"])
        _people_cap(program, users["admin.programas"])
    chicago = {"code": "CHI", "officer": users["oficial.chicago"],
               "partner": users["socio.midwest"], "obligor": "Midwest Immigrant Bond Project",
               "approvers": [users["finanzas.chicago"], users["finanzas.chicago2"]]}
    walked = [_request(program, chicago, i, spec) for i, spec in enumerate(REQUESTS)]
    walked += _los_angeles(users)
    if stdout is not None:
        stdout.write(f"bondfund: program “{program.name}” and one in Los Angeles, "
                     f"{len(walked)} bond requests\n")


def _los_angeles(users):
    crew = {"code": "LAX", "officer": users["oficial.losangeles"],
            "partner": users["socio.southwest"], "obligor": LA_PARTNER,
            "approvers": [users["finanzas.hq"]]}
    consulate = Consulate.objects.filter(code="LAX").first()
    partner = PartnerOrganization.objects.filter(name=LA_PARTNER).first()
    if consulate is None or partner is None:
        return []
    admin = users["admin.programas"]
    with transaction.atomic():
        program = BondProgram.objects.filter(name=LA_PROGRAM).first() or services.program_create(
            actor=admin, name=LA_PROGRAM, total_budget=usd(60_000),
            per_case_maximum=usd(25_000), approval_tiers=[{"above": "10000", "approvals": 2}],
            starts_on=D(2025, 12, 1))
        for kind, target in ((AllocationKind.CONSULATE, {"consulate": consulate}),
                             (AllocationKind.PARTNER_CAP, {"partner": partner})):
            if not BudgetAllocation.objects.filter(program=program, kind=kind, memo=MEMO,
                                                   **target).exists():
                services.program_budget_change(actor=admin, program_id=program.pk, kind=kind,
                                               amount=usd(60_000), memo=MEMO, **target)
    return [_request(program, crew, i, spec) for i, spec in enumerate(LA_REQUESTS)]


def _program(admin):
    program = BondProgram.objects.filter(name=PROGRAM).first()
    if program is not None:
        return program
    return services.program_create(
        actor=admin, name=PROGRAM, total_budget=usd(300_000), per_case_maximum=usd(25_000),
        approval_tiers=[{"above": "10000", "approvals": 2}], starts_on=D(2025, 12, 1),
        questions=[
            ("¿Fue detenida sin orden judicial? / Detained without a judicial warrant?", True,
             "El programa cubre solo detenciones sin orden judicial. / The program covers "
             "only people detained without a judicial warrant."),
            ("¿Tiene antecedentes penales? / Has a criminal record?", False,
             "El programa excluye a personas con antecedentes penales. / The program "
             "excludes people with a criminal record."),
        ])


def _budget(program, admin):
    consulates = Consulate.objects.in_bulk([c for c, _ in ALLOCATIONS], field_name="code")
    for code, amount in ALLOCATIONS:
        consulate = consulates.get(code)
        if consulate and not BudgetAllocation.objects.filter(
                program=program, kind=AllocationKind.CONSULATE, consulate=consulate,
                memo=MEMO).exists():
            services.program_budget_change(actor=admin, program_id=program.pk,
                                           kind=AllocationKind.CONSULATE, amount=usd(amount),
                                           consulate=consulate, memo=MEMO)
    for name, amount in CAPS:
        partner = PartnerOrganization.objects.filter(name=name).first()
        if partner and not BudgetAllocation.objects.filter(
                program=program, kind=AllocationKind.PARTNER_CAP, partner=partner,
                memo=MEMO).exists():
            services.program_budget_change(actor=admin, program_id=program.pk,
                                           kind=AllocationKind.PARTNER_CAP, amount=usd(amount),
                                           partner=partner, memo=MEMO)


def _people_cap(program, admin):
    """The pilot frees up to 200 people; set once, before any request is approved."""
    if ("program", None, None) not in people_positions(program=program.ledger_ref):
        program_people_cap_set(actor=admin, program_id=program.pk, level="program",
                               count=PEOPLE_CAP)


def _request(program, crew, index, spec):
    facility, amount, target = spec
    officer = crew["officer"]
    beneficiaries = list(Beneficiary.objects.active().filter(consulate__code=crew["code"])
                         .order_by("pk"))
    beneficiary = beneficiaries[index % len(beneficiaries)]
    bond = BondRequest.objects.filter(program=program, beneficiary=beneficiary,
                                     detention_case__facility=facility).first()
    if bond is None:
        obligor = services.obligor_choices(beneficiary.consulate_id).filter(
            name=crew["obligor"]).first()
        bond = services.bond_request_create(
            actor=officer, beneficiary=beneficiary, program=program, facility=facility,
            detained_on=D(2025, 11, 20), obligor=obligor,
            eligibility_answers={q.pk: q.qualifying_answer
                                 for q in program.eligibility_questions.all()},
            authority="ij", decided_on=D(2025, 12, 2),
            judge_or_court=f"Immigration Court, {beneficiary.consulate.city} (IJ demo)",
            amount=usd(amount),
            bond_type="delivery", conditions="Presentarse ante ICE cada mes.")
    _walk(bond, target, crew, amount)
    return bond


def _walk(bond, target, crew, amount):
    officer, partner, approvers = crew["officer"], crew["partner"], crew["approvers"]
    end = target if target in WALK else State.RELEASED
    steps = {
        State.SUBMITTED: lambda: services.bond_request_submit(actor=officer, request_id=bond.pk),
        State.APPROVED: lambda: [services.bond_request_approve(actor=a, request_id=bond.pk)
                                 for a in approvers[:_approvals_needed(bond)]],
        State.DISBURSED: lambda: _pay_by_wire(bond, approvers[0]),
        State.POSTED: lambda: services.bond_request_confirm_posting(
            actor=partner, request_id=bond.pk, posted_on=D(2025, 12, 5),
            receipt=_pdf("I-305.pdf")),
        State.RELEASED: lambda: services.bond_request_confirm_release(
            actor=partner, request_id=bond.pk, released_on=D(2025, 12, 6),
            document=_pdf("release.pdf")),
    }
    for state in WALK[1:WALK.index(end) + 1]:
        if _state(bond) in WALK and WALK.index(_state(bond)) < WALK.index(state):
            steps[state]()
    if target in (State.REFUND_DUE, State.CLOSED_REFUNDED) and _state(bond) == State.RELEASED:
        services.bond_request_cancel(actor=officer, request_id=bond.pk,
                                     cancelled_on=D(2026, 3, 2), document=_pdf("I-391.pdf"))
    if target == State.CLOSED_REFUNDED and _state(bond) == State.REFUND_DUE:
        services.bond_request_record_refund(
            actor=partner, request_id=bond.pk, principal=usd(amount), interest=usd("21.00"),
            refunded_on=D(2026, 6, 15), confirm_shortfall=True)
    if target == State.BREACHED and _state(bond) == State.RELEASED:
        services.bond_request_breach(actor=officer, request_id=bond.pk,
                                     breached_on=D(2026, 4, 10))


def _pay_by_wire(bond, approver):
    """Through payments, as the approver would: request, then record the wire (no Stripe)."""
    disbursement = services.bond_request_request_payment(actor=approver, request_id=bond.pk)
    payments.disbursement_record_manual(
        disbursement_id=disbursement.pk, actor=approver, method="wire",
        reference=f"FW-DEMO-{bond.pk}", sent_on=D(2025, 12, 4))


def _approvals_needed(bond):
    from core.approvals import approvals_required

    bond = BondRequest.objects.select_related("program").get(pk=bond.pk)
    return approvals_required(bond.program.approval_tiers, bond.amount.amount) \
        - bond.approvals.count()


def _state(bond):
    return BondRequest.objects.values_list("state", flat=True).get(pk=bond.pk)


def _pdf(name):
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.write(out)
    return check_upload(SimpleUploadedFile(name, out.getvalue(),
                                           content_type="application/pdf"))
