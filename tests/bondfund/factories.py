"""Bond programs and requests built through the services, so the ledger is always consistent."""

import datetime
import io

import factory
from djmoney.money import Money
from PIL import Image

from bondfund import services
from bondfund.models import AllocationKind, BondProgram, TreasuryRate
from core.uploads import check_upload


def usd(amount):
    return Money(str(amount), "USD")


class TreasuryRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreasuryRate
        django_get_or_create = ("effective_on",)

    effective_on = datetime.date(2025, 1, 1)
    rate_percent = "4.2500"


def make_program(world, *, budget=300_000, consulate_a=100_000, consulate_b=50_000,
                 partner_x=80_000, partner_y=40_000, per_case=25_000, tiers=None,
                 name="Programa piloto de fianzas Chicago 2025"):
    tiers = [{"above": "10000", "approvals": 2}] if tiers is None else tiers
    program = BondProgram.objects.filter(name=name).first() or services.program_create(
        actor=world.admin, name=name, total_budget=usd(budget), per_case_maximum=usd(per_case),
        approval_tiers=tiers, starts_on=datetime.date(2025, 1, 1),
        questions=[("Detained without a judicial warrant?", True,
                    "The program covers only people detained without a judicial warrant."),
                   ("Has a criminal record?", False,
                    "The program excludes people with a criminal record.")])
    for consulate, amount in ((world.consulate_a, consulate_a), (world.consulate_b, consulate_b)):
        if amount:
            services.program_budget_change(actor=world.admin, program_id=program.pk,
                                           kind=AllocationKind.CONSULATE, amount=usd(amount),
                                           consulate=consulate)
    for partner, amount in ((world.partner_x, partner_x), (world.partner_y, partner_y)):
        if amount:
            services.program_budget_change(actor=world.admin, program_id=program.pk,
                                           kind=AllocationKind.PARTNER_CAP,
                                           amount=usd(amount), partner=partner)
    return program


def qualifying_answers(program):
    return {q.pk: q.qualifying_answer for q in program.eligibility_questions.all()}


def make_request(world, program, *, amount=6_000, officer=None, beneficiary=None,
                 obligor=None, submit=True):
    officer = officer or world.officer_a
    beneficiary = beneficiary or world.ben_a
    obligor = obligor or (world.partner_x if beneficiary.consulate_id == world.consulate_a.pk
                          else world.partner_y)
    req = services.bond_request_create(
        actor=officer, beneficiary=beneficiary, program=program,
        facility="Broadview Processing Center", detained_on=datetime.date(2025, 11, 1),
        obligor=obligor, eligibility_answers=qualifying_answers(program),
        authority="ij", decided_on=datetime.date(2025, 11, 10),
        judge_or_court="IJ Chicago Immigration Court", amount=usd(amount),
        bond_type="delivery", conditions="Report to ICE monthly")
    if submit:
        req = services.bond_request_submit(actor=officer, request_id=req.pk)
    return req


def pdf_bytes():
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def upload(name="i305.pdf", content=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content if content is not None else pdf_bytes(),
                              content_type="application/pdf")


def checked_pdf(name="i305.pdf"):
    return check_upload(upload(name))


def pay(world, req, *, method="wire", reference="FW-1", sent_on=datetime.date(2025, 12, 2),
        approver=None):
    """Release payment of an approved bond and record the wire, as the finance approver does
    on the payments page; returns the bond request as it is now."""
    from bondfund.models import BondRequest
    from payments.services import disbursement_record_manual

    approver = approver or world.approver_a
    disbursement = services.bond_request_request_payment(actor=approver, request_id=req.pk)
    disbursement_record_manual(disbursement_id=disbursement.pk, actor=approver, method=method,
                               reference=reference, sent_on=sent_on)
    return BondRequest.objects.get(pk=req.pk)
