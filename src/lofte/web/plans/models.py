"""Action plans (SPEC §10): plan → development area → goal → action (VAD) → activities (HUR).

An action carries its owner as written (*VEM*) plus linked accounts, its dates, its status and
the whole history of dated status updates and comments (:class:`StatusUpdate`, only ever added).
It links to indicator codes of the catalogue, regions and pathways through :class:`ActionLink`
rows, so that the gap board and the filters can ask for them in SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """The status of an action."""

    EJ_PABORJAD = "ej_paborjad", _("Ej påbörjad")
    PLANERAS = "planeras", _("Planeras")
    PAGAENDE = "pagaende", _("Pågående")
    KLAR = "klar", _("Klar")
    PAUSAD = "pausad", _("Pausad")
    INSTALLD = "installd", _("Inställd")


#: Work that is going on or about to: an *active* action on the gap board and in the report.
ACTIVE = (Status.EJ_PABORJAD, Status.PLANERAS, Status.PAGAENDE)
#: Not finished and not cancelled: such an action can be overdue and gets reminders.
OPEN = (*ACTIVE, Status.PAUSAD)


class Plan(models.Model):
    """An action plan of a region or RCC, with its period."""

    #: Stable identifier used on the command line and in the YAML file (a slug).
    slug = models.SlugField(_("id"), max_length=80, unique=True)
    name = models.CharField(_("namn"), max_length=300)
    organisation = models.CharField(_("organisation"), max_length=200)
    #: The plan's period as written, e.g. "2025" or "2024–2026", and its parsed bounds.
    period = models.CharField(_("period"), max_length=60, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    #: Healthcare region or county code the plan belongs to (for filters), e.g. "sydost", "07".
    region = models.CharField(_("region"), max_length=24, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    source = models.TextField(_("källa"), blank=True)
    #: The plan is example data from a seed document or invented (demo); shown on every page.
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("handlingsplan")

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A development area (*målområde*, *utvecklingsområde*) or a heading of the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveIntegerField(default=0)
    number = models.CharField(_("nummer"), max_length=16, blank=True)
    name = models.CharField(_("område"), max_length=300)
    #: A sub-heading within the area as written (e.g. "Prevention"), if any.
    section = models.CharField(_("avsnitt"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("utvecklingsområde")

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Goal(models.Model):
    """A goal of an area of the plan (national goal, *målbild* or goal)."""

    class Kind(models.TextChoices):
        """What kind of goal it is."""

        NATIONAL = "nationellt_mal", _("Nationellt mål")
        MALBILD = "malbild", _("Målbild")
        GOAL = "mal", _("Mål")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("typ"), max_length=16, choices=Kind.choices, default=Kind.GOAL)
    number = models.CharField(_("nummer"), max_length=16, blank=True)
    text = models.TextField(_("mål"))
    #: Indicator codes of the catalogue that the goal is about (only where the text is clear).
    indicators = models.JSONField(default=list, blank=True)
    #: Conditions, responsibility or comments written beside the goal (e.g. *Ansvar: …*).
    note = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["area", "position"]
        verbose_name = _("mål")

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}".strip()


class Action(models.Model):
    """*VAD*: an action under a goal, with status, owners, dates and links."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveIntegerField(default=0)
    #: Identifier within the plan, kept through export and import (e.g. "1.3" or "MB12.2").
    ref = models.CharField(_("id"), max_length=32)
    title = models.TextField(_("åtgärd (vad)"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.EJ_PABORJAD
    )
    #: The status word as the source wrote it (e.g. "Pågår", "Planeras under 2025").
    status_text = models.CharField(_("status i källan"), max_length=200, blank=True)
    #: *VEM*: roles and groups as written.
    responsible = models.TextField(_("ansvarig (vem)"), blank=True)
    responsible_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="plan_actions"
    )
    #: *NÄR* of the action as written, when the source gives one for the action as a whole.
    when_text = models.CharField(_("när"), max_length=300, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("klart senast"), null=True, blank=True, db_index=True)
    recurring = models.BooleanField(_("återkommande"), default=False)
    note = models.TextField(_("förutsättningar/kommentar"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["goal", "position"]
        verbose_name = _("åtgärd")
        constraints = [
            models.UniqueConstraint(fields=["goal", "ref"], name="plans_action_ref_in_goal"),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def plan(self) -> Plan:
        """The plan the action belongs to."""
        return self.goal.area.plan

    def is_open(self) -> bool:
        """Whether the action is neither done nor cancelled."""
        return self.status in OPEN

    def is_active(self) -> bool:
        """Whether the action is not started, planned or under way (open and not paused)."""
        return self.status in ACTIVE

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Whether the action is open and past its due date."""
        today = today or dt.date.today()
        return self.is_open() and self.due_date is not None and self.due_date < today

    def codes(self, kind: str) -> list[str]:
        """The codes the action is linked to of one kind (indicator, region, pathway)."""
        return sorted(link.code for link in self.links.all() if link.kind == kind)


class ActionLink(models.Model):
    """A link from an action to an indicator, region or pathway code."""

    class Kind(models.TextChoices):
        """What a link points to."""

        INDICATOR = "indicator", _("Indikator")
        REGION = "region", _("Region")
        PATHWAY = "pathway", _("Vårdförlopp")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    code = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "code"], name="plans_link_unique"),
        ]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class Activity(models.Model):
    """*HUR*: one step of an action, with its own *NÄR* and *VEM* as written."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("aktivitet (hur)"))
    when_text = models.CharField(_("när"), max_length=300, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    recurring = models.BooleanField(default=False)
    recurrence = models.CharField(max_length=100, blank=True)
    responsible = models.TextField(_("ansvarig (vem)"), blank=True)
    status_text = models.CharField(_("status i källan"), max_length=200, blank=True)

    class Meta:
        ordering = ["action", "position"]
        verbose_name = _("aktivitet")

    def __str__(self) -> str:
        return self.text[:80]


class StatusUpdate(models.Model):
    """One dated entry of an action's history: a status, a comment and what changed."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("datum"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    #: Kept even if the account is deleted later ("import" for rows read from a plan file).
    username = models.CharField(_("av"), max_length=150, blank=True)
    #: Field → [old, new] for every other field the update changed (dates, owner).
    changes = models.JSONField(default=dict, blank=True)
    #: Invented by the demo (*syntetisk*), never a real follow-up.
    synthetic = models.BooleanField(_("syntetisk"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "date", "id"]
        verbose_name = _("statusuppdatering")

    def __str__(self) -> str:
        return f"{self.date} {self.status}"


class ReminderSent(models.Model):
    """A reminder mail that went out, so that each is sent once per due date."""

    class Kind(models.TextChoices):
        """Why a reminder was sent."""

        DUE_SOON = "due_soon", _("Förfaller snart")
        OVERDUE = "overdue", _("Försenad")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_date = models.DateField()
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind", "due_date"], name="plans_reminder_once"
            ),
        ]
