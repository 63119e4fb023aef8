import re

_DASHES = re.compile(r"[\u2010-\u2015\u2212_./]")
_SPACES = re.compile(r"\s+")
_PARTS = re.compile(r"^([A-Z]{3})-?(\d{4})-?(\d{1,6})$")
MAX_LENGTH = 40


def normalize_reference(typed) -> str:
    """`chi 2026 123` or `CHI–2026–000123` -> `CHI-2026-000123`; anything else upper-cased."""
    text = _DASHES.sub("-", str(typed or "")).upper().strip()
    text = _SPACES.sub("-", text)
    text = re.sub(r"-{2,}", "-", text)[:MAX_LENGTH]
    match = _PARTS.match(text)
    if match:
        code, year, number = match.groups()
        return f"{code}-{year}-{int(number):06d}"
    return text


def consulate_code_of(reference) -> str:
    """The consulate code a well-formed reference starts with, or ''."""
    match = _PARTS.match(reference or "")
    return match.group(1) if match else ""
