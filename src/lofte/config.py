"""Where Löfte keeps its state, and its secrets.

Everything lives under ``LOFTE_HOME`` (default ``./var``): the SQLite database, the Parquet event
store, the computed engine output, reports and the secret keys. Secrets come from the environment
or from files created in ``LOFTE_HOME`` with mode 0600, never from the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def home() -> Path:
    """The installation's state directory, created on first use."""
    path = Path(os.environ.get("LOFTE_HOME", "./var")).resolve()
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
