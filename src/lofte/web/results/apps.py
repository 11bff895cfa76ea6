import os

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """The public results site and the read-only JSON API (suppressed data only)."""

    name = "lofte.web.results"
    label = "results"
    verbose_name = "Resultat"

    def ready(self) -> None:
        # LOFTE_PRELOAD_CUBE=1 (set by `lofte serve` for gunicorn --preload): the master checks
        # the cube once before the workers fork – the disclosure gate, and the public cube file
        # written if it is missing – so that no visitor waits for either. Nothing of the cube is
        # held: each worker opens the public file itself on its first request (a few MB).
        if os.environ.get("LOFTE_PRELOAD_CUBE") == "1":
            from lofte.cube import query

            query.available()
