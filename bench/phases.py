"""The measured phases of the benchmark, each run by ``bench/run.py`` in a process of its own.

    python bench/phases.py generate --data DIR --today D [--quick] [--seed N] --result FILE
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
import re
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
        args.data, quick=args.quick, seed=args.seed, today=dt.date.fromisoformat(args.today)
    )
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "peak_rss_bytes": peak_rss_bytes(),
        "manifest": str(manifest.path),
        "instances": manifest.instances,
        "events": manifest.events,
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
    import duckdb
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
    events_as = "event-store files (read by DuckDB)"
    t0 = time.perf_counter()
    c0 = time.process_time()
    try:
        result = engine.compute(files, cutoffs, rows, progress=progress)
    except duckdb.BinderException as exc:
        # The engine could not bind the file list; measure the Arrow path instead, with the
        # reading of the files (pyarrow) inside the measured time.
        events_as = f"Arrow table read with pyarrow inside the timing (files failed: {exc})"
        print(f"  compute(files) failed ({exc}); measuring compute(Arrow table)", flush=True)
        marks.clear()
        t0 = time.perf_counter()
        c0 = time.process_time()
        table = pa.concat_tables([pq.read_table(f) for f in files]) if files else None
        marks.append(("read files (pyarrow)", t0))
        result = engine.compute(table, cutoffs, rows, progress=progress)
        del table
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
        "suppressed": int(result.cube.column("suppressed").to_numpy(zero_copy_only=False).sum()),
    }


# --- profile ----------------------------------------------------------------------------------


def _statements(text: str) -> list[tuple[str, str]]:
    """(label, statement) of each statement of a SQL script; the label names its target."""
    without_comments = re.sub(r"--[^\n]*", "", text)
    out = []
    for statement in without_comments.split(";"):
        statement = statement.strip()
        if not statement:
            continue
        found = re.search(r"TABLE\s+(\w+)", statement)
        out.append((found.group(1) if found else statement[:40], statement))
    return out


def profile(args: argparse.Namespace) -> dict:
    """Time each step of the engine separately (replicates ``compute``; diagnostic only)."""
    import datetime as _dt

    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lofte.catalog import load
    from lofte.cube import engine, quantiles, register
    from lofte.svf import engine as svf_engine

    files, cutoffs, rows = _load_inputs(args.inputs)
    pa.array([0])  # pyarrow's lazy pandas import, outside the timings (see compute)
    timings: list[dict] = []

    def timed(label, func, *a, **kw):
        t = time.perf_counter()
        value = func(*a, **kw)
        timings.append(
            {"step": label, "seconds": time.perf_counter() - t, "peak_rss_after": peak_rss_bytes()}
        )
        print(
            f"  {label:<46} {timings[-1]['seconds']:8.2f} s   "
            f"peak so far {timings[-1]['peak_rss_after'] / 2**30:5.2f} GiB",
            flush=True,
        )
        return value

    t0 = time.perf_counter()
    catalog = timed("catalog load", load)
    con = svf_engine.connect()
    for name, table in svf_engine.catalog_relations(catalog).items():
        con.register(name, table)
    con.register("cutoffs", svf_engine.cutoff_table(cutoffs))
    try:
        svf_engine.register_events(con, files)
    except duckdb.BinderException:
        table = timed(
            "read files (pyarrow; files failed to bind)",
            lambda: pa.concat_tables([pq.read_table(f) for f in files]),
        )
        svf_engine.register_events(con, table)
    for script in ("assemble.sql", "instances.sql"):
        for label, statement in _statements(svf_engine.sql("lofte.svf", script)):
            timed(f"{script}: {label}", con.execute, statement)
    span = con.execute("SELECT MIN(end_date), MAX(end_date) FROM instances").fetchall()[0]
    first, last = span if span and span[0] is not None else (_dt.date(2015, 1, 1),) * 2
    con.register("period_map", timed("period_map (Python)", engine.period_map, first, last))
    con.register("region_map", engine.region_map(catalog))
    reg_cells = timed("register_cells (Python)", register.register_cells, rows, catalog)
    con.register("register_cells", register.as_table(reg_cells, catalog))
    con.register("pathway_info", svf_engine.catalog_relations(catalog)["pathway_info"])
    for label, statement in _statements(svf_engine.sql("lofte.cube", "cells.sql")):
        timed(f"cells.sql: {label}", con.execute, statement)
    timed("quantiles.sql", con.execute, svf_engine.sql("lofte.cube", "quantiles.sql"))
    facts = timed(
        "quantile_facts → Arrow", lambda: con.sql("SELECT * FROM quantile_facts").to_arrow_table()
    )
    wide = timed(
        "quantiles (numpy histograms)",
        quantiles.wide_quantiles,
        facts,
        engine.county_parents(catalog),
    )
    con.register("wide_quantiles", wide)
    sizes = {
        name: con.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
        for name in ("sequenced", "groups", "instances", "facts", "wide_cells")
    }
    sizes["quantile_facts"] = facts.num_rows
    sizes["wide_quantiles"] = wide.num_rows
    for label, statement in _statements(svf_engine.sql("lofte.cube", "indicators.sql")):
        timed(f"indicators.sql: {label}", con.execute, statement)
    sizes["cells"] = con.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
    con.execute("DROP TABLE facts; DROP TABLE wide_cells; DROP TABLE wide_all")
    con.execute("DROP TABLE sequenced; DROP TABLE groups")
    cube = timed(
        "finish_cells (CI, targets, sort, suppression)",
        engine.finish_cells,
        con,
        "cells",
        catalog,
    )
    timed(
        "instances ORDER BY → Arrow",
        lambda: con.sql(
            "SELECT * FROM instances ORDER BY patient, pathway, instance_no"
        ).to_arrow_table(),
    )
    timed(
        "event_flags ORDER BY → Arrow",
        lambda: con.sql(
            "SELECT delivery_id, line, pathway, suffix, event_date, flag FROM event_flags "
            "ORDER BY delivery_id, line, flag"
        ).to_arrow_table(),
    )
    return {
        "seconds": time.perf_counter() - t0,
        "peak_rss_bytes": peak_rss_bytes(),
        "steps": timings,
        "rows": sizes,
        "cells": cube.num_rows,
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
