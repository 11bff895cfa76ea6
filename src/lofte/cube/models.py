"""Operational records of the cube: register aggregates and compute runs.

The cube itself is sorted Parquet under LOFTE_HOME (millions of cells are no job for ORM tables).
"""

from __future__ import annotations

from django.db import models


class RegisterImport(models.Model):
    """One imported cancer-register aggregate file (*nya cancerfall*)."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class RegisterCount(models.Model):
    """New cancer cases per county, period (month or year) and pathway."""

    region = models.CharField(max_length=2)
    period = models.CharField(max_length=7)
    pathway = models.CharField(max_length=40)
    new_cases = models.PositiveIntegerField()
    source = models.ForeignKey(RegisterImport, on_delete=models.CASCADE, related_name="counts")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period", "pathway"], name="uniq_register_cell"
            )
        ]


class ComputeRun(models.Model):
    """One rebuild of instances and cube from the active data."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    deliveries = models.JSONField(default=list)
    instances = models.PositiveIntegerField(default=0)
    cells = models.PositiveIntegerField(default=0)
    cube_path = models.CharField(max_length=500, blank=True)


class AggregateImport(models.Model):
    """One imported file of aggregate indicator values (SPEC §6)."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    replaced = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class AggregateValue(models.Model):
    """One imported value of an aggregate indicator, current or kept as history.

    A re-import of the same (indicator, region, period, source, definition) marks the earlier
    row ``current=False`` and records which import replaced it; rows are never deleted.
    ``definition`` names the definition version when it is not the catalogue's (empty: the
    catalogue's); with ``source`` it makes the value's series (:mod:`lofte.cube.aggregates`).
    """

    indicator = models.CharField(max_length=80)
    region = models.CharField(max_length=40)
    period = models.CharField(max_length=7)
    source = models.CharField(max_length=500)
    definition = models.CharField(max_length=500, blank=True, default="")
    numerator = models.BigIntegerField(null=True)
    denominator = models.BigIntegerField(null=True)
    value = models.FloatField()
    note = models.TextField(blank=True)
    line = models.PositiveIntegerField()
    batch = models.ForeignKey(AggregateImport, on_delete=models.PROTECT, related_name="values")
    current = models.BooleanField(default=True)
    replaced_by = models.ForeignKey(
        AggregateImport, on_delete=models.PROTECT, null=True, related_name="replaced_values"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "period", "source", "definition"],
                condition=models.Q(current=True),
                name="uniq_current_aggregate_series",
            )
        ]
        indexes = [models.Index(fields=["indicator", "region", "period"])]
