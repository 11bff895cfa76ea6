"""``lofte serve``: the web application and its task worker, as one command.

It applies migrations, collects static files into ``LOFTE_HOME/static`` (served by WhiteNoise),
makes sure the public cube file exists (:mod:`lofte.cube.public`, in a short-lived child process
so that no long-lived one keeps the memory it takes; only after an upgrade or a cube written by
hand), then starts two child processes – gunicorn serving ``lofte.web.wsgi`` and the django-tasks
database worker (``django-admin db_worker``) that runs imports, compute and reports – and stops
both on Ctrl-C or SIGTERM. If either child exits, the other is stopped and ``serve`` exits with
status 1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Annotated

import typer

#: Seconds a child gets to stop after SIGTERM before it is killed.
STOP_GRACE = 10.0


def commands(host: str, port: int, workers: int) -> list[list[str]]:
    """The two child command lines: web server and task worker."""
    python = sys.executable
    return [
        [
            python,
            "-m",
            "gunicorn",
            "lofte.web.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            # The master imports the app once and checks the cube (LOFTE_PRELOAD_CUBE); workers
            # read the public cube file in place, so nothing of the cube is copied per process.
            "--preload",
            "--no-control-socket",
            "--access-logfile",
            "-",
        ],
        [python, "-m", "django", "db_worker", "--queue-name", "*", "--no-reload"],
    ]


def prepare() -> None:
    """Migrate and collect static files (quietly)."""
    from django.core.management import call_command

    from lofte.django_setup import setup

    setup(migrate=True)
    call_command("collectstatic", interactive=False, verbosity=0)


def prepare_public_cube() -> None:
    """Write the public cube file in a child process when the current cube has none."""
    from lofte import config
    from lofte.cube import public

    if public.is_ready(config.home() / "cube" / "cube.parquet"):
        return
    typer.echo("Granskar kuben och skriver den publika kuben (en gång per ny kub) …")
    subprocess.run([sys.executable, "-m", "lofte.cube.public"], check=False)


def child_environments() -> list[dict[str, str]]:
    """The environment of each child: only gunicorn's master checks the cube at start."""
    web = {**os.environ}
    web.setdefault("LOFTE_PRELOAD_CUBE", "1")
    worker = {k: v for k, v in os.environ.items() if k != "LOFTE_PRELOAD_CUBE"}
    return [web, worker]


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for child in children:
        remaining = max(deadline - time.monotonic(), 0.1)
        try:
            child.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run(host: str, port: int, workers: int) -> int:
    """Start both children and supervise them; returns the exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofte.web.settings")
    prepare()
    prepare_public_cube()
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    children = [
        subprocess.Popen(cmd, env=env)
        for cmd, env in zip(commands(host, port, workers), child_environments(), strict=True)
    ]
    typer.echo(f"Löfte körs på http://{host}:{port}/ (webbserver och bakgrundsarbetare).")
    status = 0
    try:
        while not stopping:
            if any(child.poll() is not None for child in children):
                typer.echo("En av processerna avslutades; stoppar.", err=True)
                status = 1
                break
            time.sleep(0.5)
    finally:
        _stop(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def serve(
    port: Annotated[int, typer.Option("--port", help="Port att lyssna på.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Adress att lyssna på.")] = "127.0.0.1",
    workers: Annotated[int, typer.Option("--workers", help="Antal webbprocesser.")] = 2,
) -> None:
    """Starta webbapplikationen och bakgrundsarbetaren (Ctrl-C stoppar båda)."""
    raise typer.Exit(run(host, port, workers))


def mount(app: typer.Typer) -> None:
    """``lofte serve`` and ``lofte users``."""
    from lofte.web.accounts import cli as users_cli

    app.command("serve")(serve)
    app.add_typer(users_cli.app, name="users")
