"""Import jobs: an uploaded CSV/XLSX validated in chunks, then saved all or nothing.

The job row is the only place its progress lives, so every web process shows the same;
`heartbeat_at` moves while a worker runs it, and a job whose heartbeat stopped is resumed
or failed by the sweep (core.imports). The file is deleted when the job ends; its SHA-256
stays. Defined here and re-exported by core.models.
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
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
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
    heartbeat_at = models.DateTimeField(_("last sign of work"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs started"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_job_sweep_idx")]

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


class DocumentBatch(models.Model):
    """Long PDF work (the month's statements of every consulate and partner) done by a worker,
    its progress here so every web process shows it. One batch per kind and period: the
    schedule run twice finds the same batch, and a resumed batch skips the files it made."""

    class Kind(models.TextChoices):
        MONTHLY_STATEMENTS = "monthly_statements", _("Monthly reconciliation statements")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Producing the documents")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Stopped")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=7)  # YYYY-MM, the fund's time zone
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    total = models.PositiveIntegerField(_("documents"), default=0)
    done_count = models.PositiveIntegerField(_("documents made"), default=0)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("document batch")
        verbose_name_plural = _("document batches")
        constraints = [models.UniqueConstraint(fields=["kind", "period"],
                                               name="document_batch_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period}"

    @property
    def percent(self):
        return min(100, round(100 * self.done_count / self.total)) if self.total else 0


class DocumentBatchFile(models.Model):
    """One PDF of a batch, kept in private storage; served only to who may see its document."""

    batch = models.ForeignKey(DocumentBatch, on_delete=models.CASCADE, related_name="files")
    holder = models.CharField(max_length=40)  # "consulate:<id>" or "partner:<id>"
    document = models.OneToOneField("core.IssuedDocument", on_delete=models.PROTECT,
                                    related_name="+")
    storage_name = models.CharField(max_length=255, editable=False)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "holder"],
                                               name="document_batch_file_once")]

    def __str__(self):
        return f"{self.batch} · {self.holder}"
