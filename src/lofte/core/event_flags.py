"""The engine's event flags (SPEC §4) in words: the one table, used by the import's quality
warnings (:mod:`lofte.svf.deliveries`) and the desk's list of coding problems
(:mod:`lofte.web.desk.services`).

The flags themselves come from the assembly (:func:`lofte.svf.engine.flag_events`,
``svf/sql/assemble.sql``); their Swedish labels are message ids of core's gettext catalogue
(:mod:`lofte.core.i18n`), the English is in its ``.po``.
"""

from __future__ import annotations

from lofte.core.i18n import pgettext

#: Each flag with its Swedish label (a message id, context ``event flag``).
LABELS: dict[str, str] = {
    "duplicate_start": "dubbel start (tidigaste start behålls)",
    "orphan": "händelse utan start (ignoreras)",
    "after_end": "händelse efter avslut (ignoreras)",
    "end_before_start": "slut före start – troligt kodningsfel",
}


def label(flag: str, lang: str = "sv") -> str:
    """The flag in words in ``lang`` (a flag the table does not know: its own code)."""
    message = LABELS.get(flag)
    return flag if message is None else pgettext("event flag", message, lang)
