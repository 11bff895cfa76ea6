"""gunicorn settings for ``lofte serve`` (``-c python:lofte.gunicorn_conf``).

Started by ``lofte serve`` (``LOFTE_SERVE_PREPARE=1``), the master first prepares the
installation – the public cube file (in a child process), migrations and static files
(:func:`lofte.serve.prepare`) – before gunicorn loads the application, so that WhiteNoise sees
the collected files.

With ``--preload`` the master imports the application before it forks the workers. The hook
below also answers the start page and an indicator's page (:data:`lofte.serve.WARM_PATHS`) in
the master, so that what every first request would otherwise load in each worker – URL
configuration, views, compiled templates, the catalogue, the public cube's index (and the
disclosure gate for its version) – is loaded once and shared by the forked workers. Nothing
of the cube's cells is held.
"""

from __future__ import annotations

import os
from typing import Any

if os.environ.get("LOFTE_SERVE_PREPARE") == "1":
    from lofte.serve import as_installed, prepare, prepare_public_cube

    as_installed()

    # The public file first: Django's set-up in prepare() runs the results app's ready(), which
    # with LOFTE_PRELOAD_CUBE=1 would otherwise write a missing file in this long-lived process.
    prepare_public_cube()
    prepare()


def when_ready(server: Any) -> None:
    from lofte.serve import WARM_PATHS, warm_up

    application = server.app.wsgi()
    for path in WARM_PATHS:
        warm_up(application, path)
