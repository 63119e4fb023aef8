"""Keyed hashes for what the lookup log must not keep in clear (client address, date of birth).

HMAC-SHA256 keyed with settings.SECRET_KEY: equal inputs give equal digests, so attempts can
be counted and compared, but a leaked log cannot be reversed by hashing every date.
"""

from django.utils.crypto import salted_hmac


def date_of_birth_hmac(date_of_birth) -> str:
    return salted_hmac("fianza.public.date_of_birth", date_of_birth.isoformat(),
                       algorithm="sha256").hexdigest()


def client_hmac(client_address) -> str:
    return salted_hmac("fianza.public.client", client_address or "",
                       algorithm="sha256").hexdigest()
