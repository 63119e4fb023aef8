import datetime
import random

import factory
from django_otp.plugins.otp_static.models import StaticDevice

from core.models import Beneficiary, Consulate, Membership, PartnerOrganization, Role, User
from core.permissions_documents import document_permissions_grant
from core.validators import curp_check_digit

_CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"


def make_curp(seq, dob=datetime.date(1990, 5, 17), sex="H", state="MC"):
    rnd = random.Random(seq)
    first = rnd.choice("BCDFGHLMPRST") + rnd.choice("AEIOU") + rnd.choice("BCDFGHLMPRST") * 2
    body = (
        f"{first}{dob:%y%m%d}{sex}{state}"
        + "".join(rnd.choice(_CONSONANTS) for _ in range(3))
        + ("0" if dob.year < 2000 else "A")
    )
    return body + curp_check_digit(body)


class ConsulateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consulate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "Z" + chr(65 + (n // 26) % 26) + chr(65 + n % 26))
    name = factory.LazyAttribute(lambda o: f"Consulado de México en {o.city}")
    city = factory.Sequence(lambda n: f"Ciudad {n}")
    state = "IL"
    phone = "+1 312 555 0100"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganization

    name = factory.Sequence(lambda n: f"Partner Legal Aid {n}")
    ein = factory.Sequence(lambda n: f"36-{1000000 + n:07d}")
    is_501c3 = True
    obligor_eligible = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.CONSULATE_OFFICER
    consulate = factory.SubFactory(ConsulateFactory)
    partner = None


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    reference = factory.Sequence(lambda n: f"TST-2026-{n:06d}")
    given_names = factory.Sequence(lambda n: f"Juan{n}")
    family_names = factory.Sequence(lambda n: f"Pérez{n} López")
    date_of_birth = datetime.date(1990, 5, 17)
    a_number = factory.Sequence(lambda n: f"{200000000 + n:09d}")
    curp = factory.Sequence(lambda n: make_curp(n))
    consulate = factory.SubFactory(ConsulateFactory)
    consents_to_family_lookup = True


def user_with_role(role, *, consulate=None, partner=None, username=None, **user_fields):
    user = UserFactory(**({"username": username} if username else {}), **user_fields)
    Membership.objects.create(user=user, role=role, consulate=consulate, partner=partner)
    document_permissions_grant(user=user, roles=[role])  # as the role is normally given
    return user


def give_second_factor(user):
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    return device
