"""Where the person is now, in the words a family reads: "Liberada el 3 de diciembre", not a
code. Spanish agrees with the person's sex; when it is not recorded the sentence avoids it.

Only what officers recorded for a consenting person is read: the place (a detention
facility or a reception point in Mexico), its city, the date and the services received.
"""

from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.utils.translation import pgettext_lazy

from core.models import Sex
from core.models_people import Whereabouts
from core.whereabouts import current_location, services_received

# Spanish agrees with the person's sex, so each sentence has one translation per context.
# The contexts are written out (not computed) so that makemessages can find every one.
_SENTENCES = {
    "female": {
        "held_at": pgettext_lazy("female", "Held at %(place)s since %(date)s."),
        "held": pgettext_lazy("female", "Held in detention since %(date)s."),
        "released": pgettext_lazy("female", "Released on %(date)s."),
        "returned_at": pgettext_lazy(
            "female", "Returned to Mexico on %(date)s and received at %(place)s."),
        "returned": pgettext_lazy("female", "Returned to Mexico on %(date)s."),
    },
    "male": {
        "held_at": pgettext_lazy("male", "Held at %(place)s since %(date)s."),
        "held": pgettext_lazy("male", "Held in detention since %(date)s."),
        "released": pgettext_lazy("male", "Released on %(date)s."),
        "returned_at": pgettext_lazy(
            "male", "Returned to Mexico on %(date)s and received at %(place)s."),
        "returned": pgettext_lazy("male", "Returned to Mexico on %(date)s."),
    },
    "unknown sex": {
        "held_at": pgettext_lazy("unknown sex", "Held at %(place)s since %(date)s."),
        "held": pgettext_lazy("unknown sex", "Held in detention since %(date)s."),
        "released": pgettext_lazy("unknown sex", "Released on %(date)s."),
        "returned_at": pgettext_lazy(
            "unknown sex", "Returned to Mexico on %(date)s and received at %(place)s."),
        "returned": pgettext_lazy("unknown sex", "Returned to Mexico on %(date)s."),
    },
}
_CONTEXT = {Sex.FEMALE: "female", Sex.MALE: "male"}


@dataclass(frozen=True)
class FamilyWhereabouts:
    headline: str
    services: list  # (date, service in words, place)


def _place(location):
    return ", ".join(p for p in (location.place, location.city, location.region) if p)


def _sentence(location, sex):
    words = _SENTENCES[_CONTEXT.get(sex, "unknown sex")]
    values = {"date": date_filter(location.since, "DATE_FORMAT"), "place": _place(location)}
    if location.status == Whereabouts.HELD:
        key = "held_at" if values["place"] else "held"
    elif location.status == Whereabouts.RELEASED:
        key = "released"
    else:
        key = "returned_at" if values["place"] else "returned"
    return str(words[key]) % values


def family_whereabouts(beneficiary):
    """The headline and the services received, or None when nothing was recorded."""
    location = current_location(beneficiary.pk)
    services = [(s.received_on, s.get_kind_display(), s.place)
                for s in services_received(beneficiary.pk)]
    if location is None and not services:
        return None
    headline = _sentence(location, beneficiary.sex) if location else ""
    return FamilyWhereabouts(headline=headline, services=services)
