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

        call_command("migrate", verbosity=0, interactive=False)
    _ready = True
