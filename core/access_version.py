"""Telling sessions that what they derived from a user's memberships is out of date.

`User.access_version` moves whenever one of the user's memberships is saved or deleted, or a
consulate they belong to is saved (its time zone may have changed). The user row is read on
every request anyway, so a session compares the version it stored with the row's at no cost,
instead of querying the memberships again (core.timezones.ConsulateTimeZoneMiddleware).
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save


def bump_access_version(*, user_ids=None, consulate_id=None) -> None:
    from core.models import Membership, User

    users = User.objects.all()
    if consulate_id is not None:
        users = users.filter(pk__in=Membership.objects.filter(consulate_id=consulate_id)
                             .values("user_id"))
    else:
        users = users.filter(pk__in=list(user_ids))
    users.update(access_version=F("access_version") + 1)


def _membership_changed(sender, instance, **kwargs):
    bump_access_version(user_ids=[instance.user_id])


def _consulate_saved(sender, instance, created, **kwargs):
    if not created:
        bump_access_version(consulate_id=instance.pk)


def connect() -> None:
    from core.models import Consulate, Membership

    post_save.connect(_membership_changed, sender=Membership,
                      dispatch_uid="fianza.access_version.membership_saved")
    post_delete.connect(_membership_changed, sender=Membership,
                        dispatch_uid="fianza.access_version.membership_deleted")
    post_save.connect(_consulate_saved, sender=Consulate,
                      dispatch_uid="fianza.access_version.consulate_saved")
