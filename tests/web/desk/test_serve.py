"""``lofte serve`` for real: migrates, serves static files and pages through gunicorn, runs the
task worker, and stops both children on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from lofte import serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _processes_with(home: Path) -> list[int]:
    """Pids whose environment names this LOFTE_HOME (the serve children)."""
    marker = f"LOFTE_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_child_commands():
    web, worker = serve.commands("0.0.0.0", 8123, 3)
    assert web[:4] == [sys.executable, "-m", "gunicorn", "lofte.web.wsgi:application"]
    assert "0.0.0.0:8123" in web and web[web.index("--workers") + 1] == "3"
    assert worker[:4] == [sys.executable, "-m", "django", "db_worker"]


def test_only_gunicorn_prepares_and_checks_the_cube(monkeypatch):
    monkeypatch.setenv("LOFTE_PRELOAD_CUBE", "1")
    web, worker = serve.child_environments()
    assert web["LOFTE_SERVE_PREPARE"] == "1" and web["LOFTE_PRELOAD_CUBE"] == "1"
    assert "LOFTE_SERVE_PREPARE" not in worker and "LOFTE_PRELOAD_CUBE" not in worker
    command = serve.commands("127.0.0.1", 8123, 2)[0]
    assert command[command.index("--config") + 1] == "python:lofte.gunicorn_conf"


def test_warm_up_answers_in_process_and_closes_the_database(monkeypatch):
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connections

    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    # As Django's test client does: the test database must not be touched between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        assert serve.warm_up(WSGIHandler(), "/healthz") == 200
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert closed == [True]  # no connection for a forked worker to inherit


def test_serve_starts_web_and_worker_and_stops_both(tmp_path):
    home = tmp_path / "home"
    port = _free_port()
    env = dict(os.environ, LOFTE_HOME=str(home), DJANGO_SETTINGS_MODULE="lofte.web.settings")
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "lofte.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if _get(f"{base}/healthz") == (200, "ok"):
                    break
            except OSError:
                pass
            if proc.poll() is not None:
                break
            time.sleep(0.5)
        assert _get(f"{base}/healthz") == (200, "ok")
        assert (home / "static" / "lofte" / "lofte.css").is_file()  # collectstatic ran
        assert _get(f"{base}/static/lofte/lofte.css")[0] == 200  # WhiteNoise serves it
        status, body = _get(f"{base}/konto/logga-in/")
        assert status == 200 and "Logga in" in body  # migrated database, templates
        children = [pid for pid in _processes_with(home) if pid != proc.pid]
        assert len(children) >= 3  # gunicorn master + worker, db_worker
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0].decode()
    assert proc.returncode == 0, output
    assert "Löfte körs på" in output
    assert _processes_with(home) == []


def _settings_in(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    import json

    code = (
        "import json, lofte.web.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "['DEBUG', 'ALLOWED_HOSTS', 'CSRF_TRUSTED_ORIGINS', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
        "'SECURE_PROXY_SSL_HEADER', 'TASKS', 'MIDDLEWARE']}))"
    )
    full = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full.update(env, LOFTE_HOME=str(tmp_path / "home"))
    out = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def test_production_settings_come_from_the_environment(tmp_path):
    prod = _settings_in(
        {
            "DJANGO_ALLOWED_HOSTS": "lofte.rcc.example, intern.rcc.example",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://lofte.rcc.example",
            "DJANGO_BEHIND_TLS_PROXY": "1",
            "DJANGO_SECURE_SSL_REDIRECT": "1",
        },
        tmp_path,
    )
    assert prod["DEBUG"] is False
    assert prod["ALLOWED_HOSTS"] == ["lofte.rcc.example", "intern.rcc.example"]
    assert prod["CSRF_TRUSTED_ORIGINS"] == ["https://lofte.rcc.example"]
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert prod["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in prod["MIDDLEWARE"]

    dev = _settings_in({"DJANGO_DEBUG": "1"}, tmp_path)
    assert dev["DEBUG"] is True and dev["SESSION_COOKIE_SECURE"] is False
    assert dev["SECURE_HSTS_SECONDS"] is None and dev["SECURE_PROXY_SSL_HEADER"] is None


def test_warm_up_passes_the_query_string(monkeypatch):
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # an unknown parameter is refused (400) only if the query string arrived
        assert serve.warm_up(WSGIHandler(), "/api/v1/cube?no_such_parameter=1") == 400
        assert serve.warm_up(WSGIHandler(), "/healthz?x=1") == 200
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert serve.WARM_PATHS[0] == "/" and any("?" in p for p in serve.WARM_PATHS)
