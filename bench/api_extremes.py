"""The broadest API queries a visitor can send: time and peak memory of each, in a fresh process.

``/api/v1/cube`` takes every filter as optional, so an anonymous caller may ask for a page of
the whole cube, or for every cell of one region across all indicators. Each query below is
answered in a process of its own (Django set up, the start page answered first, as a worker
would be), and the script reports the wall time of the query and the process's peak resident
memory before and after it.

    .venv/bin/python bench/api_extremes.py --home /tmp/lofte-nat
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QUERIES = (
    "/api/v1/cube?indicator=svf_andel_inom_ledtid",
    "/api/v1/cube?indicator=svf_andel_inom_ledtid&offset=50000",
    "/api/v1/cube",
    "/api/v1/cube?offset=5000000&limit=10000",
    "/api/v1/cube?region=SE",
    "/api/v1/cube?region=SE&offset=100000",
    "/api/v1/cube?period=2024&region_level=county",
)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(home: Path, path: str) -> None:
    """In the measured process: answer ``path`` once after the start page; print the figures."""
    os.environ.update(
        LOFTE_HOME=str(home), DJANGO_SETTINGS_MODULE="lofte.web.settings", DJANGO_DEBUG="0"
    )
    import django

    django.setup()
    from lofte.serve import warm_up
    from lofte.web.wsgi import application

    warm_up(application, "/")
    before = _peak_mib()
    started = time.perf_counter()
    status = warm_up(application, path)
    seconds = time.perf_counter() - started
    print(json.dumps({"status": status, "seconds": seconds, "peak_before": before,
                      "peak_after": _peak_mib()}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("LOFTE_HOME", "var")))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    home = args.home.resolve()
    if args.worker:
        worker(home, args.worker)
        return
    print(f"load average {os.getloadavg()[0]:.1f}\n")
    print("| query | status | seconds | peak RSS before / after MiB |")
    print("|---|---:|---:|---|")
    for path in QUERIES:
        done = subprocess.run(
            [sys.executable, __file__, "--home", str(home), "--worker", path],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"| `{path}` | {r['status']} | {r['seconds']:.3f} "
            f"| {r['peak_before']:.0f} / {r['peak_after']:.0f} |"
        )


if __name__ == "__main__":
    main()
