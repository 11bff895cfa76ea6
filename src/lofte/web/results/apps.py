"""The results site's app: installs Django's translations for the Django-free page models."""

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
        # An indicator's page keeps its funded projects for a minute per process
        # (lofte.web.results.shell); a change to any grants record drops them at once here.
        from django.apps import apps
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        setting_changed.connect(_forget, dispatch_uid="results-frames")
        if apps.is_installed("lofte.grants"):
            for model in apps.get_app_config("grants").get_models():
                for signal in (post_save, post_delete):
                    signal.connect(
                        _forget_projects,
                        sender=model,
                        dispatch_uid=f"projects-{model.__name__}",
                    )


# Module-level (signals keep weak references) and importing the page code only when called, so
# that management commands do not import it at set-up.
def _forget(**kwargs: object) -> None:
    from lofte.web.results import shell

    shell.forget()


def _forget_projects(**kwargs: object) -> None:
    from lofte.web.results import shell

    shell.forget_projects()
