"""The grant ledger (SPEC §11): funding sources, pools per area and year, ledger entries.

Amounts are whole kronor (``BigIntegerField``). Granted and paid are never stored as totals: the
ledger sums the entries, so it cannot drift from them. Figures stated in a source document that
the ledger can check (a stated remaining amount, a specification with stated subtotals) are kept
as they were written, for reconciliation; they are never corrected.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        """Whether an entry grants money from the pool or pays it out."""

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
    #: Who may not assess an application: an assessor of one of its applicant units ("unit")
    #: or of one of its regions ("region").
    conflict_rule = models.CharField(
        max_length=8,
        choices=[("unit", _("samma enhet")), ("region", _("samma region"))],
        default="region",
    )

    class Meta:
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    """A grant application (SPEC §11): draft → submitted → granted / partly granted / rejected."""

    class Status(models.TextChoices):
        """Where an application is in its life: draft, submitted, in assessment, decided (granted,
        partly granted, rejected), reporting, closed."""

        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")
        IN_ASSESSMENT = "in_assessment", _("Under bedömning")
        GRANTED = "granted", _("Beviljad")
        PARTLY_GRANTED = "partly_granted", _("Delvis beviljad")
        REJECTED = "rejected", _("Avslagen")
        REPORTING = "reporting", _("Återrapportering")
        CLOSED = "closed", _("Avslutad")

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
    #: The applicant's account (``created_by`` keeps the name).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant_applications",
    )
    #: Plan actions (SPEC §10) the project aims to move.
    actions = models.ManyToManyField("plans.Action", blank=True, related_name="grant_projects")
    #: Report due dates of this project (None: the call's dates), adjustable by rcc_admin.
    interim_due = models.DateField(null=True, blank=True)
    final_due = models.DateField(null=True, blank=True)
    #: The written reason when the decision goes beyond the pool's budget, for the letter.
    decision_note = models.TextField(blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    @property
    def interim_date(self) -> datetime.date | None:
        """When the interim report is due: the project's own date, else the call's."""
        return self.interim_due or self.call.interim_report

    @property
    def final_date(self) -> datetime.date | None:
        """When the final report is due: the project's own date, else the call's."""
        return self.final_due or self.call.final_report

    def regions(self) -> list[str]:
        """The county codes of the applicant units, sorted and without repeats."""
        return sorted({a.region for a in self.applicants.all()})


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


# --- assessment, attachments and follow-up (issue 15, web) -----------------------------------


class Criterion(models.Model):
    """One assessment criterion of a call: a weight and a scale from 1 to ``scale_max``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="uniq_criterion")]

    def __str__(self) -> str:
        return self.name


class CallAssessor(models.Model):
    """An assessor of a call (*bedömningsgrupp*), with the unit and region conflicts are
    judged by; patient council members (PNR) are assessors with ``patient_council``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assessors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_assessments"
    )
    unit = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=8, blank=True)
    patient_council = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="uniq_call_assessor")]


class Assessment(models.Model):
    """One assessor's scores of one application, with the written justification."""

    class Recommendation(models.TextChoices):
        """What the assessor recommends the decision maker to do."""

        GRANT = "grant", _("Bevilja")
        PARTLY = "partly", _("Bevilja delvis")
        REJECT = "reject", _("Avslå")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(CallAssessor, on_delete=models.PROTECT, related_name="+")
    justification = models.TextField()
    recommendation = models.CharField(max_length=8, choices=Recommendation.choices)
    scores = models.JSONField(default=dict)  # {criterion pk (str): score}
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="uniq_assessment")
        ]


class Attachment(models.Model):
    """An uploaded file (PDF or XLSX, checked by content), kept in the database."""

    class Kind(models.TextChoices):
        """What a file is attached as: to the application, or as the A3 sheet of the interim or the
        final report."""

        APPLICATION = "application", _("Bilaga till ansökan")
        INTERIM_A3 = "interim_a3", _("A3-sammanfattning, delrapport")
        FINAL_A3 = "final_a3", _("A3-sammanfattning, slutrapport")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=200)
    file_type = models.CharField(max_length=4)  # "pdf" or "xlsx", from the content
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class ProjectReport(models.Model):
    """An interim or final report of a granted project, with its A3 summary."""

    class Kind(models.TextChoices):
        """Which of a project's two reports this is."""

        INTERIM = "interim", _("Delrapport")
        FINAL = "final", _("Slutrapport")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    summary = models.TextField()
    a3 = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="uniq_project_report")
        ]


class GrantReminderSent(models.Model):
    """A reminder mail sent for a report due date (once per project, kind and due date)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)
    due_date = models.DateField()
    recipients = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "due_date"], name="uniq_grant_reminder"
            )
        ]


class WhatIfCitation(models.Model):
    """A *Vad händer om…?* result that an application cites (issue 16): one scenario of the
    public grid (:data:`lofte.core.whatif.PUBLIC_GRID`) on one public cell (healthcare region ×
    pathway × half-year by home region), only ever one the public site shows. The figures are
    kept as published when the draft was saved, with the time of the compute they come from;
    the application's page shows today's published figures beside them."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="whatif_citations"
    )
    region = models.CharField(max_length=32)
    pathway = models.CharField(max_length=64)
    period = models.CharField(max_length=16)
    #: The scenario: the interval (index into lofte.core.whatif.INTERVALS) shortened by days.
    interval = models.PositiveSmallIntegerField()
    days = models.PositiveSmallIntegerField()
    #: The published figures when cited.
    n = models.PositiveIntegerField()
    within_before = models.PositiveIntegerField()
    within_after = models.PositiveIntegerField()
    computed_at = models.DateTimeField(null=True)
    cited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
