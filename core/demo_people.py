"""Where two Los Angeles people are, so the family page shows its plain sentences in the demo:
one held at a named facility, one returned to Mexico and received at a named point, with the
services received there. Safe to run again: a person with a recorded location is left alone."""

import datetime

from core.models import Beneficiary, User
from core.models_people import PersonLocation, ServiceKind, Whereabouts
from core.timezones import local_today
from core.whereabouts import person_location_record, person_service_record


def load(stdout=None):
    officer = User.objects.get(username="oficial.losangeles")
    held = _person("Miguel Ángel", "Jiménez Ruiz")
    returned = _person("Verónica", "Díaz Castillo")
    recorded = 0
    if held and not PersonLocation.objects.filter(beneficiary=held).exists():
        today = local_today(held.consulate)
        person_location_record(actor=officer, beneficiary_id=held.pk, status=Whereabouts.HELD,
                               since=today - datetime.timedelta(days=12),
                               place="Adelanto ICE Processing Center", city="Adelanto",
                               region="CA")
        person_service_record(actor=officer, beneficiary_id=held.pk,
                              kind=ServiceKind.CONSULAR_VISIT,
                              received_on=today - datetime.timedelta(days=9),
                              place="Adelanto ICE Processing Center")
        recorded += 1
    if returned and not PersonLocation.objects.filter(beneficiary=returned).exists():
        since = local_today(returned.consulate) - datetime.timedelta(days=4)
        person_location_record(actor=officer, beneficiary_id=returned.pk,
                               status=Whereabouts.RETURNED, since=since,
                               place="Módulo de repatriación El Chaparral", city="Tijuana",
                               region="Baja California")
        for kind in (ServiceKind.FOOD_SHELTER, ServiceKind.PHONE_CALL, ServiceKind.TRANSPORT):
            person_service_record(actor=officer, beneficiary_id=returned.pk, kind=kind,
                                  received_on=since, place="Tijuana")
        recorded += 1
    if stdout is not None:
        stdout.write(f"whereabouts: {recorded} people located\n")


def _person(given, family):
    return (Beneficiary.objects.active().select_related("consulate")
            .filter(given_names=given, family_names=family, consulate__code="LAX").first())
