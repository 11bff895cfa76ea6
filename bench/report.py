"""Time `lofte report` for Sydöst on the demo data, against a baseline commit side by side.

Usage::

    LOFTE_HOME=var .venv/bin/lofte demo          # once: the full synthetic data set (~2–4 min)
    LOFTE_HOME=var .venv/bin/python bench/report.py [--period 2026H1] [--runs 3] [--baseline main]

Each run is the `lofte report` command in a child process (start-up, Django, reading the cube,
model, charts, HTML, PDF and XLSX in Swedish and English, model.json), timed by wall clock; the
best run counts (the first one also compiles bytecode). With ``--baseline REV`` the script checks
REV out in a temporary git worktree and runs its `lofte report` (same interpreter and packages,
``PYTHONPATH`` pointing at the baseline's ``src``) in turns with the working tree's, on the same
home, so that both see the same machine load. The script also times the steps once in-process
and records the load average, because the machine may be shared. It prints a table and writes
``bench/out/report.json``. Nothing is timed inside pytest.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOFTE = Path(sys.executable).with_name("lofte")
#: The issue's goal for the Sydöst report, all renderings in both languages (issue 14).
GOAL_S = 5.0


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
    regions = [*cat.children(healthcare_region), healthcare_region, "SE"]
    cube = read_report_cube(regions, period)
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
        pdf.chart_svgs(specs)
        out[f"svg {lang}"] = time.perf_counter() - t
        t = time.perf_counter()
        pdf.render(presented, specs)
        out[f"pdf {lang} (svg + typst)"] = time.perf_counter() - t
        t = time.perf_counter()
        xlsx.render(presented)
        out[f"xlsx {lang}"] = time.perf_counter() - t
    return out


def run_report(
    cmd: list[str], args: argparse.Namespace, out: Path, env: dict[str, str]
) -> tuple[float, float]:
    """Wall and CPU seconds of one `lofte report` child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [
            *cmd,
            "report",
            "--healthcare-region",
            args.healthcare_region,
            "--period",
            args.period,
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


@contextlib.contextmanager
def baseline_tree(rev: str | None) -> Iterator[Path | None]:
    """A temporary git worktree of ``rev`` (removed afterwards), or None without one."""
    if rev is None:
        yield None
        return
    repo = HERE.parent
    tmp = Path(tempfile.mkdtemp(prefix="lofte-report-baseline-"))
    tree = tmp / "tree"
    subprocess.run(
        ["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), rev],
        check=True,
        capture_output=True,
    )
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--healthcare-region", default="sydost")
    parser.add_argument("--period", default=None, help="default: last complete half-year")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--baseline", default=None, help="git revision to time side by side")
    parser.add_argument(
        "--baseline-site",
        type=Path,
        default=None,
        help="extra packages the baseline needs and this tree does not (e.g. Altair for "
        "commits before issue 14), installed with `uv pip install --target DIR --no-deps`",
    )
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
    sides: dict[str, dict[str, list[float]]] = {}
    with baseline_tree(args.baseline) as tree, tempfile.TemporaryDirectory() as tmp:
        runners: dict[str, tuple[list[str], dict[str, str]]] = {"current": ([str(LOFTE)], env)}
        baseline_commit = None
        if tree is not None:
            baseline_commit = subprocess.run(
                ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            # the baseline's code with this interpreter and packages: its src first on the path
            paths = [str(tree / "src")]
            if args.baseline_site is not None:
                paths.append(str(args.baseline_site))
            base_env = {**env, "PYTHONPATH": os.pathsep.join(paths)}
            cmd = [sys.executable, "-c", "import sys; from lofte.cli import main; sys.exit(main())"]
            runners = {"baseline": (cmd, base_env), **runners}
        for i in range(args.runs):
            for name, (cmd, side_env) in runners.items():  # in turns, same load for both
                wall, cpu = run_report(cmd, args, Path(tmp) / f"{name}-{i}", side_env)
                side = sides.setdefault(name, {"runs_s": [], "cpu_s": []})
                side["runs_s"].append(wall)
                side["cpu_s"].append(cpu)
    times = sides["current"]["runs_s"]
    cpu = sides["current"]["cpu_s"]
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
        "goal_s": GOAL_S,
        "baseline": None,
    }
    if "baseline" in sides:
        base = sides["baseline"]
        result["baseline"] = {
            "rev": args.baseline,
            "commit": baseline_commit,
            "runs_s": [round(x, 2) for x in base["runs_s"]],
            "best_s": round(min(base["runs_s"]), 2),
            "cpu_s": [round(x, 2) for x in base["cpu_s"]],
            "speed_up_best": round(min(base["runs_s"]) / min(times), 2),
        }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"lofte report {args.healthcare_region} {args.period}: runs {result['runs_s']} s")
    load_1m = result["load_average_1m_after"]
    print(f"best {result['best_s']} s (goal ≤ {GOAL_S} s); load average {load_1m}")
    print(f"CPU time of the runs: {result['cpu_s']} s")
    if result["baseline"]:
        b = result["baseline"]
        print(
            f"baseline {b['rev']} ({b['commit']}): runs {b['runs_s']} s, best {b['best_s']} s, "
            f"CPU {b['cpu_s']} s"
        )
        print(f"speed-up (best over best): {b['speed_up_best']}×")
    for name, seconds in result["steps_s"].items():
        print(f"  {name:28} {seconds:6.2f} s")
    return 0 if min(times) <= GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
