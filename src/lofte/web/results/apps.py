import os

from django.apps import AppConfig
from django.utils import translation


class DjangoTranslator:
    """Django's active language and catalogues, for :mod:`lofte.web.results.i18n`."""

    def language(self) -> str:
        """``"en"`` when the visitor reads English, else ``"sv"``."""
        return "en" if (translation.get_language() or "sv").startswith("en") else "sv"

    def gettext(self, message: str) -> str:
        """``message`` as Django translates it now."""
        return translation.gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in ``context`` as Django translates it now."""
        return translation.pgettext(context, message)


class ResultsConfig(AppConfig):
    """The public results site and the read-only JSON API (suppressed data only)."""

    name = "lofte.web.results"
    label = "results"
    verbose_name = "Resultat"

    def ready(self) -> None:
        """Translate the Django-free page models with Django; check the cube when preloading."""
        from lofte.web.results import i18n

        i18n.install(DjangoTranslator())
        # LOFTE_PRELOAD_CUBE=1 (set by `lofte serve` for gunicorn --preload): the master checks
        # the cube once before the workers fork – the disclosure gate, and the public cube file
        # written if it is missing – so that no visitor waits for either. Nothing of the cube is
        # held: each worker opens the public file itself on its first request (a few MB).
        if os.environ.get("LOFTE_PRELOAD_CUBE") == "1":
            from lofte.cube import query

            query.available()
