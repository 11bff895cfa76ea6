"""``lofte serve``: the web application and its task worker, as one command.

The parent is a small supervisor (it never imports Django). It starts gunicorn serving
``lofte.web.wsgi`` with ``--preload`` and :mod:`lofte.gunicorn_conf`, whose master, before it
loads the application, applies migrations, collects static files into ``LOFTE_HOME/static``
(served by WhiteNoise) and makes sure the public cube file exists (:mod:`lofte.cube.public`, in
a short-lived child process so that no long-lived one keeps the memory it takes; needed only
after an upgrade or for a cube written by hand); then it answers one request to the start page
itself, so that the forked workers share what that loads. Once the site answers, the parent
starts the django-tasks database worker (``django-admin db_worker``) that runs imports, compute
and reports, so that the two do not compete for the CPU while the site starts. Ctrl-C or
SIGTERM stops both; if either child exits, the other is stopped and ``serve`` exits with
status 1.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Annotated, Any

import typer

#: Seconds a child gets to stop after SIGTERM before it is killed.
STOP_GRACE = 10.0
#: Seconds after which the task worker starts even if the site does not answer yet.
WORKER_DELAY = 120.0


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
            "--config",
            "python:lofte.gunicorn_conf",
            "--no-control-socket",
            "--access-logfile",
            "-",
        ],
        [python, "-m", "django", "db_worker", "--queue-name", "*", "--no-reload"],
    ]


def as_installed() -> None:
    """Serve as an installed Löfte does: without pandas.

    pandas is a development dependency only (tests, the pandas peer benchmark); an installation
    has none, and pyarrow then never imports it. In a development environment pyarrow imports it
    on the first ``pa.array`` of a process – half a second of CPU in gunicorn's master for a
    library the site never uses. Refusing it here (before anything imports pyarrow) makes
    ``lofte serve`` start the same in both. docs/adr/0137-serving-imports.md."""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas:
    """An import finder that answers "not installed" for pandas."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (lofte serve)", name=name)


def prepare() -> None:
    """Migrate and collect static files (quietly)."""
    from django.core.management import call_command

    from lofte.django_setup import setup

    setup(migrate=True)
    call_command("collectstatic", interactive=False, verbosity=0)


#: What gunicorn's master answers before it forks: the start page, and an indicator's page (its
#: Jinja2 body compiled, the form's option lists built: ≈ 60 ms on each worker's first one).
WARM_PATHS = ("/", "/?view=jamforelse")


def warm_up(application: Callable[..., Any], path: str = "/") -> int:
    """Answer one GET of ``path`` (with its query string) in this process (gunicorn's master,
    before the workers fork); returns the status. Database connections it opened are closed,
    so no worker inherits one."""
    from django.db import connections

    path, _, query_string = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query_string,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status: list[str] = []
    try:
        body = application(environ, lambda s, headers, exc_info=None: status.append(s))
        for _chunk in body:
            pass
        if hasattr(body, "close"):
            body.close()
    finally:
        connections.close_all()
    return int(status[0].split()[0]) if status else 0


def prepare_public_cube() -> None:
    """Write the public cube file in a child process when the current cube has none."""
    from lofte import config
    from lofte.cube import public

    if public.is_ready(config.home() / "cube" / "cube.parquet"):
        return
    typer.echo("Granskar kuben och skriver den publika kuben (en gång per ny kub) …")
    subprocess.run([sys.executable, "-m", "lofte.cube.public"], check=False)


def child_environments() -> list[dict[str, str]]:
    """The environment of each child: gunicorn's master prepares (migrations, static files,
    the public cube file) and checks the cube at start; the task worker does neither."""
    web = {**os.environ, "LOFTE_SERVE_PREPARE": "1"}
    web.setdefault("LOFTE_PRELOAD_CUBE", "1")
    worker = {k: v for k, v in os.environ.items() if k not in ("LOFTE_PRELOAD_CUBE",)}
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


def _answers(host: str, port: int) -> bool:
    """Whether the site answers ``/healthz`` with 200."""
    import http.client

    conn = http.client.HTTPConnection(
        "127.0.0.1" if host in ("0.0.0.0", "") else host, port, timeout=2
    )
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def run(host: str, port: int, workers: int) -> int:
    """Start both children and supervise them; returns the exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofte.web.settings")
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    web_cmd, worker_cmd = commands(host, port, workers)
    web_env, worker_env = child_environments()
    children = [subprocess.Popen(web_cmd, env=web_env)]
    status = 0
    started_at = time.monotonic()
    try:
        while not stopping:
            if any(child.poll() is not None for child in children):
                typer.echo("En av processerna avslutades; stoppar.", err=True)
                status = 1
                break
            if len(children) == 1:
                # The task worker starts once the site answers (or after WORKER_DELAY at most).
                if _answers(host, port) or time.monotonic() - started_at > WORKER_DELAY:
                    children.append(subprocess.Popen(worker_cmd, env=worker_env))
                    typer.echo(
                        f"Löfte körs på http://{host}:{port}/ (webbserver och bakgrundsarbetare)."
                    )
                    continue
                time.sleep(0.05)
            else:
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
