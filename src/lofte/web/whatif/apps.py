"""*Vad händer om…?*: what-if arithmetic on past patients, for staff (issue 16)."""

from django.apps import AppConfig


class WhatIfConfig(AppConfig):
    name = "lofte.web.whatif"
    label = "whatif"
    verbose_name = "Vad händer om"
