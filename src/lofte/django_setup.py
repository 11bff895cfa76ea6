"""Start Django from the command line and make sure the database schema is current."""

from __future__ import annotations

import os

_ready = False


def setup(migrate: bool = True) -> None:
    """Configure Django once per process; apply migrations when asked (idempotent, quiet)."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofte.web.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        from lofte import commit
        from lofte.locking import setup_lock

        # Two first commands in a fresh home must not both create the tables.
        with setup_lock():
            call_command("migrate", verbosity=0, interactive=False)
        # Finish a publish of compute results that a killed process left half done.
        commit.recover_if_idle()
    _ready = True
