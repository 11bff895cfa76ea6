"""The grant ledger (SPEC §11): funding sources, pools per area and year, ledger entries.

Amounts are whole kronor (``BigIntegerField``). Granted and paid are never stored as totals: the
ledger sums the entries, so it cannot drift from them. Figures stated in a source document that
the ledger can check (a stated remaining amount, a specification with stated subtotals) are kept
as they were written, for reconciliation; they are never corrected.
"""

from __future__ import annotations

from django.db import models


class GrantImport(models.Model):
    """One imported grants file (``lofte import grants FILE``)."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class FromSource(models.Model):
    """Where a record came from: the source document's words, the import and its line (or none,
    for records made through the ledger)."""

    source = models.TextField(blank=True)
    batch = models.ForeignKey(GrantImport, null=True, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(null=True)

    class Meta:
        abstract = True


class FundingSource(FromSource):
    """Money received for a year (e.g. *ÖK 2025*, 5 000 000 kr), with its allocation key."""

    year = models.PositiveSmallIntegerField(db_index=True)
    name = models.CharField(max_length=200)
    amount = models.BigIntegerField()
    #: ``"05=2,2; 06=1,5; 08=1,1"``, ``"population:sydost"`` or empty (not allocated to regions).
    key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["year", "id"]


class Pool(FromSource):
    """The budget of one area in one year (*Radiologi* 2025: 6 171 570 kr)."""

    year = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=120)
    budget = models.BigIntegerField()
    #: The remaining amount as the source document states it (None: not stated).
    stated_remaining = models.BigIntegerField(null=True)

    class Meta:
        ordering = ["year", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "area"], name="uniq_grant_pool")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"


class LedgerEntry(FromSource):
    """A grant decided from a pool or a payment made against it; entries are only added."""

    class Kind(models.TextChoices):
        GRANT = "grant", "Beviljat"
        PAYMENT = "payment", "Utbetalt"

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    region = models.CharField(max_length=60, blank=True)
    label = models.CharField(max_length=300)
    amount = models.BigIntegerField()
    #: The application a grant decides, when it was decided through ``calls.decide``.
    application = models.ForeignKey(
        "Application", null=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    #: Set when a grant was decided beyond the pool's budget: the reason given for the override.
    override_reason = models.TextField(blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class SpecificationLine(FromSource):
    """One line of a breakdown in a source document (an amount, or the group's stated total)."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="specification")
    group = models.CharField(max_length=120)
    label = models.CharField(max_length=300, blank=True)
    amount = models.BigIntegerField()
    is_total = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]


class Call(models.Model):
    """A call (*utlysning*) with its timeline as editable dates and its eligibility rule."""

    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    areas = models.CharField(max_length=500, help_text="Områden, skilda med ;")
    budget = models.BigIntegerField(null=True)
    #: ``lofte.grants.eligibility`` syntax, e.g. ``diagnostics_regions>=2 | care_and_…``.
    eligibility = models.CharField(max_length=300, default="any")
    opens = models.DateField()
    deadline = models.DateField()
    assessment_from = models.DateField(null=True)
    assessment_to = models.DateField(null=True)
    proposal = models.DateField(null=True)
    decision = models.DateField(null=True)
    publication = models.DateField(null=True)
    interim_report = models.DateField(null=True)
    final_report = models.DateField(null=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    """A grant application (SPEC §11): draft → submitted → granted / partly granted / rejected."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        SUBMITTED = "submitted", "Inskickad"
        IN_ASSESSMENT = "in_assessment", "Under bedömning"
        GRANTED = "granted", "Beviljad"
        PARTLY_GRANTED = "partly_granted", "Delvis beviljad"
        REJECTED = "rejected", "Avslagen"
        REPORTING = "reporting", "Återrapportering"
        CLOSED = "closed", "Avslutad"

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    title = models.CharField(max_length=300)
    aims = models.TextField(blank=True)
    area = models.CharField(max_length=120)
    requested = models.BigIntegerField(default=0)
    #: Catalogue indicator codes the project aims to move (checked against the catalogue).
    indicators = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True)
    #: The amount decided (0 for a rejection); None until decided.
    decided_amount = models.BigIntegerField(null=True)
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["id"]


class Applicant(models.Model):
    """A unit applying (unit, region, kind: care, radiology, pathology or other)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="applicants"
    )
    unit = models.CharField(max_length=200)
    region = models.CharField(max_length=8)
    kind = models.CharField(max_length=12)

    class Meta:
        ordering = ["id"]


class BudgetLine(models.Model):
    """One line of an application's budget; on submission the lines must sum to the request."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    label = models.CharField(max_length=300)
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
