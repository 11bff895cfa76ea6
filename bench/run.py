"""Löfte benchmark: import rows/s, compute seconds and peak memory, and the pandas peer.

    uv run python bench/run.py            # national scale: ten years, ≈ 700 000 pathways
    uv run python bench/run.py --quick    # a smoke run of a few seconds
    uv run python bench/run.py --scale 0.5 --profile

Every measured phase runs in a process of its own (``bench/phases.py``, ``bench/pandas_peer.py``)
so that its time and peak memory are its own. See ``bench/README.md`` for what is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from compare import compare_cells, compare_instances  # noqa: E402

FIRST_YEAR = 2019  # lofte.demo always starts on 2019-01-01
GOALS = {
    "compute_seconds": 20.0,
    "compute_peak_bytes": 4 * 2**30,
    "speedup_vs_pandas": 5.0,
    "import_rows_per_second": 100_000.0,
}


@dataclass
class Child:
    returncode: int
    seconds: float
    wait4_maxrss_bytes: int
    result: dict


def run_child(args: list[str], result: Path, env: dict[str, str] | None = None) -> Child:
    """Run ``python args…`` in its own process and return its result JSON and resources.

    ``wait4`` gives the child's ``ru_maxrss``; on Linux that number also includes the memory of
    the parent at the time of the spawn (the kernel carries the high-water mark over ``exec``),
    so the figure we report is the child's own ``VmHWM``, written into its result file.
    """
    if result.exists():
        result.unlink()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed with exit status {proc.returncode}")
    data = json.loads(result.read_text(encoding="utf-8"))
    return Child(proc.returncode, seconds, usage.ru_maxrss * 1024, data)


def fresh_home(prefix: str) -> tuple[Path, dict[str, str]]:
    """A new temporary ``LOFTE_HOME`` and the environment of a child that works in it: a new
    SQLite database and pseudonym key (``DATABASE_URL`` and ``LOFTE_PSEUDONYM_KEY`` dropped)."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LOFTE_PSEUDONYM_KEY")}
    env.update(LOFTE_HOME=str(home), DJANGO_SETTINGS_MODULE="lofte.web.settings")
    return home, env


def import_phase(data: Path, today: dt.date, work: Path, env: dict[str, str]) -> dict:
    """``phases.py import`` of the data set in ``data`` into the home of ``env``; the inputs of
    compute go to ``work/inputs.json``."""
    cmd = ["bench/phases.py", "import", "--data", str(data), "--today", today.isoformat()]
    cmd += ["--inputs", str(work / "inputs.json"), "--result", str(work / "import.json")]
    return run_child(cmd, work / "import.json", env).result


# --- the data set -----------------------------------------------------------------------------


def span(half_years: int) -> tuple[dt.date, dt.date]:
    """(today, cutoff): ``lofte.demo`` covers 2019-01-01 to the last half-year before today."""
    year = FIRST_YEAR + (half_years - 1) // 2
    cutoff = dt.date(year, 6, 30) if half_years % 2 else dt.date(year, 12, 31)
    return cutoff + dt.timedelta(days=1), cutoff


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "load_average_at_start": load_average(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_bytes": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine skews every figure."""
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def versions() -> dict:
    out = {}
    for name in ("lofte", "duckdb", "pyarrow", "numpy", "pandas", "django"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        out["git"] = commit + ("+uncommitted changes" if dirty else "")
    except OSError:
        out["git"] = None
    return out


def median_run(runs: list[dict]) -> dict:
    """The run of median time (the lower middle one of an even number), with every run's time
    and the highest peak memory of all runs."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    middle = ordered[(len(ordered) - 1) // 2]
    return {
        **middle,
        "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
        "runs_seconds": [r["seconds"] for r in runs],
    }


# --- report -----------------------------------------------------------------------------------


def gib(n: float | None) -> str:
    return "–" if n is None else f"{n / 2**30:.2f} GiB"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def table(results: dict) -> str:
    lines = []
    d = results["data"]
    lines.append(
        f"Data set: {d['instances']:,} pathways, {d['events']:,} events, "
        f"{d['period_from']} – {d['period_to']} ({d['import_rows']:,} delivery rows)"
    )
    m = results["machine"]
    lines.append(f"Machine: {m['cpu']}, {m['usable_cores']} cores, {gib(m['ram_bytes'])} RAM")
    load = m.get("load_average_at_start"), m.get("load_average_at_end")
    if all(load):
        lines.append(
            f"Load average (1 min) at start {load[0][0]:.2f}, at end {load[1][0]:.2f}"
            + (
                "  – the machine was busy with other work"
                if max(load[0][0], load[1][0]) > 0.5
                else ""
            )
        )
    lines.append("")
    lines.append(f"{'measure':<36}{'figure':>18}   {'goal':<22}")
    lines.append("-" * 80)
    imp = results["import"]
    lines.append(
        f"{'import (rows/s)':<36}{imp['rows_per_second']:>18,.0f}   "
        f"≥ 100 000  {verdict(results['goals']['import_rows_per_second'])}"
    )
    lines.append(f"{'import (s, all deliveries)':<36}{imp['seconds']:>18.1f}")
    lines.append(f"{'import peak memory':<36}{gib(imp['peak_rss_bytes']):>18}")
    com = results["compute"]
    lines.append(
        f"{'compute (s)':<36}{com['seconds']:>18.1f}   "
        f"≤ 20 s     {verdict(results['goals']['compute_seconds'])}"
    )
    lines.append(
        f"{'compute peak memory':<36}{gib(com['peak_rss_bytes']):>18}   "
        f"≤ 4 GiB    {verdict(results['goals']['compute_peak_bytes'])}"
    )
    if len(com.get("runs_seconds", [])) > 1:
        runs = ", ".join(f"{x:.1f}" for x in com["runs_seconds"])
        lines.append(f"{'  runs (s; the median counts)':<36}{runs:>18}")
    if "cpu_seconds" in com:
        lines.append(f"{'  CPU time, all threads (s)':<36}{com['cpu_seconds']:>18.1f}")
    for step, seconds in com["steps"].items():
        lines.append(f"{'  ' + step:<36}{seconds:>18.1f}")
    peer = results.get("peer")
    if peer:
        lines.append(f"{'pandas peer (s)':<36}{peer['seconds']:>18.1f}")
        if len(peer.get("runs_seconds", [])) > 1:
            runs = ", ".join(f"{x:.1f}" for x in peer["runs_seconds"])
            lines.append(f"{'  runs (s; the median counts)':<36}{runs:>18}")
        lines.append(f"{'pandas peer peak memory':<36}{gib(peer['peak_rss_bytes']):>18}")
        for step, seconds in peer["steps"].items():
            lines.append(f"{'  ' + step:<36}{seconds:>18.1f}")
        lines.append(
            f"{'speed-up vs pandas':<36}{results['speedup_vs_pandas']:>17.1f}×   "
            f"≥ 5×       {verdict(results['goals']['speedup_vs_pandas'])}"
        )
        cells = results["agreement"]["cells"]
        inst = results["agreement"]["instances"]
        lines.append("")
        lines.append(
            f"Peer vs engine, cells: {cells['engine_cells']:,} engine, {cells['peer_cells']:,} "
            f"peer, {cells['only_engine']} only in engine, {cells['only_peer']} only in peer, "
            f"mismatches num/den/value {cells['numerator_mismatches']}/"
            f"{cells['denominator_mismatches']}/{cells['value_mismatches']} → "
            + ("AGREE" if cells["ok"] else "DISAGREE")
        )
        lines.append(
            f"Peer vs engine, instances: {inst['engine_instances']:,} engine, "
            f"{inst['peer_instances']:,} peer, only engine {inst['only_engine']}, only peer "
            f"{inst['only_peer']}, columns differing {inst['column_mismatches'] or 'none'} → "
            + ("AGREE" if inst["ok"] else "DISAGREE")
        )
        for example in cells["examples"]:
            lines.append(f"  {example}")
    prof = results.get("profile")
    if prof:
        lines.append("")
        lines.append(
            f"Profile (the engine's functions timed inside one compute, {prof['seconds']:.1f} s "
            "in all; nested calls count in both):"
        )
        for name, entry in prof["functions"].items():
            lines.append(
                f"  {name:<30}{entry['seconds']:>8.2f} s wall {entry['cpu_seconds']:>8.2f} s CPU"
                f"   {int(entry['calls'])} calls"
            )
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="1.0 = ten years of national data (≈ 700 000 pathways); the generator's volume "
        "per year is fixed, so the scale sets the number of half-years (20 × scale)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (seconds)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="output directory")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--reuse-data", action="store_true", help="keep the generated files if they match"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also time the engine's main functions"
    )
    parser.add_argument("--no-peer", action="store_true", help="skip the pandas peer")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of compute and of the peer, in turns; the median counts (default 3)",
    )
    parser.add_argument("--keep-home", action="store_true", help="keep the temporary LOFTE_HOME")
    args = parser.parse_args(argv)

    half_years = 4 if args.quick else max(1, round(20 * args.scale))
    today, cutoff = span(half_years)
    out: Path = args.out.resolve()
    data = out / "data"
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "arguments": {
            "scale": args.scale,
            "quick": args.quick,
            "seed": args.seed,
            "half_years": half_years,
            "today": today.isoformat(),
        },
        "machine": machine(),
        "versions": versions(),
        "goals": {},
    }
    print(f"Löfte benchmark: {half_years / 2:g} years to {cutoff}, quick={args.quick}", flush=True)

    # (a) the data set
    manifest = data / "SYNTETISK_manifest.json"
    generated = work / "generate.json"
    reuse = False
    if args.reuse_data and manifest.exists() and generated.exists():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        reuse = (m["today"], m["quick"], m["seed"]) == (today.isoformat(), args.quick, args.seed)
    if reuse:
        print("generate: reusing", data, flush=True)
        gen = json.loads(generated.read_text(encoding="utf-8"))
    else:
        print("generate …", flush=True)
        cmd = ["bench/phases.py", "generate", "--data", str(data), "--today", today.isoformat()]
        cmd += ["--seed", str(args.seed), "--result", str(generated)]
        gen = run_child([*cmd, "--quick"] if args.quick else cmd, generated).result
    results["generate"] = gen

    # (b) import into a fresh LOFTE_HOME
    home, env = fresh_home("lofte-bench-home-")
    inputs = work / "inputs.json"
    try:
        print(f"import into {home} …", flush=True)
        imp = import_phase(data, today, work, env)
        results["import"] = imp
        results["data"] = {
            "instances": gen["instances"],
            "events": gen["events"],
            "period_from": gen["period_from"],
            "period_to": gen["period_to"],
            "import_rows": imp["rows"],
            "delivery_files": len(imp["deliveries"]),
        }
        failed = [d for d in imp["deliveries"] if d["outcome"] != "imported"]
        if failed:
            results["import_problems"] = failed
            print(f"WARNING: {len(failed)} valid deliveries were not imported: {failed}")

        # (c) compute and (d) the pandas peer, in turns: each measured --repeat times, the
        # median run counts (the first run after the import is often the slowest, and the
        # machine's speed drifts; taking turns gives both sides the same conditions).
        engine_out = work / "engine"
        peer_out = work / "peer"
        compute_runs: list[dict] = []
        peer_runs: list[dict] = []
        for turn in range(1, args.repeat + 1):
            print(f"compute (run {turn} of {args.repeat}) …", flush=True)
            cmd = ["bench/phases.py", "compute", "--inputs", str(inputs), "--out", str(engine_out)]
            child = run_child([*cmd, "--result", str(work / "compute.json")], work / "compute.json")
            compute_runs.append({**child.result, "wait4_maxrss_bytes": child.wait4_maxrss_bytes})
            print(f"  {child.result['seconds']:.1f} s, {gib(child.result['peak_rss_bytes'])}")
            if not args.no_peer:
                print(f"pandas peer (run {turn} of {args.repeat}) …", flush=True)
                cmd = ["bench/pandas_peer.py", "--inputs", str(inputs), "--out", str(peer_out)]
                child = run_child(cmd, peer_out / "result.json")
                peer_runs.append({**child.result, "wait4_maxrss_bytes": child.wait4_maxrss_bytes})
                print(f"  {child.result['seconds']:.1f} s, {gib(child.result['peak_rss_bytes'])}")
        results["compute"] = median_run(compute_runs)

        if args.profile:
            print("profile …", flush=True)
            cmd = ["bench/phases.py", "profile", "--inputs", str(inputs)]
            cmd += ["--result", str(work / "profile.json")]
            results["profile"] = run_child(cmd, work / "profile.json").result

        if peer_runs:
            results["peer"] = median_run(peer_runs)
            results["speedup_vs_pandas"] = (
                results["peer"]["seconds"] / results["compute"]["seconds"]
            )
            results["goals"]["speedup_vs_pandas"] = (
                results["speedup_vs_pandas"] >= GOALS["speedup_vs_pandas"]
            )
            # (e) agreement
            print("compare …", flush=True)
            results["agreement"] = {
                "cells": compare_cells(engine_out / "cube.parquet", peer_out / "cells.parquet"),
                "instances": compare_instances(
                    engine_out / "instances.parquet", peer_out / "instances.parquet"
                ),
            }
    finally:
        if args.keep_home:
            print("LOFTE_HOME kept:", home)
        else:
            shutil.rmtree(home, ignore_errors=True)

    results["goals"].update(
        import_rows_per_second=imp["rows_per_second"] >= GOALS["import_rows_per_second"],
        compute_seconds=results["compute"]["seconds"] <= GOALS["compute_seconds"],
        compute_peak_bytes=results["compute"]["peak_rss_bytes"] <= GOALS["compute_peak_bytes"],
    )
    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = load_average()
    (out / "results.json").write_text(
        json.dumps(results, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print()
    print(table(results))
    print(f"\nwritten: {out / 'results.json'}")
    agreement = results.get("agreement")
    if agreement and not (agreement["cells"]["ok"] and agreement["instances"]["ok"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
