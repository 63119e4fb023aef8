"""Demo organizations, people and users. `load` is idempotent: run it as often as you like.

Every demo user's password is `fianza-demo-2026`, and every demo user signs in with a second
factor: a TOTP device "default" (key in core.demo_data.TOTP_KEY_BASE32) and the backup codes
demo-0001 .. demo-0010, all restored on every run.
"""

import datetime
import unicodedata

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import demo_data
from core.models import (
    Beneficiary,
    Consulate,
    FamilyContact,
    Membership,
    PartnerOrganization,
    User,
)
from core.permissions_documents import document_permissions_grant
from core.services import beneficiary_create
from core.validators import curp_check_digit

VOWELS = "AEIOU"


def load(stdout=None):
    with transaction.atomic():
        consulates = _consulates()
        partners = _partners(consulates)
        users = _users(consulates, partners)
        created = _beneficiaries(consulates, users)
    if stdout is not None:
        stdout.write(
            f"core: {len(consulates)} consulates, {len(partners)} partners, {len(users)} users, "
            f"{created} new beneficiaries (password {demo_data.PASSWORD}, backup codes "
            f"{demo_data.BACKUP_CODES[0]}..{demo_data.BACKUP_CODES[-1]})\n"
        )


def _consulates():
    result = {}
    zone_of = {code: zone for zone, codes in demo_data.TIME_ZONES.items() for code in codes}
    for code, city, state in demo_data.CONSULATES:
        spanish = demo_data.SPANISH_CITY_NAMES.get(city, city)
        name = ("Sección Consular de la Embajada de México en Washington" if code == "WAS"
                else f"Consulado de México en {spanish}")
        result[code], _ = Consulate.objects.update_or_create(
            code=code,
            defaults={"name": name, "city": city, "state": state,
                      "time_zone": zone_of.get(code, "America/Chicago"),
                      "email": f"proteccion.{code.lower()}@consulado.example.org"},
        )
    return result


def _partners(consulates):
    result = {}
    for data in demo_data.PARTNERS:
        partner, _ = PartnerOrganization.objects.update_or_create(
            ein=data["ein"],
            defaults={"name": data["name"], "city": data["city"], "state": data["state"],
                      "email": data["email"], "is_501c3": True, "obligor_eligible": True},
        )
        partner.consulates.add(*(consulates[c] for c in data["consulates"]))
        result[data["key"]] = partner
    return result


def _users(consulates, partners):
    result = {}
    for (username, first, last, role, consulate_code, partner_key, language,
         superuser) in demo_data.USERS:
        user, created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.language = first, last, language
        user.email = f"{username}@demo.fianza.example.org"
        user.is_active = True
        user.is_staff = user.is_superuser = superuser
        if created or not user.check_password(demo_data.PASSWORD):
            user.set_password(demo_data.PASSWORD)
        user.save()
        Membership.objects.get_or_create(
            user=user, role=role,
            consulate=consulates.get(consulate_code) if consulate_code else None,
            partner=partners.get(partner_key) if partner_key else None,
        )
        document_permissions_grant(user=user, roles=[role])  # imports and exports
        second_factor_restore(user)  # every role reads personal data
        result[username] = user
    return result


def second_factor_restore(user):
    """A TOTP device "default" and the backup codes, as documented; restores used codes."""
    totp, _ = TOTPDevice.objects.get_or_create(user=user, name="default")
    totp.key = demo_data.TOTP_KEY_HEX
    totp.confirmed = True
    totp.throttling_failure_count = 0
    totp.throttling_failure_timestamp = None
    totp.save()
    backup, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    backup.confirmed = True
    backup.throttling_failure_count = 0
    backup.throttling_failure_timestamp = None
    backup.save()
    # Restore any code used since the last run, so the demo stays usable.
    have = set(backup.token_set.values_list("token", flat=True))
    StaticToken.objects.bulk_create(
        StaticToken(device=backup, token=code)
        for code in demo_data.BACKUP_CODES if code not in have
    )


def _beneficiaries(consulates, users):
    officers = {"CHI": users["oficial.chicago"], "LAX": users["oficial.losangeles"],
                "HOU": users["oficial.houston"]}
    admin = users["admin.programas"]
    created = 0
    for (given, family, dob, sex, state, code, language, a_number,
         needs) in demo_data.BENEFICIARIES:
        dob = datetime.date.fromisoformat(dob)
        # The Milwaukee duplicate came in without papers: no A-number, no CURP.
        duplicate = code == "MKE" and not a_number
        curp = "" if duplicate else make_curp(given, family, dob, sex, state)
        if Beneficiary.objects.filter(given_names=given, family_names=family,
                                      date_of_birth=dob, consulate=consulates[code]).exists():
            continue
        beneficiary = beneficiary_create(
            actor=officers.get(code, admin), consulate=consulates[code], confirm_distinct=True,
            given_names=given, family_names=family, date_of_birth=dob, a_number=a_number,
            curp=curp,
            preferred_language=language, accessibility_needs=needs,
            consents_to_family_lookup=True,
        )
        for name, relationship, phone in demo_data.FAMILY_CONTACTS.get(a_number, ()):
            FamilyContact.objects.create(beneficiary=beneficiary, name=name,
                                         relationship=relationship, phone=phone)
        created += 1
    return created


def _plain(value):
    decomposed = unicodedata.normalize("NFKD", value.upper())
    return "".join(ch for ch in decomposed if "A" <= ch <= "Z" or ch == " ")


def _first_inner(word, letters):
    return next((ch for ch in word[1:] if ch in letters), "X")


def make_curp(given, family, dob, sex, state):
    """A CURP laid out as RENAPO does from the name and birth data (homonym digit 0/A)."""
    surnames = _plain(family).split()
    first_surname = surnames[0]
    second_surname = surnames[1] if len(surnames) > 1 else "X"
    names = _plain(given).split()
    name = names[1] if len(names) > 1 and names[0] in {"JOSE", "MARIA", "MA", "J"} else names[0]
    consonants = "BCDFGHJKLMNPQRSTVWXYZ"
    body = (
        first_surname[0] + _first_inner(first_surname, VOWELS) + second_surname[0] + name[0]
        + f"{dob:%y%m%d}{sex}{state}"
        + _first_inner(first_surname, consonants) + _first_inner(second_surname, consonants)
        + _first_inner(name, consonants)
        + ("0" if dob.year < 2000 else "A")
    )
    return body + curp_check_digit(body)
