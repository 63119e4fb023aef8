"""Identifiers: A-number, CURP and EIN, normalized and checked by format."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_A_NUMBER_DIGITS = re.compile(r"^\d{8,9}$")
_EIN = re.compile(r"^\d{2}-?\d{7}$")
# RENAPO's layout: 4 letters, birth date YYMMDD, sex (H/M/X), state code, 3 inner
# consonants, a homonym digit or letter, a check digit.
_CURP = re.compile(
    r"^[A-Z][AEIOUX][A-Z]{2}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[HMX]"
    r"(AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|"
    r"VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d$"
)
_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"


def normalize_a_number(value):
    """Return the 9-digit A-number for 'A-012-345-678', 'A12345678', '012 345 678'..."""
    if value is None:
        return ""
    digits = re.sub(r"[\s\-.]", "", str(value).strip().upper())
    if digits.startswith("A"):
        digits = digits[1:]
    if not _A_NUMBER_DIGITS.match(digits) or int(digits) == 0:
        raise ValidationError(
            _("An A-number has 8 or 9 digits, for example A-012-345-678."), code="a_number"
        )
    return digits.zfill(9)


def format_a_number(digits):
    return f"A-{digits[0:3]}-{digits[3:6]}-{digits[6:9]}" if digits else ""


def curp_check_digit(first17):
    total = sum(_CURP_ALPHABET.index(ch) * (18 - i) for i, ch in enumerate(first17))
    return str((10 - total % 10) % 10)


def normalize_curp(value):
    curp = (value or "").strip().upper()
    if not _CURP.match(curp) or curp_check_digit(curp[:17]) != curp[17]:
        raise ValidationError(
            _("This is not a valid CURP: it has 18 characters in RENAPO's format."),
            code="curp",
        )
    return curp


def normalize_ein(value):
    ein = (value or "").strip()
    if not _EIN.match(ein):
        raise ValidationError(
            _("An EIN has 9 digits, written 12-3456789."), code="ein"
        )
    digits = ein.replace("-", "")
    # The IRS never assigns these prefixes.
    if digits[:2] in {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70",
                      "78", "79", "89", "96", "97"}:
        raise ValidationError(_("This EIN prefix is not one the IRS assigns."), code="ein")
    return f"{digits[:2]}-{digits[2:]}"


def validate_a_number(value):
    normalize_a_number(value)


def validate_curp(value):
    normalize_curp(value)


def validate_ein(value):
    normalize_ein(value)
