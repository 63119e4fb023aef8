import pytest
from django.core.management import call_command

from pale.models import Contract, Referral, ReferralState, Session


@pytest.mark.django_db
def test_demo_loads_advisors_referrals_and_sessions_once():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    contracts, referrals = Contract.objects.count(), Referral.objects.count()
    assert contracts == 2 and referrals > 0
    assert Session.objects.exists()
    assert Referral.objects.filter(state=ReferralState.DECLINED).exists()
    assert Referral.objects.filter(state=ReferralState.PENDING).exists()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (Contract.objects.count(), Referral.objects.count()) == (contracts, referrals)
