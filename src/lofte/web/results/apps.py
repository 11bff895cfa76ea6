from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """The public results site and the read-only JSON API (suppressed data only)."""

    name = "lofte.web.results"
    label = "results"
    verbose_name = "Resultat"
