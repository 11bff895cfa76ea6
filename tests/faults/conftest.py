"""Fault injection through the real ``lofte`` command, in subprocesses with real files.

A fault is injected by running the command under a small prelude that replaces one function of
Löfte by a wrapper: the wrapper kills the process (``SIGKILL``, nothing is cleaned up), raises
``ENOSPC`` or pauses. Nothing in Löfte itself knows about these tests.

Every test here is marked ``faults``; they run in CI (``.ci/run``) and with ``-m faults``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.svf.test_reader import write_csv

ROOT = Path(__file__).resolve().parents[2]
KEY = "fault-suite-pseudonym-key-0123456789abcdef"

#: Prelude helpers available to injected code: ``kill()``, ``wrap(module, name, before, after)``.
PRELUDE = textwrap.dedent(
    """
    import errno, importlib, os, signal, sys, time

    def kill():
        os.kill(os.getpid(), signal.SIGKILL)

    def no_space(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    def wrap(module, name, before=None, after=None, count=1):
        target = importlib.import_module(module)
        original = getattr(target, name)
        calls = [0]

        def wrapper(*args, **kwargs):
            calls[0] += 1
            hit = calls[0] == count
            if hit and before:
                before()
            result = original(*args, **kwargs)
            if hit and after:
                after()
            return result

        setattr(target, name, wrapper)
    """
)


@dataclass
class Home:
    path: Path

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        env.update(
            LOFTE_HOME=str(self.path),
            LOFTE_PSEUDONYM_KEY=KEY,
            DJANGO_SETTINGS_MODULE="lofte.web.settings",
            LOFTE_LOCK_WAIT="120",
        )
        return env

    def start(self, *args: str, inject: str = "") -> subprocess.Popen[str]:
        code = (
            PRELUDE
            + textwrap.dedent(inject)
            + (f"\nfrom lofte.cli import main\nsys.argv = ['lofte', *{list(args)!r}]\nmain()\n")
        )
        return subprocess.Popen(
            [sys.executable, "-c", code],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, inject: str = "", timeout: float = 180) -> Result:
        proc = self.start(*args, inject=inject)
        out, err = proc.communicate(timeout=timeout)
        return Result(proc.returncode, out, err)

    def ok(self, *args: str) -> Result:
        result = self.run(*args)
        assert result.code == 0, result
        return result

    def cube(self) -> object:
        return pq.read_table(self.path / "cube" / "cube.parquet")

    def instances(self) -> object:
        return pq.read_table(self.path / "engine" / "instances.parquet")

    def litter(self) -> list[str]:
        """Temporary files left anywhere a writer writes."""
        found = []
        for sub in ("", "events", "cube", "engine"):
            folder = self.path / sub
            if folder.is_dir():
                found += [
                    f"{sub}/{p.name}"
                    for p in folder.iterdir()
                    if p.name.startswith(".tmp-") or p.name.endswith(".tmp")
                ]
        return found


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def _event(pnr: str, suffix: int, day: dt.date, region: str) -> list[str]:
    return [pnr, f"VG9{suffix:02d}", day.isoformat(), region, region, "SE2321000016-E0001"]


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two small deliveries (counties 05 and 06) of synthetic, checksum-valid numbers."""
    from tests.conftest import personnummer

    folder = tmp_path_factory.mktemp("leveranser")
    made = {}
    for region, offset in (("05", 0), ("06", 40)):
        rows = []
        for i in range(40):
            pnr = personnummer(dt.date(1940 + i % 40, 1 + i % 12, 1 + i % 27), offset + i)
            start = dt.date(2024, 1, 1) + dt.timedelta(days=5 * i)
            rows += [
                _event(pnr, 10, start, region),
                _event(pnr, 25, start + dt.timedelta(days=4), region),
                _event(pnr, 50, start + dt.timedelta(days=10 + i % 30), region),
            ]
        made[region] = write_csv(folder / f"svf_{region}.csv", rows)
    return made


def import_args(files: dict[str, Path], region: str) -> list[str]:
    return [
        "import",
        "svf",
        str(files[region]),
        "--region",
        region,
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
    ]


@pytest.fixture
def new_home(tmp_path: Path) -> Callable[[str], Home]:
    def make(name: str = "home") -> Home:
        path = tmp_path / name
        path.mkdir()
        return Home(path)

    return make


@pytest.fixture(scope="session")
def reference(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home where both deliveries were imported and computed without a fault."""
    home = Home(tmp_path_factory.mktemp("reference"))
    for region in files:
        home.ok(*import_args(files, region))
    home.ok("compute")
    return home
