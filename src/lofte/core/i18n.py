"""The words of :mod:`lofte.core` in Swedish or English, by gettext (issue 17: one translation
mechanism).

Core cannot import Django (the import contract "core is pure domain"), so its few words —
months, ordinals and sentence patterns of period names (:mod:`lofte.core.period_names`), the
labels of the engine's event flags (:mod:`lofte.core.event_flags`) — are translated with the
standard library's :mod:`gettext` from a catalogue shipped in the package: the Swedish text is
the message id, as everywhere in Löfte, and the English is in
``lofte/core/locale/en/LC_MESSAGES/lofte_core.po`` (compiled to ``.mo`` by ``django-admin
compilemessages`` like every other catalogue; ``tests/test_catalogues.py`` checks it). The
language is the ``lang`` argument the functions take, never the active Django language, so a
report built in English names its periods in English whatever the request's language is
(ADR 0741).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

#: The gettext domain of core's catalogue.
DOMAIN = "lofte_core"
#: Where the catalogue is: ``<LOCALE>/en/LC_MESSAGES/lofte_core.mo``.
LOCALE = Path(__file__).resolve().parent / "locale"


def language(lang: str) -> str:
    """``en`` for any English language code (``en``, ``en-gb``), else ``sv``."""
    return "en" if lang.startswith("en") else "sv"


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "sv":  # the message ids are the Swedish text
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE, languages=[lang])


def pgettext(context: str, message: str, lang: str) -> str:
    """``message`` (Swedish) in ``lang``, ``context`` telling apart the same Swedish words
    that another language translates differently (``mar`` the month, not a word)."""
    return _catalogue(language(lang)).pgettext(context, message)
