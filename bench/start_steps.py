"""What ``lofte serve``'s gunicorn master does before the first answer, step by step.

Runs the master's steps in this process, in order, against an existing home, and prints the
wall and CPU seconds of each: importing gunicorn, the public cube check (imports pyarrow;
writes a missing public file in a child process), Django's set-up, migrate, collectstatic, the
WSGI application, and the warm-up request to ``/`` (URL configuration, views, templates, the
catalogue, the cube's index and its disclosure gate). On a loaded machine wall time is CPU
time times the contention; the CPU column is what the code costs.

    .venv/bin/python bench/start_steps.py --home /tmp/lofte-nat
    PYTHONPATH=/path/to/other/src .venv/bin/python bench/start_steps.py …   # another revision
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    args = parser.parse_args()
    os.environ.update(
        LOFTE_HOME=str(args.home.resolve()),
        DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="lofte.web.settings",
    )
    steps: list[tuple[str, float, float]] = []
    wall, cpu = time.perf_counter(), time.process_time()

    def mark(label: str) -> None:
        nonlocal wall, cpu
        now, used = time.perf_counter(), time.process_time()
        steps.append((label, now - wall, used - cpu))
        wall, cpu = now, used

    import gunicorn.app.wsgiapp  # noqa: F401

    mark("import gunicorn")
    from lofte import serve
    from lofte.serve import prepare_public_cube, warm_up

    if hasattr(serve, "as_installed"):  # as gunicorn_conf does (older trees: no such step)
        serve.as_installed()
    mark("import lofte.serve")
    prepare_public_cube()
    mark("public cube check")
    import django

    django.setup()
    mark("Django set-up")
    from lofte.django_setup import setup

    setup(migrate=True)
    mark("migrate")
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    mark("collectstatic")
    from lofte.web.wsgi import application

    mark("WSGI application")
    for path in getattr(serve, "WARM_PATHS", ("/",)):  # as gunicorn_conf does
        status = warm_up(application, path)
        mark(f"warm-up GET {path} ({status})")
    print(f"load average {os.getloadavg()[0]:.1f}\n")
    print("| step | wall s | CPU s |\n|---|---:|---:|")
    for label, w, c in steps:
        print(f"| {label} | {w:.3f} | {c:.3f} |")
    print(
        f"| **total** | **{sum(s[1] for s in steps):.3f}** | **{sum(s[2] for s in steps):.3f}** |"
    )


if __name__ == "__main__":
    main()
