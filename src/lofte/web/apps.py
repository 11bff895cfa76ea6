"""The Django project's own app: base template, shared static files (vendored JS)."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web project's own templates, static files and translations."""

    name = "lofte.web"
    label = "lofte_web"
    verbose_name = "Löfte web"
