"""The measured phases of the benchmark, each run by ``bench/run.py`` in a process of its own.

    python bench/phases.py generate --data DIR --today D [--quick] [--seed N] [--volume V] \
                                    --result FILE
    python bench/phases.py import   --data DIR --today D --inputs FILE --result FILE
    python bench/phases.py compute  --inputs FILE --out DIR --result FILE
    python bench/phases.py profile  --inputs FILE --result FILE

Every phase writes a JSON ``--result`` with its own seconds and the peak resident memory of its
process (``VmHWM`` of ``/proc/self/status``: the high-water mark of this process's own address
space, so nothing the parent process had counts).

``import`` needs ``LOFTE_HOME`` (a fresh directory) and ``DJANGO_SETTINGS_MODULE`` in the
environment; ``run.py`` sets them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_bytes() -> int:
    """This process's peak resident set size (VmHWM), falling back to getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


# --- generate ---------------------------------------------------------------------------------


def generate(args: argparse.Namespace) -> dict:
    from lofte.demo import generate as demo_generate

    t0 = time.perf_counter()
    manifest = demo_generate(
        args.data,
        quick=args.quick,
        seed=args.seed,
        today=dt.date.fromisoformat(args.today),
        volume=args.volume,
    )
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "peak_rss_bytes": peak_rss_bytes(),
        "manifest": str(manifest.path),
        "instances": manifest.instances,
        "events": manifest.events,
        "volume": manifest.volume,
        "period_from": manifest.period_from.isoformat(),
        "period_to": manifest.period_to.isoformat(),
        "files": len(manifest.deliveries),
        "bytes": sum(d.path.stat().st_size for d in manifest.deliveries),
    }


# --- import -----------------------------------------------------------------------------------


def import_all(args: argparse.Namespace) -> dict:
    """Import every valid delivery of the manifest in order, then the register aggregate."""
    from lofte.django_setup import setup

    setup()
    from lofte.cube import service
    from lofte.svf.deliveries import import_delivery

    manifest = json.loads((args.data / "SYNTETISK_manifest.json").read_text(encoding="utf-8"))
    today = dt.date.fromisoformat(args.today)
    deliveries = []
    for entry in manifest["deliveries"]:
        if not entry["expected_valid"]:
            continue
        path = args.data / entry["path"]
        window_from = entry["window_from"] and dt.date.fromisoformat(entry["window_from"])
        window_to = entry["window_to"] and dt.date.fromisoformat(entry["window_to"])
        t0 = time.perf_counter()
        delivery = import_delivery(
            path, entry["region"], window_from, window_to, user="bench", today=today
        )
        seconds = time.perf_counter() - t0
        deliveries.append(
            {
                "file": path.name,
                "region": entry["region"],
                "format": entry["format"],
                "bytes": path.stat().st_size,
                "rows": delivery.rows_read,
                "rows_stored": delivery.rows_stored,
                "warnings": delivery.warning_count,
                "outcome": getattr(delivery, "outcome", delivery.status),
                "seconds": seconds,
            }
        )
        print(
            f"  import {path.name}: {delivery.rows_read} rows in {seconds:.2f} s "
            f"({getattr(delivery, 'outcome', delivery.status)})",
            flush=True,
        )
    register_path = args.data / Path(manifest["register_path"]).name
    t0 = time.perf_counter()
    register_note = "imported with lofte.cube.register_import.import_register"
    try:
        from lofte.cube import register_import
    except ImportError as exc:  # the register importer is not usable in this tree
        register_note = f"read with the csv module (register_import unavailable: {exc})"
        register_rows = _read_register_csv(register_path)
    else:
        register_import.import_register(register_path, user="bench")
        register_rows = [list(r) for r in service.register_rows()]
    register_seconds = time.perf_counter() - t0

    files, cutoffs, ids = service.active_inputs()
    inputs = {
        "files": [str(f) for f in files],
        "cutoffs": {region: d.isoformat() for region, d in cutoffs.items()},
        "register_rows": register_rows,
        "deliveries": ids,
    }
    write_json(args.inputs, inputs)
    rows = sum(d["rows"] for d in deliveries)
    seconds = sum(d["seconds"] for d in deliveries)
    return {
        "seconds": seconds,
        "rows": rows,
        "rows_per_second": rows / seconds if seconds else None,
        "register_seconds": register_seconds,
        "register": register_note,
        "peak_rss_bytes": peak_rss_bytes(),
        "deliveries": deliveries,
    }


def _read_register_csv(path: Path) -> list[list]:
    """The demo's register file (``region,period,pathway,new_cases``) as rows, summed per key."""
    import csv

    totals: dict[tuple[str, str, str], int] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["region"], row["period"], row["pathway"])
            totals[key] = totals.get(key, 0) + int(row["new_cases"])
    return [[*key, n] for key, n in sorted(totals.items())]


# --- compute ----------------------------------------------------------------------------------


def _load_inputs(path: Path) -> tuple[list[Path], dict[str, dt.date], list[tuple]]:
    inputs = json.loads(path.read_text(encoding="utf-8"))
    files = [Path(f) for f in inputs["files"]]
    cutoffs = {r: dt.date.fromisoformat(d) for r, d in inputs["cutoffs"].items()}
    rows = [tuple(r) for r in inputs["register_rows"]]
    return files, cutoffs, rows


def compute(args: argparse.Namespace) -> dict:
    """Time ``lofte.cube.engine.compute`` on the event store, then write its outputs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lofte.cube import engine

    files, cutoffs, rows = _load_inputs(args.inputs)
    marks: list[tuple[str, float]] = []

    def progress(step: str) -> None:
        marks.append((step, time.perf_counter()))

    # Library warm-up outside the timing, as the peer imports pandas before its clock starts:
    # pyarrow imports pandas lazily on its first conversion of Python objects (2.5-5 s here),
    # and that would otherwise land inside the engine's first step.
    pa.array([0])
    events_as = "event-store files (read with pyarrow inside the engine)"
    t0 = time.perf_counter()
    c0 = time.process_time()
    result = engine.compute(files, cutoffs, rows, progress=progress)
    t1 = time.perf_counter()
    cpu = time.process_time() - c0
    peak = peak_rss_bytes()
    steps = {}
    edges = [("setup", t0), *marks, ("end", t1)]
    for (name, start), (_, stop) in itertools.pairwise(edges):
        steps[name] = stop - start
    args.out.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.cube, args.out / "cube.parquet")
    pq.write_table(result.instances, args.out / "instances.parquet")
    return {
        "seconds": t1 - t0,
        # CPU time of all threads: a check on wall times taken while other work shares the cores.
        "cpu_seconds": cpu,
        "events_as": events_as,
        "steps": steps,
        "peak_rss_bytes": peak,
        "instances": result.instances.num_rows,
        "event_flags": result.event_flags.num_rows,
        "cells": result.cube.num_rows,
        # The cube as the engine hands it over (Arrow, key columns dictionary-encoded).
        "cube_bytes_in_memory": result.cube.nbytes,
        "suppressed": int(result.cube.column("suppressed").to_numpy(zero_copy_only=False).sum()),
    }


# --- profile ----------------------------------------------------------------------------------

#: The engine's functions that the profile times, by module. Wrapping the engine's own functions
#: (rather than replaying its steps here) keeps the profile true to the code it measures.
PROFILED = {
    "lofte.svf.engine": ("encode_events", "assemble", "read_instances", "read_event_flags"),
    "lofte.cube.rollup": ("wide_cells", "svf_block"),
    "lofte.cube.quantiles": ("from_sorted", "histogram", "roll_up", "from_histogram"),
    "lofte.cube.engine": (
        "_prepare",
        "_suppress_linked",
        "_build",
        "_targets",
        "_inclusion_block",
        "_extra_blocks",
    ),
    "lofte.cube.suppression": ("_membership_columns", "_two_smallest"),
}


def profile(args: argparse.Namespace) -> dict:
    """Run ``compute`` with the engine's main functions wrapped in timers (diagnostic only).

    Each wrapped function reports its summed wall and CPU time and number of calls; a function
    called from inside another is counted in both (e.g. ``from_sorted`` in ``wide_cells``).
    """
    import functools
    import importlib

    import pyarrow as pa

    from lofte.cube import engine

    files, cutoffs, rows = _load_inputs(args.inputs)
    pa.array([0])  # pyarrow's lazy pandas import, outside the timings (see compute)
    totals: dict[str, dict[str, float]] = {}

    def wrap(module, name: str) -> None:
        func = getattr(module, name)

        @functools.wraps(func)
        def timed(*a, **kw):
            t, c = time.perf_counter(), time.process_time()
            try:
                return func(*a, **kw)
            finally:
                entry = totals.setdefault(name, {"seconds": 0.0, "cpu_seconds": 0.0, "calls": 0})
                entry["seconds"] += time.perf_counter() - t
                entry["cpu_seconds"] += time.process_time() - c
                entry["calls"] += 1

        setattr(module, name, timed)

    for module_name, names in PROFILED.items():
        module = importlib.import_module(module_name)
        for name in names:
            wrap(module, name)
    t0 = time.perf_counter()
    result = engine.compute(files, cutoffs, rows)
    seconds = time.perf_counter() - t0
    for name, entry in totals.items():
        print(
            f"  {name:<28} {entry['seconds']:7.2f} s wall {entry['cpu_seconds']:7.2f} s CPU"
            f"  ({int(entry['calls'])} calls)",
            flush=True,
        )
    return {
        "seconds": seconds,
        "peak_rss_bytes": peak_rss_bytes(),
        "functions": totals,
        "cells": result.cube.num_rows,
    }


# --- command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One measured phase of the Löfte benchmark.")
    sub = parser.add_subparsers(dest="phase", required=True)
    p = sub.add_parser("generate")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--today", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--volume", type=float, default=1.0, help="pathways per year, × national")
    p = sub.add_parser("import")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--today", required=True)
    p.add_argument("--inputs", type=Path, required=True)
    p = sub.add_parser("compute")
    p.add_argument("--inputs", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("profile")
    p.add_argument("--inputs", type=Path, required=True)
    for p in sub.choices.values():
        p.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    phase = {"generate": generate, "import": import_all, "compute": compute, "profile": profile}
    write_json(args.result, phase[args.phase](args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
