"""The visitor's language for the results site's Django-free code (page models, formats, verdicts).

The page models (:mod:`lofte.web.results.page_model`) and the helpers they use translate through
this module, never through Django, so that they can be imported and tested without Django. The
words themselves stay in the apps' gettext catalogues (``makemessages`` finds ``_``,
``gettext``, ``pgettext``, ``gettext_lazy`` and ``pgettext_lazy`` here as everywhere else).

Who translates is a :class:`Translator`: :class:`SourceText` (the Swedish source words) until the
results app installs :class:`lofte.web.results.apps.DjangoTranslator` (Django's active language,
so a page reads exactly as before); tests without Django use :class:`Catalogue` (the same
compiled catalogues read by the standard library) inside :func:`using`.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Protocol

#: The catalogues of the web layer's apps, in the order Django reads them (project first).
_LOCALE_DIRS = (
    Path(__file__).resolve().parents[1] / "locale",
    Path(__file__).resolve().parent / "locale",
)


class Translator(Protocol):
    """Translates the source (Swedish) words into the current language."""

    def language(self) -> str:
        """``"sv"`` or ``"en"``."""
        ...

    def gettext(self, message: str) -> str:
        """``message`` in the current language."""
        ...

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in the current language, told apart by ``context``."""
        ...


class SourceText:
    """The source words as they stand: Swedish, translated by nobody."""

    def language(self) -> str:
        """Always Swedish."""
        return "sv"

    def gettext(self, message: str) -> str:
        """The message itself."""
        return message

    def pgettext(self, context: str, message: str) -> str:
        """The message itself."""
        return message


class Catalogue:
    """A language read from the web layer's compiled catalogues by the standard library."""

    def __init__(self, language: str) -> None:
        self._language = language
        self._translations: stdlib_gettext.NullTranslations = stdlib_gettext.NullTranslations()
        if language != "sv":
            for directory in reversed(_LOCALE_DIRS):  # the first directory wins, as in Django
                found = stdlib_gettext.translation("django", directory, [language], fallback=True)
                found.add_fallback(self._translations)
                self._translations = found

    def language(self) -> str:
        """The language this catalogue translates into."""
        return self._language

    def gettext(self, message: str) -> str:
        """``message`` from the catalogue (itself when it has no translation)."""
        return self._translations.gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in ``context`` from the catalogue (itself when it has no translation)."""
        return self._translations.pgettext(context, message)


_installed: list[Translator] = [SourceText()]
_override: ContextVar[Translator | None] = ContextVar("lofte_results_translator", default=None)


def install(translator: Translator) -> None:
    """Make ``translator`` the process's translator (the results app installs Django's)."""
    _installed[0] = translator


@contextmanager
def using(translator: Translator) -> Iterator[Translator]:
    """Translate with ``translator`` inside the block (tests, a rendering in another language)."""
    token = _override.set(translator)
    try:
        yield translator
    finally:
        _override.reset(token)


def current() -> Translator:
    """The translator in force."""
    return _override.get() or _installed[0]


def lang() -> str:
    """The current language: ``"sv"`` or ``"en"``."""
    return current().language()


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return current().gettext(message)


_ = gettext


def pgettext(context: str, message: str) -> str:
    """``message`` in ``context`` in the current language."""
    return current().pgettext(context, message)


class Lazy:
    """A word translated when it is turned into text (for module-level tables of names)."""

    __slots__ = ("context", "message")

    def __init__(self, message: str, context: str | None = None) -> None:
        self.message = message
        self.context = context

    def __str__(self) -> str:
        if self.context is None:
            return gettext(self.message)
        return pgettext(self.context, self.message)

    def __repr__(self) -> str:
        return f"Lazy({self.message!r})"


def gettext_lazy(message: str) -> Lazy:
    """``message``, translated each time it is shown."""
    return Lazy(message)


def pgettext_lazy(context: str, message: str) -> Lazy:
    """``message`` in ``context``, translated each time it is shown."""
    return Lazy(message, context)
