"""Identifiers: A-number, CURP and EIN, normalized and checked; names and phones reduced to
the forms search compares."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.mx import curp as stdnum_curp

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
_A_NUMBER_WRITTEN = re.compile(r"^A?[\s\-.]*\d[\d\s\-.]{6,12}$", re.IGNORECASE)
# The record's sex (Beneficiary.sex) for each sex letter of a CURP.
CURP_SEX = {"H": "M", "M": "F", "X": "X"}


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
    """The CURP upper-cased, its layout, check digit and birth date checked (python-stdnum:
    31 February is refused)."""
    curp = stdnum_curp.compact(value or "")
    if not _CURP.match(curp) or curp_check_digit(curp[:17]) != curp[17]:
        raise ValidationError(
            _("This is not a valid CURP: it has 18 characters in RENAPO's format."),
            code="curp",
        )
    try:
        # stdnum knows only H and M; X (non-binary, RENAPO since 2023) is checked above.
        stdnum_curp.validate(curp if curp[10] != "X" else curp[:10] + "H" + curp[11:],
                             validate_check_digits=False)
    except StdnumError:
        raise ValidationError(
            _("This CURP's birth date does not exist or its first letters are not valid."),
            code="curp_date",
        ) from None
    return curp


def curp_birth_date(curp) -> datetime.date:
    return stdnum_curp.get_birth_date(curp)


def curp_conflicts(curp, *, date_of_birth=None, sex=""):
    """(refusals, warnings) comparing a valid CURP with the record.

    A different birth date is refused: one of them is mistyped, and the date of birth is what
    a family types to find the case. A different sex is only a warning: the CURP keeps the sex
    registered at birth, which may not be how the person is recorded today.
    """
    refusals, warnings = [], []
    if not curp:
        return refusals, warnings
    if date_of_birth and curp_birth_date(curp) != date_of_birth:
        refusals.append(_("The CURP gives the date of birth %(date)s, not the one typed. "
                          "Check both.") % {"date": curp_birth_date(curp).isoformat()})
    if sex and CURP_SEX.get(curp[10]) != sex:
        warnings.append(_("The CURP records a different sex from the one on this record; "
                          "check it with the person."))
    return refusals, warnings


def looks_like_a_number(value) -> bool:
    """True for 'A-012-345-678', 'a12345678', '012 345 678' (8 or 9 digits)."""
    value = (value or "").strip()
    digits = re.sub(r"\D", "", value)
    return bool(_A_NUMBER_WRITTEN.match(value)) and 8 <= len(digits) <= 9


def normalize_name(value) -> str:
    """'  JOSÉ  Ñúñez-López ' -> 'jose nunez lopez': no accents, case or punctuation."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in letters.casefold())
    return " ".join(cleaned.split())


def phone_digits(value) -> str:
    """The last ten digits of a phone number, the part that identifies it in the US and
    Mexico whatever the country prefix typed."""
    return re.sub(r"\D", "", value or "")[-10:]


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
