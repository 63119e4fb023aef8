import datetime

import factory
from django.utils import timezone

from public.hashing import client_hmac, date_of_birth_hmac
from public.models import LookupAttempt, LookupOutcome


class LookupAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LookupAttempt

    created_at = factory.LazyFunction(timezone.now)
    client_hash = factory.LazyFunction(lambda: client_hmac("203.0.113.7"))
    reference = "CHI-2026-000999"
    outcome = LookupOutcome.WRONG_DATE_OF_BIRTH
    date_of_birth_hmac = factory.LazyFunction(
        lambda: date_of_birth_hmac(datetime.date(1980, 5, 17))
    )
