"""A plan action's citation of a what-if result (issue 16, item 4).

The result is stored as it was computed when it was cited (selection, scenario and counts), so
that the action keeps showing what its owner saw even after a later compute changes the
figures; the link re-opens the same selection on today's data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Citation(models.Model):
    """A what-if result cited by an action of a plan, with its numbers as they were when cited."""

    action = models.ForeignKey(
        "plans.Action", on_delete=models.CASCADE, related_name="whatif_citations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: The page's county (whose desk the result was computed on) and the selection.
    county = models.CharField(max_length=8)
    area = models.CharField(_("område"), max_length=32)
    pathway = models.CharField(_("vårdförlopp"), max_length=64)
    period = models.CharField(_("period"), max_length=16)
    basis = models.CharField(_("regionbas"), max_length=16)
    #: The scenario: interval index (lofte.core.whatif.INTERVALS), kind and amount.
    interval = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)
    amount = models.PositiveIntegerField()
    #: The result when cited.
    n = models.PositiveIntegerField()
    within_before = models.PositiveIntegerField()
    within_after = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hänvisning till vad händer om")

    @property
    def stem(self) -> str:
        """The cited interval's code (e.g. ``besok_till_diagnos``)."""
        from lofte.core.whatif import INTERVALS

        return INTERVALS[self.interval]

    @property
    def outcome(self) -> Any:
        """The result as cited (a :class:`lofte.core.whatif.Outcome`; days saved not kept)."""
        from lofte.core.whatif import Outcome, Scenario

        scenario = Scenario(self.interval, self.kind, self.amount)
        return Outcome(scenario, self.n, self.within_before, self.within_after, days_saved=0)

    def url(self) -> str:
        """The staff what-if page with the cited selection and scenario chosen."""
        query = {
            "omrade": self.area,
            "forlopp": self.pathway,
            "period": self.period,
            "bas": self.basis,
            "intervall": self.interval,
            "typ": self.kind,
            "varde": self.amount,
        }
        return f"{reverse('whatif:page', args=[self.county])}?{urlencode(query)}"
