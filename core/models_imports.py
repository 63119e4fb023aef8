"""Import jobs: an uploaded CSV/XLSX validated in chunks, then saved all or nothing.

Defined here and re-exported by core.models.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        BENEFICIARIES = "beneficiaries", _("Beneficiaries")
        RELEASES = "releases", _("Release confirmations")
        BOND_REQUESTS = "bond_requests", _("Bond requests")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        VALIDATING = "validating", _("Checking every row")
        INVALID = "invalid", _("Rows with errors: nothing was saved")
        READY = "ready", _("Checked: waiting for your confirmation")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Saved")
        FAILED = "failed", _("Stopped: nothing was saved")

    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.SAVING)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.QUEUED)
    file_name = models.CharField(max_length=255, editable=False)  # in private storage
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4)
    partner = models.ForeignKey("core.PartnerOrganization", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    saved_count = models.PositiveIntegerField(_("rows saved"), default=0)
    errors = models.JSONField(default=list, blank=True)  # the first rows' errors
    preview = models.JSONField(default=list, blank=True)  # the first rows, as read
    unmatched = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name} · {self.get_status_display()}"

    @property
    def is_running(self):
        return self.status in self.RUNNING

    @property
    def percent(self):
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
