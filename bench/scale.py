"""Löfte scaling benchmark: the national set at 1×, 2× and 4× the yearly volume.

    .venv/bin/python bench/scale.py                          # ten national years at 1×, 2×, 4×
    .venv/bin/python bench/scale.py --quick --volumes 1,2    # smoke run: the quick demo's volume

The volume factor multiplies the pathways per year (``lofte.demo.generate(volume=…)``); the
years stay the same (ten, as ``bench/run.py``; ``--quick`` two). For each factor, each step in a
process of its own (``bench/phases.py`` and the subcommands below):

1. **generate** the data set and **import** it into a fresh ``LOFTE_HOME`` (rows/s, peak);
2. **compute**: ``lofte.cube.engine.compute`` on the event store, ``--repeat`` times, the median
   run counts (wall and CPU seconds, the steps, peak memory ``VmHWM``, cells, the cube's Arrow
   bytes) – the measure of ``bench/run.py``;
3. **publish**: ``lofte.cube.service.compute`` in the home, as ``lofte compute`` runs it (verify
   the store, compute, write the three outputs, the disclosure audit, the public cube file):
   its time per step and peak, the cube file's rows and bytes, the public file's bytes, row
   groups and index;
4. **site**: a process that opens the public cube as a worker of ``lofte serve`` does (Django
   set up, :mod:`lofte.cube.query`) and answers a fixed sample of site queries: its resident
   memory with Django loaded, after opening the cube and after the queries, and its peak.

Every figure is also given as a growth factor against the smallest volume. Writes
``bench/out/scale.json`` (``--out``) and prints a Markdown table for ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from phases import peak_rss_bytes, write_json  # noqa: E402
from run import (  # noqa: E402
    fresh_home,
    import_phase,
    load_average,
    machine,
    median_run,
    run_child,
    span,
    versions,
)

MiB = 2**20
GiB = 2**30
#: Site queries per volume: enough to touch many row groups, few enough for the quick run.
SITE_QUERIES = 400


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


# --- the two phases that run inside a LOFTE_HOME (subcommands of this script) -----------------


def publish(args: argparse.Namespace) -> dict[str, Any]:
    """``lofte compute``'s service function, timed per step, then the sizes of what it wrote."""
    from lofte.django_setup import setup

    setup()
    import pyarrow.parquet as pq

    from lofte.cube import public, service

    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    c0 = time.process_time()
    run = service.compute(progress=lambda step: marks.append((step, time.perf_counter())))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    edges = [("verify", t0), *marks, ("end", t0 + seconds)]
    steps = {a: b_t - a_t for (a, a_t), (_, b_t) in itertools.pairwise(edges)}
    cube = service.cube_path()
    public_file = public.find(cube, public.source_key(cube))
    meta = pq.read_metadata(cube)
    out: dict[str, Any] = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "steps": steps,
        "peak_rss_bytes": peak_rss_bytes(),
        "cells": run.cells,
        "instances": run.instances,
        "cube_file_bytes": cube.stat().st_size,
        "cube_file_row_groups": meta.num_row_groups,
        "public_file": None,
    }
    if public_file is not None:
        index = public.read_index(public_file)
        public_meta = pq.read_metadata(public_file)
        out["public_file"] = {
            "bytes": public_file.stat().st_size,
            "index_bytes": public.index_path(public_file).stat().st_size,
            "rows": public_meta.num_rows,
            "row_groups": public_meta.num_row_groups,
            "footer_bytes": public_meta.serialized_size,
            "groups": len(index["groups"]),
        }
    return out


def site_queries(query: Any, n: int, seed: int = 1) -> list[Any]:
    """``n`` different site selections (indicator, basis, pathway, treatment, period type: one
    group each, as a results page asks), drawn from what the public cube holds."""
    keys = []
    for indicator in query.indicators():
        d = query.dims(indicator)
        for basis in d.bases:
            for pathway in d.pathways:
                for treatment in d.treatments:
                    for ptype in d.periods:
                        keys.append((indicator, basis, pathway, treatment, ptype))
    chosen = random.Random(seed).sample(keys, min(n, len(keys)))
    return [
        query.Filters(indicator=i, region_basis=b, pathway=p, treatment=t, period_type=pt)
        for i, b, p, t, pt in chosen
    ]


def site(args: argparse.Namespace) -> dict[str, Any]:
    """Resident memory of a process serving the public cube, as a ``lofte serve`` worker."""
    from lofte.django_setup import setup

    setup()
    from lofte.cube import query

    rss_django = _status_bytes("VmRSS")
    t0 = time.perf_counter()
    indicators = query.indicators()  # opens the public file: the gate, the footer, the index
    open_seconds = time.perf_counter() - t0
    rss_open = _status_bytes("VmRSS")
    selections = site_queries(query, args.queries)
    c0 = time.process_time()
    cells = sum(query.select(f).num_rows for f in selections)
    cpu = time.process_time() - c0
    return {
        "indicators": len(indicators),
        "open_seconds": open_seconds,
        "queries": len(selections),
        "cells_read": cells,
        "cpu_ms_per_query": 1000 * cpu / max(1, len(selections)),
        "rss_django_bytes": rss_django,
        "rss_open_bytes": rss_open,
        "rss_after_bytes": _status_bytes("VmRSS"),
        "peak_rss_bytes": peak_rss_bytes(),
    }


# --- one volume ---------------------------------------------------------------------------------


def measure(volume: float, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    half_years = 4 if args.quick else 20
    today, _ = span(half_years)
    tag = f"{volume:g}"
    data = out / f"data-{tag}"
    work = out / f"work-{tag}"
    work.mkdir(parents=True, exist_ok=True)
    manifest = data / "SYNTETISK_manifest.json"
    generated = work / "generate.json"
    wanted = (today.isoformat(), args.quick, args.seed, volume)
    if args.reuse_data and manifest.exists() and generated.exists():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        reuse = (m["today"], m["quick"], m["seed"], m.get("volume")) == wanted
    else:
        reuse = False
    if reuse:
        print(f"[{tag}×] generate: reusing {data}", flush=True)
        gen = json.loads(generated.read_text(encoding="utf-8"))
    else:
        print(f"[{tag}×] generate …", flush=True)
        cmd = ["bench/phases.py", "generate", "--data", str(data), "--today", today.isoformat()]
        cmd += ["--seed", str(args.seed), "--volume", str(volume), "--result", str(generated)]
        gen = run_child([*cmd, "--quick"] if args.quick else cmd, generated).result

    home, env = fresh_home(f"lofte-scale-{tag}-")
    inputs = work / "inputs.json"
    try:
        print(f"[{tag}×] import into {home} …", flush=True)
        imp = import_phase(data, today, work, env)
        runs = []
        for turn in range(1, args.repeat + 1):
            print(f"[{tag}×] compute (run {turn} of {args.repeat}) …", flush=True)
            cmd = ["bench/phases.py", "compute", "--inputs", str(inputs)]
            cmd += ["--out", str(work / "engine"), "--result", str(work / "compute.json")]
            runs.append(run_child(cmd, work / "compute.json").result)
            print(f"  {runs[-1]['seconds']:.1f} s, {runs[-1]['peak_rss_bytes'] / GiB:.2f} GiB")
        compute = median_run(runs)
        print(f"[{tag}×] lofte compute (audit, public file) …", flush=True)
        script = str(HERE / "scale.py")
        result = work / "publish.json"
        pub = run_child([script, "publish", "--result", str(result)], result, env).result
        print(f"[{tag}×] site process …", flush=True)
        result = work / "site.json"
        cmd = [script, "site", "--queries", str(args.queries), "--result", str(result)]
        site_result = run_child(cmd, result, env).result
    finally:
        if args.keep_home:
            print("LOFTE_HOME kept:", home)
        else:
            shutil.rmtree(home, ignore_errors=True)
    return {
        "volume": volume,
        "data": {
            "pathways": gen["instances"],
            "events": gen["events"],
            "period_from": gen["period_from"],
            "period_to": gen["period_to"],
            "delivery_rows": imp["rows"],
            "files_bytes": gen["bytes"],
        },
        "import": {
            "rows_per_second": imp["rows_per_second"],
            "seconds": imp["seconds"],
            "peak_rss_bytes": imp["peak_rss_bytes"],
        },
        "compute": {
            k: compute[k]
            for k in (
                "seconds",
                "cpu_seconds",
                "runs_seconds",
                "steps",
                "peak_rss_bytes",
                "cells",
                "suppressed",
                "cube_bytes_in_memory",
            )
            if k in compute
        },
        "lofte_compute": pub,
        "site": site_result,
    }


# --- growth and the table -----------------------------------------------------------------------

#: (label, path into one volume's result, unit divisor, format) of every figure in the table.
FIGURES: tuple[tuple[str, tuple[str, ...], float, str], ...] = (
    ("pathways", ("data", "pathways"), 1, "{:,.0f}"),
    ("events", ("data", "events"), 1, "{:,.0f}"),
    ("import (rows/s)", ("import", "rows_per_second"), 1, "{:,.0f}"),
    ("compute (s, median)", ("compute", "seconds"), 1, "{:.1f}"),
    ("compute CPU (s)", ("compute", "cpu_seconds"), 1, "{:.1f}"),
    ("compute peak (GiB)", ("compute", "peak_rss_bytes"), GiB, "{:.2f}"),
    ("cube cells", ("compute", "cells"), 1, "{:,.0f}"),
    ("cube in memory (MiB)", ("compute", "cube_bytes_in_memory"), MiB, "{:.0f}"),
    ("cube file (MiB)", ("lofte_compute", "cube_file_bytes"), MiB, "{:.1f}"),
    ("public file (MiB)", ("lofte_compute", "public_file", "bytes"), MiB, "{:.1f}"),
    ("lofte compute, all (s)", ("lofte_compute", "seconds"), 1, "{:.1f}"),
    ("– of which audit (s)", ("lofte_compute", "steps", "audit"), 1, "{:.1f}"),
    ("lofte compute peak (GiB)", ("lofte_compute", "peak_rss_bytes"), GiB, "{:.2f}"),
    ("site process, cube open (MiB)", ("site", "rss_open_bytes"), MiB, "{:.0f}"),
    ("site process, after queries (MiB)", ("site", "rss_after_bytes"), MiB, "{:.0f}"),
    ("site query CPU (ms)", ("site", "cpu_ms_per_query"), 1, "{:.1f}"),
)


def figure(result: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = result
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return float(value)


def growth(results: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Each figure at each volume divided by the figure at the smallest volume, and the
    exponent ``k`` of ``figure ∝ volume^k`` between the smallest and the largest (1 = linear)."""
    base = min(results, key=lambda r: r["volume"])
    top = max(results, key=lambda r: r["volume"])
    out: dict[str, dict[str, float | None]] = {}
    for label, path, _, _ in FIGURES:
        b = figure(base, path)
        row: dict[str, float | None] = {}
        for r in results:
            v = figure(r, path)
            row[f"{r['volume']:g}"] = v / b if v is not None and b else None
        t = figure(top, path)
        ratio = top["volume"] / base["volume"]
        row["exponent"] = (
            math.log(t / b) / math.log(ratio) if t and b and ratio > 1 and t > 0 else None
        )
        out[label] = row
    return out


def markdown(results: list[dict[str, Any]], grow: dict[str, dict[str, float | None]]) -> str:
    volumes = [f"{r['volume']:g}×" for r in results]
    head = ["measure", *volumes, *(f"growth {v}" for v in volumes[1:]), "exponent"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for label, path, unit, fmt in FIGURES:
        cells = []
        for r in results:
            v = figure(r, path)
            cells.append("–" if v is None else fmt.format(v / unit).replace(",", " "))
        g = grow[label]
        for r in results[1:]:
            x = g[f"{r['volume']:g}"]
            cells.append("–" if x is None else f"{x:.2f}×")
        k = g["exponent"]
        cells.append("–" if k is None else f"{k:.2f}")
        lines.append("| " + " | ".join([label, *cells]) + " |")
    return "\n".join(lines)


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="phase")
    for name in ("publish", "site"):
        p = sub.add_parser(name, help=f"(internal) the {name} step inside LOFTE_HOME")
        p.add_argument("--result", type=Path, required=True)
        if name == "site":
            p.add_argument("--queries", type=int, default=SITE_QUERIES)
    parser.add_argument("--volumes", default="1,2,4", help="factors of the yearly volume")
    parser.add_argument("--quick", action="store_true", help="the quick demo's volume, 2 years")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="output directory")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--repeat", type=int, default=3, help="compute runs; the median counts")
    parser.add_argument("--queries", type=int, default=SITE_QUERIES, help="site queries")
    parser.add_argument("--reuse-data", action="store_true", help="keep matching data sets")
    parser.add_argument("--keep-home", action="store_true", help="keep the temporary homes")
    args = parser.parse_args(argv)
    if args.phase:
        write_json(args.result, {"publish": publish, "site": site}[args.phase](args))
        return 0

    volumes = sorted({float(v) for v in args.volumes.split(",") if v.strip()})
    if not volumes or min(volumes) <= 0:
        parser.error("--volumes: positive factors, e.g. 1,2,4")
    out: Path = args.out.resolve()
    work = out / "scale"
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "arguments": {
            "volumes": volumes,
            "quick": args.quick,
            "seed": args.seed,
            "repeat": args.repeat,
            "queries": args.queries,
        },
        "machine": machine(),
        "versions": versions(),
    }
    results["volumes"] = [measure(v, args, work) for v in volumes]
    results["growth"] = growth(results["volumes"])
    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = load_average()
    table = markdown(results["volumes"], results["growth"])
    results["table"] = table
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(
        json.dumps(results, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    m = results["machine"]
    load = [
        f"{x[0]:.2f}" if x else "?" for x in (m["load_average_at_start"], m["load_average_at_end"])
    ]
    print(f"\n{m['cpu']}, {m['usable_cores']} cores, {(m['ram_bytes'] or 0) / GiB:.1f} GiB RAM;")
    print(f"load average (1 min) at the start {load[0]}, at the end {load[1]}")
    print(table)
    print(f"\nwritten: {out / 'scale.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
