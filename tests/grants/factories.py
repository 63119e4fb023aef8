"""Grant programs and applications built through the services, so the ledger agrees."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.uploads import check_upload
from grants import services
from grants.models import GrantApplication, GrantKind, PayeeKind


def png_upload(name="document.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def checked_png(name="document.png"):
    return check_upload(png_upload(name))


def make_program(world, *, kind=GrantKind.MEDICAL_REPATRIATION, currency="USD",
                 total=Decimal("50000"), per_grant_max=Decimal("10000"), allocations=None,
                 tiers=(), required_documents=(), waiting_period_days=0, questions=(),
                 name=None):
    program = services.grant_program_create(
        actor=world.admin, name=name or f"{kind} {currency}", kind=kind, currency=currency,
        total_budget=total, per_grant_max=per_grant_max, approval_tiers=list(tiers),
        required_documents=list(required_documents),
        waiting_period_days=waiting_period_days, questions=questions,
    )
    allocations = {world.consulate_a: Decimal("20000")} if allocations is None else allocations
    for consulate, amount in allocations.items():
        services.grant_program_allocate(actor=world.admin, program_id=program.pk,
                                        consulate=consulate, amount=amount)
    return program


def make_application(world, program, *, amount=Decimal("1000"), beneficiary=None,
                     officer=None, payee_kind=PayeeKind.FAMILY_MEMBER, payee_partner=None,
                     answers=None):
    beneficiary = beneficiary or world.ben_a
    officer = officer or world.officer_a
    if answers is None:
        answers = {str(q.pk): q.qualifying_answer for q in program.questions.all()}
    return services.grant_application_create(
        actor=officer, beneficiary=beneficiary, program=program, amount=amount,
        purpose="Apoyo urgente", payee_kind=payee_kind, payee_partner=payee_partner,
        payee_name=payee_partner.name if payee_partner else "María Alvarado",
        payee_account="BANK-001", eligibility_answers=answers,
    )


def submitted(world, program, **kwargs):
    application = make_application(world, program, **kwargs)
    officer = kwargs.get("officer") or world.officer_a
    for kind in program.required_documents:
        services.grant_document_add(actor=officer, application_id=application.pk, kind=kind,
                                    checked=checked_png())
    return services.grant_application_submit(actor=officer, application_id=application.pk)


def approved(world, program, *, approver=None, **kwargs):
    application = submitted(world, program, **kwargs)
    return services.grant_application_approve(actor=approver or world.approver_a,
                                              application_id=application.pk)


def pay(world, application, *, method="wire", reference="WIRE-1", sent_on=None,
        approver=None):
    """Release payment and record it on the payments page, as the finance approver does;
    returns the application as it is now."""
    from payments.services import disbursement_record_manual

    approver = approver or world.approver_a
    disbursement = services.grant_application_request_payment(actor=approver,
                                                              application_id=application.pk)
    disbursement_record_manual(disbursement_id=disbursement.pk, actor=approver, method=method,
                               reference=reference, sent_on=sent_on or timezone.localdate())
    return GrantApplication.objects.get(pk=application.pk)


def disbursed(world, program, **kwargs):
    return pay(world, approved(world, program, **kwargs))
