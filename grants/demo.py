"""Demo grant programs and applications, walked through the services. Idempotent: a program
that exists is left alone, and applications are made only for a program that has none."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from core.models import Beneficiary, Consulate, PartnerOrganization, User
from core.uploads import check_upload
from grants import services
from grants.models import DocumentKind, GrantKind, GrantProgram, PayeeKind
from payments import services as payments

REINTEGRATION = "Programa de reintegración México te abraza"
MEDICAL = "Repatriación médica"
LEGAL = "Programa de Asistencia Jurídica Externa (PALE)"
REMAINS = "Traslado de restos"

PROGRAMS = [
    {"name": REINTEGRATION, "kind": GrantKind.REINTEGRATION, "currency": "MXN",
     "total_budget": Decimal("2000000"), "per_grant_max": Decimal("2000"),
     "required_documents": [DocumentKind.CURP, DocumentKind.REPATRIATION_LETTER,
                            DocumentKind.IDENTIFICATION],
     "waiting_period_days": 365,
     "questions": [("¿La persona fue repatriada a México en los últimos 90 días?", True,
                    "The support is for people repatriated in the last 90 days.")],
     "allocations": {"CHI": Decimal("200000"), "LAX": Decimal("200000"),
                     "HOU": Decimal("100000")}},
    {"name": MEDICAL, "kind": GrantKind.MEDICAL_REPATRIATION, "currency": "USD",
     "total_budget": Decimal("250000"), "per_grant_max": Decimal("25000"),
     "approval_tiers": [{"above": "5000", "approvals": 2}],
     "required_documents": [DocumentKind.MEDICAL_REPORT, DocumentKind.IDENTIFICATION],
     "waiting_period_days": 180,
     "allocations": {"CHI": Decimal("60000"), "LAX": Decimal("60000"),
                     "HOU": Decimal("40000"), "SAT": Decimal("30000")}},
    {"name": LEGAL, "kind": GrantKind.LEGAL_FEES, "currency": "USD",
     "total_budget": Decimal("150000"), "per_grant_max": Decimal("7500"),
     "approval_tiers": [{"above": "5000", "approvals": 2}],
     "required_documents": [DocumentKind.LEGAL_SERVICES_CONTRACT],
     "allocations": {"CHI": Decimal("40000"), "LAX": Decimal("40000"),
                     "TUS": Decimal("20000")},
     "partner_caps": {"Midwest Immigrant Bond Project": Decimal("25000"),
                      "Southwest Detention Aid": Decimal("25000")}},
    {"name": REMAINS, "kind": GrantKind.TRANSFER_OF_REMAINS, "currency": "USD",
     "total_budget": Decimal("120000"), "per_grant_max": Decimal("9000"),
     "required_documents": [DocumentKind.DEATH_CERTIFICATE, DocumentKind.INVOICE,
                            DocumentKind.INABILITY_TO_PAY],
     "questions": [("¿La familia puede cubrir el traslado por sí misma?", False,
                    "The fund pays a transfer of remains only when the family cannot.")],
     "allocations": {"CHI": Decimal("30000"), "LAX": Decimal("30000"),
                     "ELP": Decimal("20000")}},
]


def load(stdout=None):
    users = {u.username: u for u in User.objects.filter(username__in=(
        "admin.programas", "oficial.chicago", "finanzas.chicago", "finanzas.chicago2"))}
    if len(users) < 4:
        if stdout is not None:
            stdout.write("grants: the core demo users are missing, skipped\n")
        return
    with transaction.atomic():
        programs = {spec["name"]: _program(spec, users["admin.programas"]) for spec in PROGRAMS}
        made = _applications(programs, users)
    if stdout is not None:
        stdout.write(f"grants: {len(programs)} programs, {made} new applications\n")


def _program(spec, admin):
    existing = GrantProgram.objects.filter(name=spec["name"]).first()
    if existing is not None:
        return existing
    program = services.grant_program_create(
        actor=admin, name=spec["name"], kind=spec["kind"], currency=spec["currency"],
        total_budget=spec["total_budget"], per_grant_max=spec["per_grant_max"],
        approval_tiers=spec.get("approval_tiers", []),
        required_documents=spec["required_documents"],
        waiting_period_days=spec.get("waiting_period_days", 0),
        questions=spec.get("questions", []))
    consulates = Consulate.objects.in_bulk(spec["allocations"], field_name="code")
    for code, amount in spec["allocations"].items():
        if code in consulates:
            services.grant_program_allocate(actor=admin, program_id=program.pk,
                                            consulate=consulates[code], amount=amount)
    for name, amount in spec.get("partner_caps", {}).items():
        partner = PartnerOrganization.objects.filter(name=name).first()
        if partner is not None:
            services.grant_partner_cap_set(actor=admin, program_id=program.pk, partner=partner,
                                           amount=amount)
    return program


def _scan(name):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PNG")
    return check_upload(SimpleUploadedFile(f"{name}.png", buffer.getvalue()))


def _open(program, officer, beneficiary, amount, *, payee_kind=PayeeKind.BENEFICIARY,
          payee_name=None, payee_partner=None, account="", address="", purpose=""):
    application = services.grant_application_create(
        actor=officer, beneficiary=beneficiary, program=program, amount=amount,
        purpose=purpose, payee_kind=payee_kind, payee_partner=payee_partner,
        payee_name=payee_name or beneficiary.full_name, payee_account=account,
        payee_address=address,
        eligibility_answers={str(q.pk): q.qualifying_answer for q in program.questions.all()})
    for kind in program.required_documents:
        services.grant_document_add(actor=officer, application_id=application.pk, kind=kind,
                                    checked=_scan(kind))
    return application


def _applications(programs, users):
    if any(p.applications.exists() for p in programs.values()):
        return 0
    people = list(Beneficiary.objects.active().filter(consulate__code="CHI")
                  .exclude(curp="").order_by("pk")[:5])
    if len(people) < 5:
        return 0
    who = {"officer": users["oficial.chicago"], "approver": users["finanzas.chicago"],
           "second": users["finanzas.chicago2"], "today": timezone.localdate()}
    return (_demo_reintegration(programs, people, who) + _demo_medical(programs, people, who)
            + _demo_remains(programs, people, who) + _demo_legal(programs, people, who))


def _disburse(who, application, method, reference):
    """Through payments, as the approver would: request, then record the payment."""
    disbursement = services.grant_application_request_payment(actor=who["approver"],
                                                              application_id=application.pk)
    payments.disbursement_record_manual(disbursement_id=disbursement.pk, actor=who["approver"],
                                        method=method, reference=reference,
                                        sent_on=who["today"])


def _demo_reintegration(programs, people, who):
    """One the whole way (card loaded, receipt signed, closed), one waiting for approval."""
    officer, approver = who["officer"], who["approver"]
    card = _open(programs[REINTEGRATION], officer, people[0], Decimal("2000"),
                 account="Tarjeta México te abraza 4152-XXXX-0193",
                 purpose="Apoyo de reintegración al llegar a Guanajuato.")
    services.grant_application_submit(actor=officer, application_id=card.pk)
    services.grant_application_approve(actor=approver, application_id=card.pk)
    _disburse(who, card, "card", "MTA-2026-00193")
    services.grant_application_confirm_receipt(actor=officer, application_id=card.pk,
                                               received_on=who["today"],
                                               checked=_scan("recibo-firmado"))
    services.grant_application_close(actor=officer, application_id=card.pk)
    waiting = _open(programs[REINTEGRATION], officer, people[1], Decimal("2000"),
                    account="Tarjeta México te abraza (por emitir)",
                    purpose="Apoyo de reintegración, repatriada por Ciudad Juárez.")
    services.grant_application_submit(actor=officer, application_id=waiting.pk)
    return 2


def _demo_medical(programs, people, who):
    """Medical repatriation above the tier: two approvers signed, budget reserved."""
    medical = _open(programs[MEDICAL], who["officer"], people[2], Decimal("6500"),
                    payee_kind=PayeeKind.VENDOR, payee_name="AirMed Ambulancia Aérea",
                    account="Wire ABA 071000013 / 884422", address="Chicago, IL",
                    purpose="Traslado en ambulancia aérea Chicago-Guadalajara.")
    services.grant_application_submit(actor=who["officer"], application_id=medical.pk)
    services.grant_application_approve(actor=who["approver"], application_id=medical.pk)
    services.grant_application_approve(actor=who["second"], application_id=medical.pk)
    return 1


def _demo_remains(programs, people, who):
    """Transfer of remains paid to the funeral home, receipt pending."""
    remains = _open(programs[REMAINS], who["officer"], people[3], Decimal("3800"),
                    payee_kind=PayeeKind.VENDOR, payee_name="Funeraria Del Carmen",
                    account="Check", address="2200 S Blue Island Ave, Chicago, IL",
                    purpose="Traslado de restos a Zacatecas; la familia no puede pagarlo.")
    services.grant_application_submit(actor=who["officer"], application_id=remains.pk)
    services.grant_application_approve(actor=who["approver"], application_id=remains.pk)
    _disburse(who, remains, "check", "CHK-10452")
    return 1


def _demo_legal(programs, people, who):
    """PALE legal fees to the partner, still a draft, and one returned for a fix."""
    made = 0
    partner = PartnerOrganization.objects.filter(name="Midwest Immigrant Bond Project").first()
    if partner is not None:
        _open(programs[LEGAL], who["officer"], people[4], Decimal("2500"),
              payee_kind=PayeeKind.PARTNER, payee_partner=partner, payee_name=partner.name,
              account="ACH on file", purpose="Representación en audiencia de fianza.")
        made += 1
    returned = _open(programs[MEDICAL], who["officer"], people[4], Decimal("1800"),
                     payee_kind=PayeeKind.FAMILY_MEMBER, payee_name="Rosa Torres",
                     account="Zelle rosa@example.org",
                     purpose="Medicamentos para el traslado por tierra.")
    services.grant_application_submit(actor=who["officer"], application_id=returned.pk)
    services.grant_application_return(actor=who["approver"], application_id=returned.pk,
                                      comment="Falta la cotización de la farmacia.")
    return made + 1
