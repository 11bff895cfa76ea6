"""CPU per request of the results site and the API, in-process, this tree against a baseline.

The load benchmark (``load.py``) measures latency under 20 clients, which on a shared 2-core
machine says as much about the machine as about the code. This script measures what the code
costs: each side answers the same never-seen pages and API queries through Django's test client
(every middleware, no HTTP), in a process of its own, and the script reports the process CPU
time per request (``time.process_time``), sides in turns, the median of ``--repeat`` rounds.

    .venv/bin/python bench/site_cpu.py --home /tmp/lofte-nat \\
        [--baseline REV --baseline-home /tmp/lofte-nat-copy] [--repeat 3] [--profile]

``--profile`` also prints the 25 functions of this tree with the most cumulative time
(cProfile) over one more round of pages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def worker(home: Path, urls: Path, warm: int, profile: bool) -> None:
    """In the measured process: answer the URLs, print CPU ms per page and per API query."""
    import cProfile
    import pstats
    import time

    os.environ["LOFTE_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lofte.web.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    lists = json.loads(urls.read_text())
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="sv")
    for url in lists["warm"][:warm]:
        assert client.get(url).status_code == 200, url
    out: dict[str, Any] = {}
    for kind in ("pages", "api"):
        cache.clear()
        started = time.process_time()
        for url in lists[kind]:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        out[kind] = (time.process_time() - started) * 1000 / len(lists[kind])
    if profile:
        cache.clear()
        prof = cProfile.Profile()
        prof.enable()
        for url in lists["pages"]:
            client.get(url)
        prof.disable()
        stats = pstats.Stats(prof, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(r"lofte|template|translation", 25)
    print(json.dumps(out))


def run_side(src: Path | None, home: Path, urls: Path, warm: int, profile: bool) -> dict:
    env = {**os.environ}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    command = [sys.executable, __file__, "--worker", "--home", str(home), "--urls", str(urls)]
    command += ["--warm", str(warm)] + (["--profile"] if profile else [])
    done = subprocess.run(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if profile else subprocess.PIPE,  # the profile goes to the terminal
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the measured process failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--baseline", metavar="REV")
    parser.add_argument("--baseline-home", type=Path)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--apis", type=int, default=300)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.home, args.urls, args.warm, args.profile)
        return
    if args.baseline and not args.baseline_home:
        raise SystemExit("--baseline needs --baseline-home (a copy of the home)")
    from load import baseline_tree, selections

    home = args.home.resolve()
    pages, apis = selections(home, args.pages + args.warm, args.apis, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        urls = Path(tmp) / "urls.json"
        urls.write_text(
            json.dumps({"warm": pages[: args.warm], "pages": pages[args.warm :], "api": apis})
        )
        results: dict[str, list[dict]] = {"baseline": [], "this tree": []}
        with baseline_tree(args.baseline) as base:
            for i in range(args.repeat):
                sides: list[tuple[str, Path | None, Path]] = [("this tree", None, home)]
                if base is not None:
                    sides.insert(i % 2, ("baseline", base, args.baseline_home.resolve()))
                for name, src, side_home in sides:
                    got = run_side(src, side_home, urls, args.warm, False)
                    results[name].append(got)
                    print(
                        f"round {i + 1} {name}: page {got['pages']:.2f} ms, "
                        f"API {got['api']:.2f} ms CPU (load {os.getloadavg()[0]:.1f})",
                        file=sys.stderr,
                    )
            if args.profile:
                run_side(None, home, urls, args.warm, True)
    print(f"\n{len(pages) - args.warm} never-seen pages, {len(apis)} API queries, in-process")
    print("\n| code | page ms CPU (median; all) | API ms CPU (median; all) |")
    print("|---|---|---|")
    for name, got in results.items():
        if not got:
            continue
        cells = []
        for kind in ("pages", "api"):
            values = [g[kind] for g in got]
            listed = ", ".join(f"{v:.2f}" for v in values)
            cells.append(f"{statistics.median(values):.2f} ({listed})")
        print(f"| {name} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
