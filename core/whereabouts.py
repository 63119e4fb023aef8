"""Where a person is now and the services received, as officers record them: the writes
(audited), the reads the family page and the timeline use."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import Beneficiary, PersonLocation, PersonService
from core.selectors import BENEFICIARY_WRITERS
from core.tenancy import Scope
from core.timeline import TimelineEntry
from core.timezones import local_today

LOCATION_FIELDS = ("status", "since", "place", "city", "region")
SERVICE_FIELDS = ("kind", "received_on", "place")


def _writable(actor, beneficiary_id):
    """The record locked, if the actor may record things about it (404 otherwise)."""
    scope = Scope.of(actor)
    scope.require(*BENEFICIARY_WRITERS)
    beneficiary = Beneficiary.objects.select_for_update().filter(pk=beneficiary_id).first()
    if beneficiary is None or not scope.reaches_consulate(beneficiary.consulate_id,
                                                          *BENEFICIARY_WRITERS):
        raise Http404
    if beneficiary.merged_into_id:
        raise ValidationError(_("This record was merged into another; change that one."))
    return beneficiary


def _not_in_future(day, field, beneficiary):
    """Dates are typed as the consulate's calendar reads, not the server's."""
    if day > local_today(beneficiary.consulate):
        raise ValidationError({field: _("This date is in the future.")})


def person_location_record(*, actor, beneficiary_id, status, since, place="", city="",
                           region="", comment=""):
    """Record where the person is from `since` on (a new row; earlier ones stay)."""
    with transaction.atomic():
        beneficiary = _writable(actor, beneficiary_id)
        _not_in_future(since, "since", beneficiary)
        location = PersonLocation(beneficiary=beneficiary, status=status, since=since,
                                  place=place, city=city, region=region,
                                  consulate_id=beneficiary.consulate_id, recorded_by=actor)
        location.full_clean()
        location.save()
        audit_record(actor=actor, action="beneficiary.location_record", obj=beneficiary,
                     changes={n: getattr(location, n) for n in LOCATION_FIELDS},
                     comment=comment, consulate_id=beneficiary.consulate_id)
    return location


def person_service_record(*, actor, beneficiary_id, kind, received_on, place="", comment=""):
    with transaction.atomic():
        beneficiary = _writable(actor, beneficiary_id)
        _not_in_future(received_on, "received_on", beneficiary)
        service = PersonService(beneficiary=beneficiary, kind=kind, received_on=received_on,
                                place=place, consulate_id=beneficiary.consulate_id,
                                recorded_by=actor)
        service.full_clean()
        service.save()
        audit_record(actor=actor, action="beneficiary.service_record", obj=beneficiary,
                     changes={n: getattr(service, n) for n in SERVICE_FIELDS},
                     comment=comment, consulate_id=beneficiary.consulate_id)
    return service


def current_location(beneficiary_id):
    """The latest recorded whereabouts, or None."""
    return (PersonLocation.objects.filter(beneficiary_id=beneficiary_id)
            .order_by("-since", "-recorded_at", "-id").first())


def services_received(beneficiary_id):
    """Services in date order."""
    return list(PersonService.objects.filter(beneficiary_id=beneficiary_id)
                .order_by("received_on", "id"))


def people_timeline(beneficiary_ids):
    """Timeline provider: whereabouts and services recorded in core."""
    entries = [
        TimelineEntry(date=loc.since, kind_label=str(loc.get_status_display()),
                      consulate_id=loc.consulate_id,
                      title=", ".join(p for p in (loc.place, loc.city, loc.region) if p))
        for loc in PersonLocation.objects.filter(beneficiary_id__in=beneficiary_ids)
    ]
    entries += [
        TimelineEntry(date=s.received_on, kind_label=str(s.get_kind_display()),
                      consulate_id=s.consulate_id, title=s.place)
        for s in PersonService.objects.filter(beneficiary_id__in=beneficiary_ids)
    ]
    return entries
