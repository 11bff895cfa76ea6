import os

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """The public results site and the read-only JSON API (suppressed data only)."""

    name = "lofte.web.results"
    label = "results"
    verbose_name = "Resultat"

    def ready(self) -> None:
        # LOFTE_PRELOAD_CUBE=1 with `gunicorn --preload`: the public cube is read once in the
        # master and shared by the forked workers, instead of each worker's first visitor
        # waiting for it.
        if os.environ.get("LOFTE_PRELOAD_CUBE") == "1":
            from lofte.cube import query

            if query.available():
                query.indicators()
