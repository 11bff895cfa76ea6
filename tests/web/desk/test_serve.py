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
