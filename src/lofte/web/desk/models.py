"""Background jobs started from the desk, with the progress the page polls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A background job of the desk (import, compute, report) and its progress."""

    class Kind(models.TextChoices):
        """What a job does."""

        IMPORT = "import", _("Import av leverans")
        COMPUTE = "compute", _("Beräkning")
        REPORT = "report", _("Rapport")

    class Status(models.TextChoices):
        """Where a job is, from queued to done, failed or cancelled."""

        QUEUED = "queued", _("i kö")
        RUNNING = "running", _("pågår")
        CONFIRM = "confirm", _("väntar på bekräftelse")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")
        CANCELLED = "cancelled", _("avbruten")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    region = models.CharField(max_length=8, blank=True)
    #: Import: the uploaded file, relative to LOFTE_HOME; removed when the job ends.
    upload_path = models.CharField(max_length=500, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    window_from = models.DateField(null=True, blank=True)
    window_to = models.DateField(null=True, blank=True)
    #: The user confirmed that the delivery may supersede the active deliveries it covers.
    confirmed = models.BooleanField(default=False)
    #: Import: active deliveries that the upload would supersede (asked before importing).
    supersedes = models.JSONField(default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    delivery = models.ForeignKey(
        "svf.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Jobb {self.pk} ({self.kind}, {self.status})"

    @property
    def finished(self) -> bool:
        """Whether the job has ended (done, failed or cancelled)."""
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED}

    @property
    def percent(self) -> int:
        """Progress in per cent (100 when done)."""
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
