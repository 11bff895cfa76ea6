"""A user's scope: the counties (and optionally pathways) her role applies to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.Model):
    """The counties and pathways a coordinator or process leader is limited to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope"
    )
    #: County codes, e.g. ``["05", "06"]``.
    regions = models.JSONField(_("regioner"), default=list, blank=True)
    #: Pathway ids (empty: every pathway).
    pathways = models.JSONField(_("vårdförlopp"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("behörighetsomfång")

    def __str__(self) -> str:
        return f"{self.user} – {', '.join(self.regions) or '–'}"
