"""One writer at a time per ``LOFTE_HOME``: an advisory lock file (``fcntl.flock``).

Imports and compute take :func:`writer_lock` for their whole run, so two of them never write the
event store, the database's delivery register or the cube at the same time. A second writer waits
(with a Swedish message saying who holds the home) for at most ``LOFTE_LOCK_WAIT`` seconds
(default 600; ``0`` refuses at once) and then gives up with an :class:`~lofte.faults.OperatorError`.
The lock is re-entrant within a process (``lofte demo`` imports and then computes), and the kernel
releases it when the holder dies, even by ``kill -9``: no stale lock to clean up.

:func:`setup_lock` is a second, short lock that serialises the first start of a home (database
migrations), so two first commands in a fresh home do not both create the tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from lofte import config
from lofte.faults import OperatorError

logger = logging.getLogger(__name__)

WRITER_LOCK = "lofte.lock"
SETUP_LOCK = "setup.lock"
#: How often a waiting writer tries again (seconds).
_POLL = 0.2

_held: dict[str, int] = {}
_guard = threading.RLock()


def lock_wait() -> float:
    """Seconds a writer waits for the home (``LOFTE_LOCK_WAIT``, default 600)."""
    raw = os.environ.get("LOFTE_LOCK_WAIT", "600")
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise OperatorError(
            f"LOFTE_LOCK_WAIT={raw!r} är inget antal sekunder "
            "(t.ex. 600, eller 0 för att inte vänta)"
        ) from None


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "en annan process"


def _describe(what: str) -> str:
    started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return f"{what} (process {os.getpid()}, startad {started})"


@contextlib.contextmanager
def _flock(
    name: str,
    what: str,
    wait: float,
    notify: Callable[[str], None] | None,
    optional: bool = False,
) -> Iterator[None]:
    path = config.home() / name
    key = str(path)
    with _guard:
        if _held.get(key):
            _held[key] += 1
            try:
                yield
            finally:
                _held[key] -= 1
            return
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            if optional and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                # A read-only home: nobody can write it, so there is nothing to serialise.
                yield
                return
            raise
        try:
            _acquire(fd, path, what, wait, notify)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, _describe(what).encode(), 0)
            _held[key] = 1
            try:
                yield
            finally:
                _held.pop(key, None)
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _acquire(
    fd: int, path: Path, what: str, wait: float, notify: Callable[[str], None] | None
) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    holder = _holder(path)
    if wait <= 0:
        raise OperatorError(
            f"LOFTE_HOME används av {holder}; {what} kan inte starta samtidigt. "
            "Försök igen när den är klar. Ingenting har ändrats."
        )
    message = f"LOFTE_HOME används av {holder}; {what} väntar (högst {wait:.0f} s) …"
    logger.warning(message)
    if notify is not None:
        notify(message)
    deadline = time.monotonic() + wait
    while True:
        time.sleep(_POLL)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise OperatorError(
                    f"LOFTE_HOME används fortfarande av {_holder(path)} efter {wait:.0f} s; "
                    f"{what} gav upp. Försök igen senare (väntetiden sätts med "
                    "LOFTE_LOCK_WAIT). Ingenting har ändrats."
                ) from None


def writer_lock(
    what: str, *, notify: Callable[[str], None] | None = None, wait: float | None = None
) -> contextlib.AbstractContextManager[None]:
    """Hold the home's writer lock for ``what`` (Swedish, e.g. ``"importen"``)."""
    return _flock(WRITER_LOCK, what, lock_wait() if wait is None else wait, notify)


def setup_lock() -> contextlib.AbstractContextManager[None]:
    """Serialise the start-up of a home (migrations) between processes; a read-only home
    (where the lock file cannot be opened for writing) starts without it."""
    return _flock(SETUP_LOCK, "starten", max(lock_wait(), 60.0), None, optional=True)


def holder() -> str | None:
    """Who holds the writer lock now (for ``lofte check``), or None when it is free."""
    path = config.home() / WRITER_LOCK
    if not path.exists() or _held.get(str(path)):
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
