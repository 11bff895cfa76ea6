"""Operator faults: what goes wrong around Löfte rather than in its input.

A full disk, a read-only ``LOFTE_HOME``, a missing or unreadable file, a busy database or another
process holding the home: each becomes an :class:`OperatorError` with a Swedish message and exit
status 1, never a traceback. Every writer in Löfte writes to a temporary file and renames it into
place, and registers in the database only after that, so such a fault leaves nothing half-written.

:func:`explain` turns the low-level exceptions into that message; :func:`guarded` runs the command
line with it.
"""

from __future__ import annotations

import contextlib
import errno
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


class OperatorError(Exception):
    """Löfte cannot go on because of its surroundings; the Swedish message says what to do."""


_ERRNO_SV = {
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.ENOENT: "filen eller katalogen finns inte",
    errno.EIO: "in-/utmatningsfel på disken",
}

_NOTHING = "Ingenting har ändrats; åtgärda felet och kör kommandot igen."


def _where(filename: object) -> str:
    if not filename:
        return ""
    return f" ({escape_text(str(filename))})"


def explain(exc: BaseException) -> str | None:
    """A Swedish message for an operator fault, or None when ``exc`` is none (a bug)."""
    if isinstance(exc, OperatorError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in _ERRNO_SV:
        return f"{_ERRNO_SV[exc.errno]}{_where(exc.filename)}. {_NOTHING}"
    text = str(exc).lower()
    name = type(exc).__name__
    if name in {"OperationalError", "DatabaseError"}:
        if "disk is full" in text or "disk i/o error" in text:
            return (
                f"databasen kan inte skriva: disken är full eller går inte att skriva. {_NOTHING}"
            )
        if "readonly database" in text or "read-only" in text:
            return f"databasen är skrivskyddad (LOFTE_HOME får inte skrivas). {_NOTHING}"
        if "database is locked" in text:
            return (
                "databasen är upptagen av en annan process längre än väntetiden "
                f"(LOFTE_SQLITE_TIMEOUT). {_NOTHING}"
            )
        if "unable to open database" in text:
            return f"databasen kan inte öppnas (finns LOFTE_HOME och får den skrivas?). {_NOTHING}"
    if "no space left on device" in text:  # DuckDB, pyarrow: their own exception types
        return f"disken är full. {_NOTHING}"
    if "read-only file system" in text:
        return f"filsystemet är skrivskyddat. {_NOTHING}"
    return None


@contextlib.contextmanager
def operator_faults() -> Iterator[None]:
    """Turn an operator fault raised inside into :class:`OperatorError` (for the services, so
    that the command line, the desk's jobs and the tests all see the same Swedish message)."""
    try:
        yield
    except OperatorError:
        raise
    except Exception as exc:
        message = explain(exc)
        if message is None:
            raise
        raise OperatorError(message) from None


def guarded(run: Callable[[], T]) -> T:
    """Run ``run``; an operator fault prints its Swedish message and exits with status 1."""
    try:
        return run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        message = explain(exc)
        if message is None:
            raise
        sys.stderr.write(f"Fel: {message}\n")
        raise SystemExit(1) from None


_CONTROL = {i: f"\\x{i:02x}" for i in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_CONTROL.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})


def escape_text(text: str) -> str:
    """``text`` with control characters (ANSI escapes, NUL, CR, …) shown as ``\\xNN``.

    For text that came from outside (file names, cell values) and goes to a terminal or a log.
    """
    return text.translate(_CONTROL)
