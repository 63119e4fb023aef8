"""The date a payment was sent is typed as the consulate's calendar reads: at 01:50 in San Juan
on 1 December a San Juan payment may be dated 1 December, though Chicago is still on
30 November. Each test runs at fixed instants around midnight in Chicago, UTC and San Juan."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import ConsulateTimeZone
from payments.models import Status
from payments.services import disbursement_record_manual
from tests.clock import CHICAGO, SAN_JUAN
from tests.payments.factories import requested


def record(funded, d, sent_on):
    return disbursement_record_manual(disbursement_id=d.pk, actor=funded.approver_a,
                                      method="wire", reference="FED-20261201-0007",
                                      sent_on=sent_on)


@pytest.mark.parametrize("zone_name,zone", [(ConsulateTimeZone.CENTRAL, CHICAGO),
                                            (ConsulateTimeZone.ATLANTIC, SAN_JUAN)])
def test_sent_today_at_the_consulate_is_accepted_and_tomorrow_refused(around_midnight, funded,
                                                                       zone_name, zone):
    funded.consulate_a.time_zone = zone_name
    funded.consulate_a.save()
    today_there = around_midnight.astimezone(zone).date()
    refused = requested(funded, amount=100_000)
    with pytest.raises(ValidationError, match="future"):
        record(funded, refused, today_there + datetime.timedelta(days=1))
    refused.refresh_from_db()
    assert refused.status == Status.REQUESTED

    paid = record(funded, requested(funded, amount=100_000), today_there)
    assert paid.status == Status.PAID
