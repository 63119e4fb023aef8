"""The family lookup and the reference card: the writes the public app makes."""

import datetime
import hmac
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.documents import document_issue
from core.models import Beneficiary, IssuedDocument, Role
from core.selectors import beneficiary_get
from core.tenancy import Scope
from public.hashing import client_hmac, date_of_birth_hmac
from public.models import FAILED_OUTCOMES, LookupAttempt, LookupOutcome
from public.references import normalize_reference

CLIENT_LIMIT = 10
CLIENT_WINDOW = datetime.timedelta(minutes=15)
REFERENCE_LIMIT = 5
REFERENCE_WINDOW = datetime.timedelta(hours=1)
# Hashed when the reference is unknown, so both paths do the same work.
DECOY_DATE_OF_BIRTH = datetime.date(1900, 1, 1)

CARD_ISSUERS = (Role.CONSULATE_OFFICER, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN)


@dataclass(frozen=True)
class LookupResult:
    outcome: str
    reference: str
    beneficiary: Beneficiary | None = None
    locked_by: str = ""  # "client" or "reference"

    @property
    def found(self):
        return self.outcome == LookupOutcome.FOUND

    @property
    def locked(self):
        return self.outcome == LookupOutcome.LOCKED


def family_lookup_perform(*, reference, date_of_birth, client_address) -> LookupResult:
    """Match a reference and a date of birth; log the attempt; refuse when locked out."""
    reference = normalize_reference(reference)
    client_hash = client_hmac(client_address)
    typed_hmac = date_of_birth_hmac(date_of_birth)
    now = timezone.now()
    with transaction.atomic():
        locked_by = _locked_by(client_hash=client_hash, reference=reference, now=now)
        if locked_by:
            beneficiary, outcome = None, LookupOutcome.LOCKED
        else:
            beneficiary, outcome = _match(reference=reference, typed_hmac=typed_hmac)
        LookupAttempt.objects.create(
            created_at=now, client_hash=client_hash, reference=reference, outcome=outcome,
            date_of_birth_hmac=typed_hmac,
        )
    return LookupResult(outcome=outcome, reference=reference, beneficiary=beneficiary,
                        locked_by=locked_by)


def _locked_by(*, client_hash, reference, now):
    """Wrong tries are counted per address, and per reference from that address: someone
    guessing dates for a reference locks only themselves, never the family that knows the
    date."""
    failures = LookupAttempt.objects.filter(outcome__in=FAILED_OUTCOMES, client_hash=client_hash)
    if failures.filter(created_at__gt=now - CLIENT_WINDOW).count() >= CLIENT_LIMIT:
        return "client"
    if failures.filter(reference=reference,
                       created_at__gt=now - REFERENCE_WINDOW).count() >= REFERENCE_LIMIT:
        return "reference"
    return ""


def _match(*, reference, typed_hmac):
    """The same query and hash comparison whether or not the reference exists."""
    candidate = (
        Beneficiary.objects.select_related("merged_into__consulate", "consulate")
        .filter(reference=reference)
        .first()
    )
    stored = candidate.date_of_birth if candidate else DECOY_DATE_OF_BIRTH
    same_date = hmac.compare_digest(date_of_birth_hmac(stored), typed_hmac)
    person = (candidate.merged_into or candidate) if candidate else None
    if candidate is None:
        return None, LookupOutcome.UNKNOWN_REFERENCE
    if not same_date:
        return None, LookupOutcome.WRONG_DATE_OF_BIRTH
    if not person.consents_to_family_lookup:
        return None, LookupOutcome.NO_CONSENT
    return person, LookupOutcome.FOUND


def reference_card_issue(*, actor, beneficiary_id, lookup_url):
    """Issue the bilingual card that tells the family how to use the lookup.

    Returns (IssuedDocument, pdf_bytes). `document_issue` renders outside any transaction
    and records the document and its audit event in one.
    """
    beneficiary = beneficiary_get(actor, beneficiary_id)
    scope = Scope.of(actor)
    if not scope.has_role(*CARD_ISSUERS):
        raise PermissionDenied
    if beneficiary.merged_into_id:
        raise ValidationError(_("This record was merged into another one: print the card "
                                "from that record."))
    if not beneficiary.consents_to_family_lookup:
        raise ValidationError(_("The person has not consented to the family lookup, so it "
                                "would not find the case. Record the consent first."))
    document, pdf = document_issue(
        kind=IssuedDocument.Kind.REFERENCE_CARD,
        obj=beneficiary,
        consulate_id=beneficiary.consulate_id,
        template_name="public/reference_card_pdf.html",
        context={"beneficiary": beneficiary, "consulate": beneficiary.consulate,
                 "lookup_url": lookup_url},
        language="es",
        title=_card_title(),
        actor=actor,
    )
    return document, pdf


def _card_title():
    titles = []
    for language in ("es", "en"):
        with translation.override(language):
            titles.append(gettext("Case reference card"))
    return " / ".join(dict.fromkeys(titles))
