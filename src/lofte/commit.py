"""Put several finished files into place together, or not at all (a small redo log).

Compute writes the cube, the pathway instances and the event flags, which belong together. Each is
written completely to a unique temporary file next to its target (:func:`temporary`) and fsynced;
then :func:`publish` writes a journal naming every ``temporary → target`` move, fsyncs it and
renames the files into place. Should the process die between those renames, the journal is still
there, and :func:`recover` (run by the next compute, by ``lofte check`` and at every command's
start while no writer holds the home) finishes the moves, so the three files never stay mixed from
two runs. Without a journal nothing has moved and the temporary files are only litter, which
``lofte check --repair`` removes.

Callers hold the home's writer lock (:mod:`lofte.locking`) around :func:`publish` and
:func:`recover`.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from lofte import config

JOURNAL = "commit.json"
#: Prefix of temporary files; ``lofte check`` treats such files as litter of a killed writer.
TMP_PREFIX = ".tmp-"


def journal_path() -> Path:
    return config.home() / JOURNAL


def temporary(target: Path) -> Path:
    """A unique temporary name next to ``target`` (same directory, so the rename is atomic)."""
    return target.with_name(f"{TMP_PREFIX}{uuid.uuid4().hex}-{target.name}")


def fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _relative(path: Path) -> str:
    return path.resolve().relative_to(config.home()).as_posix()


def publish(moves: Sequence[tuple[Path, Path]]) -> None:
    """Rename every ``(temporary, target)`` into place, as one step that survives a crash.

    The temporary files must be complete and fsynced, and lie under ``LOFTE_HOME``.
    """
    home = config.home()
    entries = [[_relative(tmp), _relative(target)] for tmp, target in moves]
    journal = journal_path()
    staged = temporary(journal)
    with open(staged, "w", encoding="utf-8") as fh:
        json.dump({"moves": entries}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(staged, journal)
    fsync_dir(home)
    _roll_forward(entries)
    journal.unlink()
    fsync_dir(home)


def _roll_forward(entries: list[list[str]]) -> list[str]:
    home = config.home()
    moved = []
    directories = set()
    for tmp, target in entries:
        source = home / tmp
        if source.exists():
            os.replace(source, home / target)
            moved.append(target)
            directories.add((home / target).parent)
    for directory in directories:
        fsync_dir(directory)
    return moved


def pending() -> bool:
    """Whether a publish was interrupted (a journal is left)."""
    return journal_path().exists()


def recover() -> list[str]:
    """Finish an interrupted :func:`publish`; returns the targets it moved into place."""
    journal = journal_path()
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["moves"]
    except FileNotFoundError:
        return []
    except (ValueError, KeyError, TypeError):
        # A journal is renamed into place only once complete, so this is not ours to trust.
        return []
    moved = _roll_forward(entries)
    journal.unlink()
    fsync_dir(config.home())
    return moved


def recover_if_idle() -> None:
    """:func:`recover` when a journal is left and no writer holds the home (cheap otherwise)."""
    if not pending():
        return
    from lofte.faults import OperatorError
    from lofte.locking import writer_lock

    with contextlib.suppress(OperatorError), writer_lock("återställningen", wait=0):
        recover()
