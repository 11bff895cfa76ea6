"""Where Löfte keeps its state, and its secrets.

Everything lives under ``LOFTE_HOME`` (default ``./var``): the SQLite database, the Parquet event
store, the computed engine output, reports and the secret keys. Secrets come from the environment
or from files created in ``LOFTE_HOME`` with mode 0600, never from the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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


def _secret(env_var: str, file_name: str) -> str:
    value = os.environ.get(env_var)
    if value:
        return value
    path = subdir("secret") / file_name
    if not path.exists():
        # Create the file with restrictive permissions before writing the key into it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def pseudonym_key() -> bytes:
    """The HMAC key that turns personnummer into pseudonyms (``LOFTE_PSEUDONYM_KEY``)."""
    return _secret("LOFTE_PSEUDONYM_KEY", "pseudonym.key").encode()


def django_secret_key() -> str:
    """Django's SECRET_KEY (``DJANGO_SECRET_KEY``), or one created in ``LOFTE_HOME``."""
    return _secret("DJANGO_SECRET_KEY", "django.key")
