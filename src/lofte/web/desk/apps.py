"""The coordinators' desk: deliveries, validation reports, own-region lists and figures, jobs."""

from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The region desk: deliveries, jobs, patient lists and internal figures."""

    name = "lofte.web.desk"
    label = "desk"
    verbose_name = "Skrivbord"
