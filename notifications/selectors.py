"""Reads of the outbox, scoped like everything else: program administrators see every
message that needs attention, consulate staff their consulate's, anyone else gets a 403."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from core.models import Role
from core.tenancy import Scope
from notifications.models import Notification, Status

RESPONSIBLE_ROLES = (Role.PROGRAM_ADMIN, Role.CONSULATE_OFFICER, Role.FINANCE_APPROVER)
PROBLEM_STATES = (Status.FAILED, Status.SKIPPED)


def _scoped(user):
    scope = Scope.of(user)
    scope.require(*RESPONSIBLE_ROLES)
    roles = [r for r in RESPONSIBLE_ROLES if scope.has_role(r)]
    if scope.is_headquarters(Role.PROGRAM_ADMIN):
        return Notification.objects.all()
    return Notification.objects.filter(scope.consulate_q("consulate", *roles))


def problems_visible_to(user, *, status=""):
    """Failed and skipped messages this user answers for, newest first."""
    rows = _scoped(user).filter(status__in=PROBLEM_STATES)
    if status in PROBLEM_STATES:
        rows = rows.filter(status=status)
    return rows.select_related("recipient_user", "consulate", "about_type")


def failed_count_for(user) -> int:
    """How many messages wait for this user's attention (0 for roles that answer for none)."""
    if not Scope.of(user).has_role(*RESPONSIBLE_ROLES):
        return 0
    return _scoped(user).filter(status__in=PROBLEM_STATES).count()


def messages_about(obj):
    """Every message about one record (a case's history); the caller has scoped `obj`."""
    return (Notification.objects
            .filter(about_type=ContentType.objects.get_for_model(obj), about_id=str(obj.pk))
            .select_related("recipient_user"))


def person_history(beneficiary, user):
    """Messages to a beneficiary or about their record, for their history (core.history)."""
    from django.db.models import Q

    from core.history import HistoryItem
    kind = _("Message")
    about = Q(about_type=ContentType.objects.get_for_model(beneficiary),
              about_id=str(beneficiary.pk))
    rows = Notification.objects.filter(about | Q(beneficiary=beneficiary)).order_by("-id")[:50]
    return [HistoryItem(date=row.created_at, kind_label=kind,
                        title=f"{row.get_channel_display()}: {row.subject or row.body[:60]}",
                        state_label=row.get_status_display()) for row in rows]


def person_timeline(beneficiary_ids):
    """Timeline provider (core.timeline): messages to these people, to their family contacts
    or about their records, each with its channel, recipient and outcome in words."""
    from django.db.models import Q

    from core.models import Beneficiary
    from core.timeline import TimelineEntry
    about = Q(about_type=ContentType.objects.get_for_model(Beneficiary),
              about_id__in=[str(pk) for pk in beneficiary_ids])
    rows = (Notification.objects
            .filter(about | Q(beneficiary_id__in=beneficiary_ids)
                    | Q(family_contact__beneficiary_id__in=beneficiary_ids))
            .select_related("family_contact", "recipient_user").order_by("-id")[:100])
    kind = _("Message")
    return [TimelineEntry(date=row.created_at, kind_label=kind, consulate_id=row.consulate_id,
                          title=_message_title(row), state_label=_message_state(row))
            for row in rows]


def _message_title(row):
    if row.family_contact_id:
        to = row.family_contact.name
    elif row.beneficiary_id:
        to = _("the person")
    else:
        to = row.recipient_user.get_username() if row.recipient_user_id else row.address
    return _("%(channel)s to %(recipient)s: %(text)s") % {
        "channel": row.get_channel_display(), "recipient": to,
        "text": row.subject or row.body[:60]}


def _message_state(row):
    if row.problem:
        return _("%(status)s: %(reason)s") % {"status": row.get_status_display(),
                                               "reason": row.get_problem_display()}
    return row.get_status_display()
