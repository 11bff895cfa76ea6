"""*Vad händer om…?*: what-if arithmetic on past patients, for staff (issue 16)."""

from django.apps import AppConfig


class WhatIfConfig(AppConfig):
    """The what-if app: the staff page, citations in actions and the public grid."""

    name = "lofte.web.whatif"
    label = "whatif"
    verbose_name = "Vad händer om"
