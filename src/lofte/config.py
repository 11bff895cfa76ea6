"""Where Löfte keeps its state, and its secrets.

Everything lives under ``LOFTE_HOME`` (default ``./var``): the SQLite database, the Parquet event
store, the computed engine output, reports and the secret keys. Secrets come from the environment
or from files created in ``LOFTE_HOME`` with mode 0600, never from the repository.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from lofte.faults import OperatorError, escape_text

#: The package's own directory: state (keys, database) must never be created inside it, where
#: it would be committed and shipped in the wheel.
PACKAGE_DIR = Path(__file__).resolve().parent


class HomeError(RuntimeError):
    """LOFTE_HOME would be inside the program's own files."""


def home() -> Path:
    """The installation's state directory, created on first use.

    Refused inside the package: a command run in a source folder without ``LOFTE_HOME`` (for
    example ``django-admin makemessages`` in an app) once created ``./var/secret/django.key``
    there, and it was committed.
    """
    path = Path(os.environ.get("LOFTE_HOME", "./var")).resolve()
    if path == PACKAGE_DIR or PACKAGE_DIR in path.parents:
        raise HomeError(
            f"LOFTE_HOME ({path}) ligger i programmets egen katalog; sätt LOFTE_HOME till en "
            "katalog utanför källkoden, t.ex. export LOFTE_HOME=/tmp/lofte"
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


def subdir(name: str) -> Path:
    """A directory under ``LOFTE_HOME`` (events, engine, cube, reports, …), created on use."""
    path = home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def _create_secret(path: Path) -> None:
    """Create ``path`` holding a new random key, atomically and with mode 0600.

    The key is written to a private temporary file, flushed, and then linked to its name:
    ``link`` fails if the name exists, so when two processes start a fresh home at once, one key
    wins, the other process uses it, and nobody ever reads a half-written key.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        # If another process was first, its key counts.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _secret(env_var: str, file_name: str, may_create: bool = True) -> str:
    value = os.environ.get(env_var)
    if value:
        return value
    path = subdir("secret") / file_name
    if not path.exists():
        if not may_create:
            raise MissingSecretError(env_var, path)
        _create_secret(path)
    try:
        value = path.read_text().strip()
    except OSError as exc:
        raise OperatorError(
            f"nyckelfilen {path} kan inte läsas ({exc.strerror}). Ingenting har ändrats."
        ) from None
    if not value:
        raise OperatorError(
            f"nyckelfilen {path} är tom. Återställ den från säkerhetskopian (eller sätt "
            f"{env_var}). Ingenting har ändrats."
        )
    return value


class MissingSecretError(OperatorError):
    """The pseudonym key is missing although the event store has data made with one."""

    def __init__(self, env_var: str, path: Path) -> None:
        super().__init__(
            f"pseudonymnyckeln saknas: varken {env_var} eller filen {path} finns, men "
            "händelselagret har redan data som skapats med en nyckel. En ny nyckel skulle ge "
            "andra pseudonymer för samma patienter och fel siffror. Återställ nyckelfilen (eller "
            f"sätt {env_var}) från säkerhetskopian. Ingenting har ändrats."
        )


def _events_exist() -> bool:
    """Whether the event store already holds delivery files (made with some pseudonym key)."""
    events = home() / "events"
    try:
        return any(p.name.startswith("delivery-") for p in events.iterdir())
    except FileNotFoundError:
        return False


def pseudonym_key() -> bytes:
    """The HMAC key that turns personnummer into pseudonyms (``LOFTE_PSEUDONYM_KEY``).

    Created on first use in ``LOFTE_HOME/secret/`` – but never once the event store holds data:
    then a missing key is :class:`MissingSecretError`, since a new key would silently give other
    pseudonyms for the same patients.
    """
    return _secret("LOFTE_PSEUDONYM_KEY", "pseudonym.key", may_create=not _events_exist()).encode()


def django_secret_key() -> str:
    """Django's SECRET_KEY (``DJANGO_SECRET_KEY``), or one created in ``LOFTE_HOME``."""
    return _secret("DJANGO_SECRET_KEY", "django.key")


def display_path(path: Path) -> str:
    """A path as shown in messages: escaped, relative to ``LOFTE_HOME`` where it lies under it."""
    try:
        shown = path.resolve().relative_to(home()).as_posix()
    except ValueError:
        shown = str(path)
    return escape_text(shown)
