"""What a released person must do while the bond stands: appear at hearings and check-ins.

An appearance is scheduled at an instant (stored in UTC, typed and shown in the bond's
consulate's zone). Moving one keeps the old row (state "moved") and adds a new row that
supersedes it, so the history of dates stays; reminders follow the new row only. A missed
appearance opens an `ObligationRisk` on the bond: the fund's own flag, not a bond state.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from bondfund.models import BondProgram, BondRequest
from core.timezones import zone_of


class Kind(models.TextChoices):
    HEARING = "hearing", _("Immigration court hearing")
    ICE_CHECK_IN = "ice_check_in", _("ICE check-in")
    ATD_CHECK_IN = "atd_check_in", _("ATD check-in")


class HearingType(models.TextChoices):
    MASTER = "master", _("Master calendar")
    INDIVIDUAL = "individual", _("Individual calendar")


class AppearanceState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Missed")


class ReminderKind(models.TextChoices):
    WEEK = "week", _("A week before")
    DAY = "day", _("The day before")
    MORNING = "morning", _("The morning of the appearance")


class ReminderSettings(models.Model):
    """A program's reminder hours, local to each case's consulate; without a row the
    defaults below apply."""

    program = models.OneToOneField(BondProgram, on_delete=models.CASCADE,
                                   related_name="reminder_settings",
                                   verbose_name=_("program"))
    days_before_week = models.PositiveSmallIntegerField(_("first reminder (days before)"),
                                                        default=7)
    days_before_day = models.PositiveSmallIntegerField(_("second reminder (days before)"),
                                                       default=1)
    reminder_time = models.TimeField(_("hour of the earlier reminders"),
                                     default=datetime.time(10, 0))
    morning_time = models.TimeField(_("hour of the reminder on the day"),
                                    default=datetime.time(7, 0))

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self):
        return str(self.program)


class Appearance(FSMModelMixin, models.Model):
    bond = models.ForeignKey(BondRequest, on_delete=models.PROTECT,
                             related_name="appearances", verbose_name=_("bond"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    scheduled_for = models.DateTimeField(_("date and time"))
    place = models.CharField(_("court or office"), max_length=200)
    judge = models.CharField(_("judge"), max_length=120, blank=True)
    hearing_type = models.CharField(_("hearing type"), max_length=12,
                                    choices=HearingType.choices, blank=True)
    state = FSMField(_("state"), max_length=10, choices=AppearanceState.choices,
                     default=AppearanceState.SCHEDULED, protected=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by",
                                      verbose_name=_("replaces"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["scheduled_for", "id"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        indexes = [
            models.Index(fields=["state", "scheduled_for"], name="appearance_due_idx"),
            models.Index(fields=["bond", "scheduled_for"], name="appearance_bond_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.local_start:%Y-%m-%d %H:%M}"

    @property
    def local_start(self) -> datetime.datetime:
        return self.scheduled_for.astimezone(zone_of(self.bond.consulate))

    @property
    def local_wall(self) -> datetime.datetime:
        """The consulate's wall-clock time, naive, so templates do not convert it again."""
        return self.local_start.replace(tzinfo=None)

    @property
    def is_hearing(self):
        return self.kind == Kind.HEARING

    @transition(field=state, source=AppearanceState.SCHEDULED, target=AppearanceState.MOVED)
    def move(self, *, by, at, comment):
        self._close(by, at, comment)

    @transition(field=state, source=AppearanceState.SCHEDULED,
                target=AppearanceState.CANCELLED)
    def cancel(self, *, by, at, comment):
        self._close(by, at, comment)

    @transition(field=state, source=AppearanceState.SCHEDULED,
                target=AppearanceState.ATTENDED)
    def mark_attended(self, *, by, at, comment):
        self._close(by, at, comment)

    @transition(field=state, source=AppearanceState.SCHEDULED, target=AppearanceState.MISSED)
    def mark_missed(self, *, by, at, comment):
        self._close(by, at, comment)

    def _close(self, by, at, comment):
        self.closed_by, self.closed_at, self.comment = by, at, comment


class ObligationRisk(models.Model):
    """A bond at risk of breach because its person missed an appearance, until resolved."""

    bond = models.ForeignKey(BondRequest, on_delete=models.PROTECT, related_name="risks",
                             verbose_name=_("bond"))
    appearance = models.OneToOneField(Appearance, on_delete=models.PROTECT,
                                      related_name="risk", verbose_name=_("appearance"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolution = models.CharField(_("how it was resolved"), max_length=500, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("bond at risk")
        verbose_name_plural = _("bonds at risk")
        indexes = [models.Index(fields=["bond", "resolved_at"], name="risk_open_idx")]

    def __str__(self):
        return f"{self.bond} · {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.resolved_at is None


class AppealState(models.TextChoices):
    FILED = "filed", _("Filed, waiting for the decision")
    SUSTAINED = "sustained", _("Sustained: the breach is overturned")
    DISMISSED = "dismissed", _("Dismissed: the breach stands")


class BreachAppeal(FSMModelMixin, models.Model):
    """The obligor's appeal of a breach (Form I-290B), from filing to the decision."""

    bond = models.OneToOneField(BondRequest, on_delete=models.PROTECT,
                                related_name="breach_appeal", verbose_name=_("bond"))
    state = FSMField(_("state"), max_length=10, choices=AppealState.choices,
                     default=AppealState.FILED, protected=True)
    filed_on = models.DateField(_("filed on (I-290B)"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(default=timezone.now, editable=False)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.CharField(_("decision"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("breach appeal")
        verbose_name_plural = _("breach appeals")

    def __str__(self):
        return f"{self.bond.reference} · {self.get_state_display()}"

    @transition(field=state, source=AppealState.FILED, target=AppealState.SUSTAINED)
    def sustain(self, *, by, at, on, comment):
        self._decide(by, at, on, comment)

    @transition(field=state, source=AppealState.FILED, target=AppealState.DISMISSED)
    def dismiss(self, *, by, at, on, comment):
        self._decide(by, at, on, comment)

    def _decide(self, by, at, on, comment):
        self.decided_by, self.decided_at, self.decided_on = by, at, on
        self.decision_comment = comment


class StayState(models.TextChoices):
    WAITING = "waiting", _("Waiting for ICE's appeal")
    APPEALED = "appealed", _("ICE appealed to the Board")
    LAPSED = "lapsed", _("Lapsed: ICE did not appeal in time")


class StayWatch(FSMModelMixin, models.Model):
    """ICE's automatic stay (EOIR-43) of a judge's release order and its appeal deadline:
    ICE must appeal within 10 business days of filing, counted at the bond's consulate."""

    bond = models.ForeignKey(BondRequest, on_delete=models.PROTECT,
                             related_name="stay_watches", verbose_name=_("bond"))
    filed_on = models.DateField(_("EOIR-43 filed on"))
    appeal_deadline = models.DateField(_("ICE's appeal deadline"))
    state = FSMField(_("state"), max_length=10, choices=StayState.choices,
                     default=StayState.WAITING, protected=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("EOIR-43 stay")
        verbose_name_plural = _("EOIR-43 stays")
        constraints = [models.UniqueConstraint(fields=["bond", "filed_on"],
                                               name="stay_watch_once_per_filing")]

    def __str__(self):
        return f"{self.bond.reference} · {self.filed_on}"

    @transition(field=state, source=StayState.WAITING, target=StayState.APPEALED)
    def ice_appealed(self, *, by, at, on, comment):
        self._record(by, at, on, comment)

    @transition(field=state, source=StayState.WAITING, target=StayState.LAPSED)
    def lapse(self, *, by, at, on, comment):
        self._record(by, at, on, comment)

    def _record(self, by, at, on, comment):
        self.recorded_by, self.recorded_at, self.outcome_on, self.comment = by, at, on, comment


class ReceivableReceipt(models.Model):
    """Money DHS owed on a bond that came back after the bond's own refund step: the rest of
    a short refund, the interest of a breached bond, the principal of a sustained appeal.
    Its id makes the ledger key, stored before the transfer."""

    bond = models.ForeignKey(BondRequest, on_delete=models.PROTECT, related_name="receipts",
                             verbose_name=_("bond"))
    principal = models.BigIntegerField(_("principal (minor units)"), default=0)
    interest = models.BigIntegerField(_("interest (minor units)"), default=0)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("money received on a bond")
        verbose_name_plural = _("money received on bonds")

    def __str__(self):
        return f"{self.bond.reference} · {self.received_on}"

    @property
    def ledger_key(self):
        return f"bond:{self.bond_id}:receipt:{self.pk}"
