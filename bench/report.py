"""Time `lofte report` for Sydöst on the demo data (goal: under 30 s for the whole report).

Usage::

    LOFTE_HOME=var .venv/bin/lofte demo          # once: the full synthetic data set (~2–4 min)
    LOFTE_HOME=var .venv/bin/python bench/report.py [--period 2026H1] [--runs 3]

Each run is the `lofte report` command in a child process (start-up, Django, reading the cube,
model, charts, HTML, PDF and XLSX in Swedish and English, model.json), timed by wall clock; the
best run counts (the first one also compiles bytecode). The script also times the steps once
in-process and records the load average, because the machine may be shared. It prints a table
and writes ``bench/out/report.json``. Nothing is timed inside pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOFTE = Path(sys.executable).with_name("lofte")


def steps(healthcare_region: str, period: str) -> dict[str, float]:
    """Wall time of each step of one report, in this process."""
    from lofte.django_setup import setup

    setup()
    from lofte.catalog import load
    from lofte.reports import charts, html, pdf, present, xlsx
    from lofte.reports.model import build
    from lofte.reports.service import read_report_cube

    out: dict[str, float] = {}
    t = time.perf_counter()
    cat = load()
    cube = read_report_cube([*cat.children(healthcare_region), healthcare_region, "SE"])
    out["read cube"] = time.perf_counter() - t
    t = time.perf_counter()
    report = build(healthcare_region, period, cube, cat)
    out["model"] = time.perf_counter() - t
    for lang in ("sv", "en"):
        t = time.perf_counter()
        specs = charts.all_charts(report, lang)
        presented = present.present(report, lang, specs)
        out[f"charts {lang} ({len(specs)})"] = time.perf_counter() - t
        t = time.perf_counter()
        html.render(presented, specs)
        out[f"html {lang}"] = time.perf_counter() - t
        t = time.perf_counter()
        pdf.render(presented, specs)
        out[f"pdf {lang} (svg + typst)"] = time.perf_counter() - t
        t = time.perf_counter()
        xlsx.render(presented)
        out[f"xlsx {lang}"] = time.perf_counter() - t
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--healthcare-region", default="sydost")
    parser.add_argument("--period", default=None, help="default: last complete half-year")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    if args.period is None:
        import datetime as dt

        from lofte.core.periods import last_complete_half

        args.period = last_complete_half(dt.date.today())
    home = os.environ.get("LOFTE_HOME", "var")
    # An installed Löfte runs from compiled bytecode; some sandboxes set PYTHONDONTWRITEBYTECODE,
    # which makes every start recompile Django, pandas and Altair. The first run writes the
    # .pyc files, the later runs are what a user waits for.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    cpu = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(
                [
                    str(LOFTE),
                    "report",
                    "--healthcare-region",
                    args.healthcare_region,
                    "--period",
                    args.period,
                    "--out",
                    str(Path(tmp) / str(i)),
                ],
                check=True,
                capture_output=True,
                env=env,
            )
            times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    detail = steps(args.healthcare_region, args.period)
    load = os.getloadavg()
    result = {
        "healthcare_region": args.healthcare_region,
        "period": args.period,
        "lofte_home": home,
        "runs_s": [round(x, 2) for x in times],
        "best_s": round(min(times), 2),
        # CPU seconds of the child: what the wall time is on an idle machine (the work is
        # essentially single-threaded), whatever else shares the cores
        "cpu_s": [round(x, 2) for x in cpu],
        "steps_s": {k: round(v, 2) for k, v in detail.items()},
        "cpus": os.cpu_count(),
        "load_average_1m_after": round(load[0], 2),
        "python": platform.python_version(),
        "goal_s": 30,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"lofte report {args.healthcare_region} {args.period}: runs {result['runs_s']} s")
    load_1m = result["load_average_1m_after"]
    print(f"best {result['best_s']} s (goal < 30 s); load average {load_1m}")
    print(f"CPU time of the runs: {result['cpu_s']} s")
    for name, seconds in result["steps_s"].items():
        print(f"  {name:28} {seconds:6.2f} s")
    return 0 if min(times) < 30 else 1


if __name__ == "__main__":
    sys.exit(main())
