"""The coordinators' desk: deliveries, validation reports, own-region lists and figures, jobs."""

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "lofte.web.desk"
    label = "desk"
    verbose_name = "Skrivbord"
