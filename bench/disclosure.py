"""Disclosure control at national scale: the engine before and after, side by side, and the audit.

    python bench/disclosure.py --home DIR [--baseline COMMIT] [--repeat 3] [--out bench/out]

``--home`` is a ``LOFTE_HOME`` with the national demo imported (``LOFTE_HOME=DIR lofte demo``).
The script checks out ``--baseline`` (a commit before linked suppression) in a temporary git
worktree and runs ``bench/phases.py compute`` of both engines in turns, each in a process of its
own (time, CPU and peak memory of that process), ``--repeat`` times; the median run of each side
counts. It then runs the intruder's audit (:mod:`lofte.cube.audit`) on the public cube of each
side and reports how many public cells each hides, how many suppressed counts the audit works
out, how many of those are populations of 1–4, and how long the audit took.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def inputs_of(home: Path, out: Path) -> Path:
    """The compute inputs (event files, cut-offs, register rows) of a home, as phases.py reads
    them."""
    code = (
        "import json, sys, django; django.setup();"
        "from lofte.cube import service;"
        "files, cutoffs, _ = service.active_inputs();"
        "json.dump({'files': [str(f) for f in files],"
        " 'cutoffs': {r: d.isoformat() for r, d in cutoffs.items()},"
        " 'register_rows': [list(r) for r in service.register_rows()]}, open(sys.argv[1], 'w'))"
    )
    env = {**os.environ, "LOFTE_HOME": str(home), "DJANGO_SETTINGS_MODULE": "lofte.web.settings"}
    path = out / "inputs.json"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env, cwd=ROOT)
    return path


def run_compute(src: Path, inputs: Path, out: Path) -> dict:
    result = out / "result.json"
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run(
        [
            sys.executable,
            str(HERE / "phases.py"),
            "compute",
            "--inputs",
            str(inputs),
            "--out",
            str(out),
            "--result",
            str(result),
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(result.read_text())


def run_audit(cube: Path) -> dict:
    """The audit of the public view of ``cube`` (in this process, the current code)."""
    import pyarrow.parquet as pq

    from lofte.cube import audit, export

    public = export.export_table(pq.read_table(cube), public=True)
    t0 = time.perf_counter()
    found = audit.audit_table(public, limit=0)
    return {
        "seconds": time.perf_counter() - t0,
        "cells": found.cells,
        "suppressed": found.suppressed,
        "derived": found.derived,
        "leaks": found.leak_count,
        "rounds": found.rounds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--baseline", default="22347ce")
    parser.add_argument(
        "--after",
        default=None,
        help="a commit to measure as 'after' (checked out like the baseline); default: this tree",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-audit", action="store_true", help="time the computes only (no audit afterwards)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out" / "disclosure")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    inputs = inputs_of(args.home, args.out)
    with tempfile.TemporaryDirectory(prefix="lofte-baseline-") as tmp:
        base = Path(tmp) / "src"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(base), args.baseline],
            check=True,
            cwd=ROOT,
        )
        after_root = ROOT
        if args.after is not None:
            after_root = Path(tmp) / "after"
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-q", str(after_root), args.after],
                check=True,
                cwd=ROOT,
            )
        try:
            runs: dict[str, list[dict]] = {"before": [], "after": []}
            for i in range(args.repeat):
                for side, src in (("before", base / "src"), ("after", after_root / "src")):
                    # The machine is shared: the load at the start of each run goes with it.
                    load = os.getloadavg()
                    done = run_compute(src, inputs, args.out / side)
                    done["load_at_start"] = load
                    runs[side].append(done)
                    print(
                        f"run {i + 1} {side}: {done['seconds']:.2f} s, "
                        f"CPU {done['cpu_seconds']:.2f} s, "
                        f"{done['peak_rss_bytes'] / 2**30:.2f} GiB, {done['suppressed']} hidden, "
                        f"load {load[0]:.1f}/{load[1]:.1f}",
                        flush=True,
                    )
        finally:
            for tree in {base, after_root} - {ROOT}:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
    report: dict = {
        "repeat": args.repeat,
        "baseline": args.baseline,
        "after": args.after or "working tree",
        "sides": {},
    }
    for side, side_runs in runs.items():
        median = statistics.median(r["seconds"] for r in side_runs)
        chosen = min(side_runs, key=lambda r: abs(r["seconds"] - median))
        report["sides"][side] = {
            "seconds_median": median,
            "seconds_all": [r["seconds"] for r in side_runs],
            "cpu_seconds": chosen["cpu_seconds"],
            "cpu_seconds_all": [r["cpu_seconds"] for r in side_runs],
            "load_at_start": [r["load_at_start"] for r in side_runs],
            "peak_gib": chosen["peak_rss_bytes"] / 2**30,
            "cells": chosen["cells"],
            "suppressed": chosen["suppressed"],
            "public_cells": chosen["cells"] - chosen["suppressed"],
            "audit": None if args.no_audit else run_audit(args.out / side / "cube.parquet"),
        }
    before, after = report["sides"]["before"], report["sides"]["after"]
    report["time_ratio"] = after["seconds_median"] / before["seconds_median"]
    report["cpu_ratio"] = after["cpu_seconds"] / before["cpu_seconds"]
    (args.out / "disclosure.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
