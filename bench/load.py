"""Load benchmark of the public results site and the JSON API on loopback.

Starts gunicorn (``lofte.web.wsgi``) on 127.0.0.1 against an existing ``LOFTE_HOME`` with a
computed cube (e.g. after ``lofte demo``), then runs closed-loop clients (default 20 threads, each
with its own ``http.client`` connection and no think time) against one URL set at a time and
prints p50/p95/p99 latencies and throughput as a Markdown table (``--json FILE`` also writes them).

    .venv/bin/python bench/load.py --home /tmp/lofte-demo-home
    .venv/bin/python bench/load.py --home … --workers 2 --duration 20 --clients 20

The app is preloaded in the gunicorn master (``--preload``) and, with ``LOFTE_PRELOAD_CUBE=1``, the
public cube is read there once before the workers fork (``--no-preload-cube`` leaves each worker
to read it on its first request), which is how a production deployment should run it. Warm-up
requests are not measured.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    conn.request("GET", path, headers={"Accept-Language": "sv", "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    return response.status, len(body)


def wait_until_up(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            status, _ = fetch(conn, "/healthz")
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not come up")


def run_clients(port: int, paths: list[str], clients: int, duration: float) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            path = paths[rng.randrange(len(paths))]
            started = time.perf_counter()
            try:
                status, _ = fetch(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                with lock:
                    errors.append(f"{path}: {exc}")
                continue
            mine.append(time.perf_counter() - started)
            if status != 200:
                with lock:
                    errors.append(f"{path}: HTTP {status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}", file=sys.stderr)
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "requests": len(ms),
        "errors": len(errors),
        "rps": len(ms) / elapsed,
        "p50_ms": q[49],
        "p95_ms": q[94],
        "p99_ms": q[98],
        "max_ms": ms[-1] if ms else float("nan"),
    }


def page_mix(home: Path) -> list[str]:
    """Many different selections: indicator × area × pathway × view."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["LOFTE_HOME"] = str(home)
    from lofte.catalog import load

    cat = load()
    areas = ["SE", *(r.code for r in cat.healthcare_regions())]
    indicators = [
        "svf_andel_inom_ledtid",
        "svf_andel_inom_28_dagar",
        "svf_ledtid_median",
        "svf_andel_mdk",
        "svf_antal_avslutade",
    ]
    pathways = ["alla", "brost", "prostata", "kolorektal", "lunga"]
    views = ["jamforelse", "trend", "tabell", "karta"]
    paths = []
    for ind in indicators:
        for area in areas:
            for pathway in pathways:
                for view in views:
                    params = {"indicator": ind, "region": area, "pathway": pathway, "view": view}
                    paths.append("/?" + urlencode(params))
    return paths


def api_mix(home: Path) -> list[str]:
    from lofte.catalog import load

    cat = load()
    paths = []
    for ind in ("svf_andel_inom_ledtid", "svf_ledtid_median", "svf_andel_mdk"):
        for region in ["SE", *(r.code for r in cat.healthcare_regions()), "05", "12", "25"]:
            for pathway in ("alla", "brost", "prostata"):
                params = {
                    "indicator": ind,
                    "region": region,
                    "region_basis": "bostad",
                    "pathway": pathway,
                    "treatment": "alla",
                    "period_type": "half",
                }
                paths.append("/api/v1/cube?" + urlencode(params))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("LOFTE_HOME", "var")))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--no-preload-cube", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    home = args.home.resolve()
    if not (home / "cube" / "cube.parquet").exists():
        raise SystemExit(f"no cube in {home}: run `lofte demo` with LOFTE_HOME={home} first")

    port = free_port()
    env = {
        **os.environ,
        "LOFTE_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "lofte.web.settings",
        "DJANGO_DEBUG": "0",
        "LOFTE_PRELOAD_CUBE": "0" if args.no_preload_cube else "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "lofte.web.wsgi",
        "--preload",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    started = time.perf_counter()
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        wait_until_up(port, timeout=600)
        ready = time.perf_counter() - started
        pages = page_mix(home)
        apis = api_mix(home)
        main_page = ["/"]
        main_api = [apis[0]]
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for path in [*main_page, *main_api] * (4 * args.workers):
            fetch(warm, path)
        warm.close()
        scenarios = [
            ("main page `/`", main_page),
            (f"page mix ({len(pages)} selections × views)", pages),
            ("API: one cube query", main_api),
            (f"API mix ({len(apis)} cube queries)", apis),
        ]
        results = {}
        for name, paths in scenarios:
            print(f"running {name} …", file=sys.stderr)
            results[name] = run_clients(port, paths, args.clients, args.duration)
    finally:
        server.terminate()
        server.wait(timeout=60)

    load_avg = os.getloadavg()
    print(
        f"\nloopback, {args.clients} clients, gunicorn {args.workers} workers × {args.threads} "
        f"threads, {args.duration:g} s per scenario; server ready after {ready:.1f} s; "
        f"{os.cpu_count()} CPUs, load average {load_avg[0]:.1f}; "
        f"Python {platform.python_version()}\n"
    )
    print("| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['requests']} | {r['rps']:.0f} | {r['p50_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['errors']} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "clients": args.clients,
                    "workers": args.workers,
                    "threads": args.threads,
                    "duration": args.duration,
                    "ready_seconds": ready,
                    "load_average": load_avg,
                    "results": results,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
