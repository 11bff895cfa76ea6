"""One writer at a time (lofte.locking), atomic first start (lofte.config) and operator faults
(lofte.faults), in real processes where it matters."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from lofte import config, faults, locking


@pytest.fixture
def home(lofte_home: Path) -> Path:
    return lofte_home


def _hold_lock(home: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that takes the writer lock, says so on stdout and holds it."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from lofte import locking
        with locking.writer_lock("importen"):
            print("held", flush=True)
            time.sleep({seconds})
        """
    )
    env = {**os.environ, "LOFTE_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_or_waits_with_a_message(home):
    holder = _hold_lock(home, 30)
    try:
        assert "importen (process" in (locking.holder() or "")
        with (
            pytest.raises(faults.OperatorError) as refused,
            locking.writer_lock("beräkningen", wait=0),
        ):
            pass
        assert "LOFTE_HOME används av importen (process" in str(refused.value)
        assert "Ingenting har ändrats" in str(refused.value)

        heard: list[str] = []
        started = time.monotonic()
        with (
            pytest.raises(faults.OperatorError) as gave_up,
            locking.writer_lock("beräkningen", wait=0.5, notify=heard.append),
        ):
            pass
        assert time.monotonic() - started >= 0.5
        assert heard and "väntar" in heard[0]
        assert "gav upp" in str(gave_up.value)
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the lock of the killed holder: no stale lock.
    with locking.writer_lock("beräkningen", wait=0):
        assert locking.holder() is None


def test_a_waiting_writer_gets_the_lock_when_the_holder_ends(home):
    holder = _hold_lock(home, 0.6)
    try:
        heard: list[str] = []
        started = time.monotonic()
        with locking.writer_lock("beräkningen", wait=20, notify=heard.append):
            waited = time.monotonic() - started
            assert "beräkningen (process" in (config.home() / locking.WRITER_LOCK).read_text()
        assert 0.2 < waited < 20
        assert len(heard) == 1 and "importen" in heard[0]
    finally:
        holder.wait()


def test_the_lock_is_reentrant_in_a_process(home):
    with locking.writer_lock("demon", wait=0):
        with locking.writer_lock("importen", wait=0), locking.writer_lock("beräkningen", wait=0):
            pass
        # still held by this process: another process would have to wait
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "from lofte import locking\n"
                "import sys\n"
                "try:\n"
                "    with locking.writer_lock('x', wait=0): pass\n"
                "except Exception as e:\n"
                "    sys.exit(3)\n",
            ],
            env={**os.environ, "LOFTE_HOME": str(home)},
        )
        assert proc.returncode == 3


def _secret_in_child(home: str) -> str:
    os.environ["LOFTE_HOME"] = home
    os.environ.pop("DJANGO_SECRET_KEY", None)
    return config.django_secret_key()


def test_first_start_creates_one_key_under_concurrency(tmp_path):
    keys = set()
    for attempt in range(5):
        home = tmp_path / f"home{attempt}"
        home.mkdir()
        with ProcessPoolExecutor(max_workers=4) as pool:
            keys_here = set(pool.map(_secret_in_child, [str(home)] * 8))
        assert len(keys_here) == 1
        (key,) = keys_here
        assert len(key) == 64
        assert (home / "secret" / "django.key").read_text() == key
        assert [p.name for p in (home / "secret").iterdir()] == ["django.key"]
        assert (home / "secret" / "django.key").stat().st_mode & 0o777 == 0o600
        keys |= keys_here
    assert len(keys) == 5


def test_a_missing_pseudonym_key_with_stored_events_is_refused(home):
    first = config.pseudonym_key()
    assert config.pseudonym_key() == first
    (config.subdir("events") / "delivery-000001-abc.parquet").write_bytes(b"PAR1")
    (home / "secret" / "pseudonym.key").unlink()
    with pytest.raises(config.MissingSecretError) as caught:
        config.pseudonym_key()
    assert "pseudonymnyckeln saknas" in str(caught.value)
    assert not (home / "secret" / "pseudonym.key").exists()  # no new key made up
    (home / "secret" / "pseudonym.key").write_text("")
    with pytest.raises(faults.OperatorError, match="är tom"):
        config.pseudonym_key()


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/h/cube/x"), "disken är full"),
        (OSError(errno.EROFS, "Read-only file system", "/h/events"), "skrivskyddat"),
        (PermissionError(errno.EACCES, "Permission denied", "/h/x"), "behörighet saknas"),
    ],
)
def test_operator_faults_become_swedish_messages(exc, expected, capsys):
    def fails():
        raise exc

    with pytest.raises(SystemExit) as stopped:
        faults.guarded(fails)
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Fel: ") and expected in err and "Ingenting har ändrats" in err
    assert "Traceback" not in err


def test_database_faults_and_bugs(capsys):
    from django.db import OperationalError

    assert "disken är full" in (faults.explain(OperationalError("database or disk is full")) or "")
    assert "skrivskyddad" in (
        faults.explain(OperationalError("attempt to write a readonly database")) or ""
    )
    assert "upptagen" in (faults.explain(OperationalError("database is locked")) or "")
    # A bug stays a bug: it is not dressed up as an operator fault.
    assert faults.explain(ValueError("x")) is None
    with pytest.raises(ValueError):
        faults.guarded(lambda: (_ for _ in ()).throw(ValueError("x")))


def test_escape_text_shows_control_characters():
    assert faults.escape_text("a\x1b[31mröd\x07\x00\r\nb\x9b") == (
        "a\\x1b[31mröd\\x07\\x00\\r\\nb\\x9b"
    )
    assert faults.escape_text("Östergötland – leverans.csv") == "Östergötland – leverans.csv"


def test_a_read_only_home_starts_without_the_setup_lock(home, monkeypatch):
    real_open = os.open

    def read_only(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith((locking.SETUP_LOCK, locking.WRITER_LOCK)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with locking.setup_lock():
        pass  # reading commands still start
    # A writer cannot: the operator is told the file system is read-only.
    with pytest.raises(OSError) as caught, locking.writer_lock("importen", wait=0):
        pass
    assert "skrivskyddat" in (faults.explain(caught.value) or "")
