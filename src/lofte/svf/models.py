"""The delivery register: one row per SVF delivery file a region has sent.

The events themselves live in an immutable Parquet file per delivery (the event store); a row here
is created only after that file is completely written, so the database never points at half a
delivery.
"""

from __future__ import annotations

from django.db import models


class Delivery(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "aktiv"
        SUPERSEDED = "superseded", "ersatt"
        REJECTED = "rejected", "avvisad"

    region = models.CharField(max_length=2, help_text="County code of the delivering region")
    window_from = models.DateField(null=True)
    window_to = models.DateField(null=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    rows_read = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    duplicates_dropped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    events_path = models.CharField(max_length=500, blank=True, help_text="Relative to LOFTE_HOME")
    # The event file as registered: SHA-256 of its bytes and its size. Compute and `lofte check`
    # verify the file against them (and its row count against rows_stored) before trusting it.
    events_sha256 = models.CharField(max_length=64, blank=True)
    events_bytes = models.BigIntegerField(null=True, blank=True)
    # {"errors": [...], "warnings": [...], "truncated": bool}; each issue names line, column,
    # masked value and reason. Personnummer appear only masked (YYYYMMDD-****).
    report = models.JSONField(default=dict)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    #: Set by the import service on the instance it returns (not stored): ``imported``,
    #: ``rejected`` or ``unchanged``, and a one-line Swedish summary for the user.
    outcome: str = ""
    message: str = ""

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        window = f"{self.window_from}–{self.window_to}"
        return f"Leverans {self.pk} ({self.region}, {window}, {self.status})"
