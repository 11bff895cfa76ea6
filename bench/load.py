"""Load benchmark of ``lofte serve``: start time, memory of all its processes, and latency of
the public results site and the JSON API under 20 clients on loopback.

Runs the real command (``lofte serve``: the parent, gunicorn's master and workers, the task
worker) against an existing ``LOFTE_HOME`` with a computed cube and measures:

1. **start**: seconds from starting ``lofte serve`` until ``/healthz``, the results start page
   and one API query each first answer 200 (polled every 20 ms);
2. **memory**: resident memory (RSS) and proportional set size (PSS: shared pages divided among
   the processes sharing them) of every process of the tree, from ``/proc``, once the server
   is warm and again after the load, and the highest RSS sum sampled every 0.25 s meanwhile;
3. **latency**: closed-loop clients (default 20 threads, each with its own keep-alive
   connection, no think time) work through a shuffled list of *never-seen* requests – by
   default 1 000 different results pages (indicator × area × pathway × period type × view) and
   1 000 different API cube queries, each requested exactly once, so no response cache helps –
   and the script reports p50/p95/p99 for pages and for the API separately;
4. optionally (``--pickup``, writes to the home) **a new cube without restart**: the cube file is
   replaced (the same cells, a new version) and its public file written as ``compute`` does;
   the script measures how long until the API serves the new version and the memory after;
5. optionally (``--rates R1,R2,…``) **latency at a given traffic**: further never-seen requests
   sent at Poisson arrival times (an open loop), timed from when each was due;
6. optionally (``--floor``) **the machine's floor**: the same clients against a WSGI app that
   does no work (``floor_app.py``), and from it the budget the API goal leaves for Löfte's code.

    .venv/bin/python bench/load.py --home /tmp/lofte-nat [--runs 3] [--json out.json] \
        [--rates 100,200] [--floor]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
#: The API's goal (issue 11): p95 at most this many milliseconds.
API_GOAL_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes, dict[str, str]]:
    conn.request("GET", path, headers={"Accept-Language": "sv", "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    if headers.get("connection", "").lower() == "close":
        conn.close()
    return response.status, body, headers


def get_once(port: int, path: str) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        return fetch(conn, path)
    finally:
        conn.close()


# --- the process tree and its memory -------------------------------------------------------


def tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return out


def _kib(text: str, field: str) -> int:
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def memory(root: int) -> dict[str, Any]:
    """RSS and PSS of each process of the tree (bytes), with its command line shortened."""
    procs = []
    for pid in tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [c.decode(errors="replace") for c in cmd if c]
        name = " ".join(w.rsplit("/", 1)[-1] for w in words[:6])
        procs.append(
            {
                "pid": pid,
                "cmd": name,
                "rss": _kib(status, "VmRSS") * 1024,
                "pss": _kib(rollup, "Pss") * 1024,
            }
        )
    return {
        "processes": procs,
        "rss_total": sum(p["rss"] for p in procs),
        "pss_total": sum(p["pss"] for p in procs),
    }


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds used so far by the processes of the tree."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


class Sampler(threading.Thread):
    """The highest RSS sum of the tree, sampled every 0.25 s."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_rss = 0
        self.peak_pss = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.25):
            m = memory(self.root)
            self.peak_rss = max(self.peak_rss, m["rss_total"])
            self.peak_pss = max(self.peak_pss, m["pss_total"])


# --- the requests ----------------------------------------------------------------------------


def selections(home: Path, pages: int, apis: int, seed: int) -> tuple[list[str], list[str]]:
    """Distinct page and API URLs over what the public cube holds (read from its index)."""
    os.environ["LOFTE_HOME"] = str(home)
    sys.path.insert(0, str(ROOT / "src"))
    from lofte.catalog import load
    from lofte.cube import public

    cube = home / "cube" / "cube.parquet"
    found = public.find(cube, public.source_key(cube))
    if found is None:
        raise SystemExit(f"{cube} has no public file yet: start `lofte serve` once first")
    dims = public.read_index(found)["dims"]
    cat = load()
    areas = ["SE", *(r.code for r in cat.healthcare_regions())]
    regions = [*areas, *(c.code for c in cat.counties())]
    views = ["jamforelse", "trend", "tabell", "karta"]
    page_urls, api_urls = set(), set()
    for indicator, d in dims.items():
        for area in areas:
            for pathway in d["pathways"]:
                for ptype in d["periods"]:
                    for view in views:
                        params = {
                            "indicator": indicator,
                            "region": area,
                            "pathway": pathway,
                            "ptype": ptype,
                            "view": view,
                        }
                        page_urls.add("/?" + urlencode(params))
        for region in regions:
            for basis in d["bases"]:
                for pathway in d["pathways"]:
                    for ptype in d["periods"]:
                        params = {
                            "indicator": indicator,
                            "region": region,
                            "region_basis": basis,
                            "pathway": pathway,
                            "treatment": "alla",
                            "period_type": ptype,
                        }
                        api_urls.add("/api/v1/cube?" + urlencode(params))
    rng = random.Random(seed)
    chosen_pages = rng.sample(sorted(page_urls), min(pages, len(page_urls)))
    chosen_api = rng.sample(sorted(api_urls), min(apis, len(api_urls)))
    return chosen_pages, chosen_api


def public_file_ready(home: Path) -> bool:
    """Whether the home's cube has its public file (written at the first start otherwise)."""
    sys.path.insert(0, str(ROOT / "src"))
    from lofte.cube import public

    cube = home / "cube" / "cube.parquet"
    return public.find(cube, public.source_key(cube)) is not None


class Tally:
    """Latencies (ms), body sizes and errors per kind, from any number of client threads."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.sizes: dict[str, list[int]] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def ask(self, conn: http.client.HTTPConnection, kind: str, path: str, since: float) -> None:
        """GET ``path`` on ``conn`` and count the time from ``since`` to the whole body read."""
        try:
            status, body, _ = fetch(conn, path)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            with self.lock:
                self.errors.append(f"{path}: {exc}")
            return
        took = (time.perf_counter() - since) * 1000
        with self.lock:
            self.latencies.setdefault(kind, []).append(took)
            self.sizes.setdefault(kind, []).append(len(body))
            if status != 200:
                self.errors.append(f"{path}: HTTP {status}")

    def summary(self, elapsed: float) -> dict[str, Any]:
        return summarise(self.latencies, self.sizes, self.errors, elapsed)


def run_clients(port: int, paths: list[tuple[str, str]], clients: int) -> dict[str, Any]:
    """Each path once, by ``clients`` closed-loop threads; latencies per kind."""
    work: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
    for item in paths:
        work.put(item)
    tally = Tally()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            try:
                kind, path = work.get_nowait()
            except queue.Empty:
                break
            tally.ask(conn, kind, path, time.perf_counter())
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally.summary(time.perf_counter() - began)


def summarise(
    latencies: dict[str, list[float]],
    sizes: dict[str, list[int]],
    errors: list[str],
    elapsed: float,
) -> dict[str, Any]:
    """p50/p95/p99 and mean body size per kind, requests per second, mean time in the system."""
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}", file=sys.stderr)
    out: dict[str, Any] = {"seconds": elapsed, "errors": len(errors)}
    for kind, ms in latencies.items():
        ms.sort()
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
        out[kind] = {
            "requests": len(ms),
            "p50_ms": q[49],
            "p95_ms": q[94],
            "p99_ms": q[98],
            "max_ms": ms[-1],
            "mean_bytes": statistics.mean(sizes[kind]),
        }
    out["rps"] = sum(len(v) for v in latencies.values()) / elapsed
    out["mean_ms"] = statistics.mean(x for v in latencies.values() for x in v) if latencies else 0
    return out


def run_open(port: int, paths: list[tuple[str, str]], rate: float, seed: int) -> dict[str, Any]:
    """Each path once, sent at Poisson arrival times averaging ``rate`` per second (an open
    loop: visitors who do not wait for each other) by a pool of 64 connections. A request's
    latency counts from its scheduled time, so time spent waiting for a free connection counts
    too (no coordinated omission)."""
    work: queue.SimpleQueue[tuple[str, str, float] | None] = queue.SimpleQueue()
    tally = Tally()

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while (item := work.get()) is not None:
            tally.ask(conn, *item)
        conn.close()

    senders = [threading.Thread(target=sender) for _ in range(64)]
    for t in senders:
        t.start()
    rng = random.Random(seed)
    began = due = time.perf_counter()
    for kind, path in paths:
        due += rng.expovariate(rate)
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        work.put((kind, path, due))
    for _ in senders:
        work.put(None)
    for t in senders:
        t.join()
    out = tally.summary(time.perf_counter() - began)
    out["offered_rps"] = rate
    return out


# --- start, pick-up --------------------------------------------------------------------------


def wait_for(port: int, path: str, started: float, timeout: float, proc: Any) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("lofte serve exited")
        try:
            if get_once(port, path)[0] == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"{path} did not answer 200 within {timeout:.0f} s")


def pickup(home: Path, port: int, api_paths: list[str]) -> dict[str, Any]:
    """Replace the cube with a new version (the same cells, a new mtime) the way compute does –
    under the publication lock, the public file written before the lock is released – while one
    client keeps asking the API; time until the new version is served, and the slowest answer
    meanwhile."""
    import shutil

    from lofte.cube import public

    cube = home / "cube" / "cube.parquet"
    before = get_once(port, api_paths[0])[2].get("etag")
    slowest = [0.0]
    stop = threading.Event()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = 0
        while not stop.is_set():
            started = time.perf_counter()
            fetch(conn, api_paths[i % len(api_paths)] + "&limit=99")  # not in any cache
            slowest[0] = max(slowest[0], time.perf_counter() - started)
            i += 1
        conn.close()

    asker = threading.Thread(target=client)
    asker.start()
    tmp = cube.with_name("cube.parquet.bench.tmp")
    shutil.copyfile(cube, tmp)
    replaced = time.perf_counter()
    with public.publishing(cube):
        os.replace(tmp, cube)  # a new mtime: a new version (the audit verdict is kept by content)
        public.ensure(cube)  # the step compute runs after the audit
    written = time.perf_counter() - replaced
    while True:
        asked = time.perf_counter()
        etag = get_once(port, api_paths[0])[2].get("etag")
        if etag != before:
            stop.set()
            asker.join()
            return {
                "public_file_seconds": written,
                "served_after_seconds": time.perf_counter() - replaced - written,
                "first_request_ms": (time.perf_counter() - asked) * 1000,
                "slowest_meanwhile_ms": slowest[0] * 1000,
            }
        if time.perf_counter() - replaced > 120:
            stop.set()
            raise SystemExit("the new cube was not picked up within 120 s")
        time.sleep(0.02)


def one_run(
    args: argparse.Namespace,
    home: Path,
    src: Path | None = None,
    urls: tuple[list[str], list[str]] | None = None,
) -> dict[str, Any]:
    """One start of ``lofte serve`` on ``home`` and its load; ``src``: run the code of that
    source tree (a baseline checkout) instead of the installed one; ``urls``: the pages and API
    queries to ask (default: drawn from this home's public file)."""
    port = free_port()
    env = {
        **os.environ,
        "LOFTE_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "lofte.web.settings",
        "DJANGO_DEBUG": "0",
    }
    env.pop("LOFTE_PRELOAD_CUBE", None)
    command = ["serve", "--port", str(port), "--workers", str(args.workers)]
    if src is None:
        command = [str(Path(sys.executable).with_name("lofte")), *command]
    else:  # the same interpreter and packages, the baseline's code (children inherit the path)
        env["PYTHONPATH"] = str(src)
        command = [sys.executable, "-m", "lofte.cli", *command]
    chunks = 1 + len(args.rates)  # never-seen requests for the closed loop and each rate

    def draw() -> tuple[list[str], list[str]]:
        return urls or selections(
            home, args.pages * chunks, args.apis * chunks, args.seed + args.run_no
        )

    # Drawn before the start when the public file exists (its index lists the choices), so
    # that the start's API query is the first of the load's, timed without the drawing.
    drawn = draw() if urls or public_file_ready(home) else None
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    result: dict[str, Any] = {}
    try:
        healthz = wait_for(port, "/healthz", started, 600, proc)
        page = wait_for(port, "/", started, 600, proc)
        pages, apis = drawn or draw()  # a first start writes the public file
        api = wait_for(port, apis[0], started, 600, proc)
        pages, apis, more_pages, more_apis = (
            pages[: args.pages],
            apis[: args.apis],
            pages[args.pages :],
            apis[args.apis :],
        )
        result["start"] = {
            "healthz_s": healthz,
            "page_s": page,
            "api_s": api,
        }
        time.sleep(2)  # let the task worker finish starting
        result["memory_warm"] = memory(proc.pid)
        sampler = Sampler(proc.pid)
        sampler.start()
        mix = [("page", p) for p in pages] + [("api", a) for a in apis]
        random.Random(args.seed).shuffle(mix)
        cpu_before = cpu_seconds(proc.pid)
        result["load"] = run_clients(port, mix, args.clients)
        result["load"]["server_cpu_ms_per_request"] = (
            (cpu_seconds(proc.pid) - cpu_before) * 1000 / len(mix)
        )
        result["open"] = []
        for i, rate in enumerate(args.rates):
            chunk = [("page", p) for p in more_pages[i * args.pages : (i + 1) * args.pages]]
            chunk += [("api", a) for a in more_apis[i * args.apis : (i + 1) * args.apis]]
            random.Random(args.seed + i).shuffle(chunk)
            cpu_before = cpu_seconds(proc.pid)
            point = run_open(port, chunk, rate, args.seed + i)
            point["server_cpu_ms_per_request"] = (
                (cpu_seconds(proc.pid) - cpu_before) * 1000 / len(chunk)
            )
            result["open"].append(point)
        sampler.done.set()
        sampler.join()
        result["memory_after"] = memory(proc.pid)
        result["memory_peak"] = {"rss_total": sampler.peak_rss, "pss_total": sampler.peak_pss}
        if args.pickup:
            result["pickup"] = pickup(home, port, apis)
            result["pickup"]["memory_after"] = memory(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    result["load_average"] = os.getloadavg()
    result["side"] = "baseline" if src is not None else "this tree"
    return result


def floor_run(
    args: argparse.Namespace, mix: list[tuple[str, str]], bytes_: dict[str, float]
) -> dict[str, Any]:
    """The same clients and requests against gunicorn serving :mod:`floor_app` (no work, bodies
    of the real answers' mean sizes) with the same workers: what everything but Löfte's code
    costs on this machine."""
    port = free_port()
    env = {
        **os.environ,
        "FLOOR_PAGE_BYTES": str(round(bytes_.get("page", 30000))),
        "FLOOR_API_BYTES": str(round(bytes_.get("api", 18000))),
    }
    command = [sys.executable, "-m", "gunicorn", "floor_app:application", "--bind"]
    command += [f"127.0.0.1:{port}", "--workers", str(args.workers), "--access-logfile", "-"]
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT / "bench", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(port, "/healthz", time.perf_counter(), 60, proc)
        cpu_before = cpu_seconds(proc.pid)
        out = run_clients(port, mix, args.clients)
        out["server_cpu_ms_per_request"] = (cpu_seconds(proc.pid) - cpu_before) * 1000 / len(mix)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    out["load_average"] = os.getloadavg()
    return out


def budget(runs: list[dict[str, Any]], floor: dict[str, Any], clients: int) -> dict[str, float]:
    """What the floor says about the API goal: with every request waiting in one queue, the
    mean time in the system is clients / throughput (Little's law), and the API's p95 stays at
    the ratio to that mean the real runs showed; so the throughput the goal needs, and the
    machine time per request left for Löfte's code at that throughput, against today's."""
    cores = os.cpu_count() or 1
    load = [r["load"] for r in runs if r.get("side", "this tree") == "this tree"]
    ratio = statistics.median(r["api"]["p95_ms"] / r["mean_ms"] for r in load)
    rps = statistics.median(r["rps"] for r in load)
    needed = clients * ratio / API_GOAL_MS * 1000
    outside = cores * 1000 / floor["rps"]
    return {
        "api_p95_to_mean": ratio,
        "rps_needed": needed,
        "floor_ms": outside,
        "app_ms_now": cores * 1000 / rps - outside,
        "app_ms_budget": cores * 1000 / needed - outside,
    }


@contextlib.contextmanager
def baseline_tree(rev: str | None) -> Iterator[Path | None]:
    """The ``src`` directory of ``rev`` checked out in a temporary git worktree (None: none)."""
    if rev is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="lofte-load-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(tree), rev], check=True, cwd=ROOT
        )
        try:
            yield tree / "src"
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)


def _ms(kind: dict[str, Any]) -> str:
    return " / ".join(f"{kind.get(q, 0):.0f}" for q in ("p50_ms", "p95_ms", "p99_ms"))


def report(runs: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"\nlofte serve --workers {args.workers}; {args.clients} clients on loopback; "
        f"{args.pages} never-seen pages + {args.apis} never-seen API queries per run; "
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}\n"
    )
    print(
        "| run | code | load avg | start: healthz / page / API s | RSS warm / peak / after MiB "
        "| PSS warm MiB | pages p50 / p95 / p99 ms | API p50 / p95 / p99 ms | req/s "
        "| server CPU ms/req | errors |"
    )
    print("|---|---|---:|---|---|---:|---|---|---:|---:|---:|")
    for i, r in enumerate(runs, 1):
        s, load = r["start"], r["load"]
        pg, api = load.get("page", {}), load.get("api", {})
        print(
            f"| {i} | {r.get('side', 'this tree')} | {r['load_average'][0]:.1f} "
            f"| {s['healthz_s']:.2f} / {s['page_s']:.2f} / {s['api_s']:.2f} "
            f"| {r['memory_warm']['rss_total'] / MiB:.0f} / "
            f"{r['memory_peak']['rss_total'] / MiB:.0f} / "
            f"{r['memory_after']['rss_total'] / MiB:.0f} "
            f"| {r['memory_warm']['pss_total'] / MiB:.0f} "
            f"| {pg.get('p50_ms', 0):.0f} / {pg.get('p95_ms', 0):.0f} / {pg.get('p99_ms', 0):.0f} "
            f"| {api.get('p50_ms', 0):.0f} / {api.get('p95_ms', 0):.0f} / "
            f"{api.get('p99_ms', 0):.0f} "
            f"| {load['rps']:.0f} | {load['server_cpu_ms_per_request']:.1f} | {load['errors']} |"
        )
    if any(r.get("open") for r in runs):
        print("\nopen loop (Poisson arrivals at the offered rate, 64 connections):\n")
        print(
            "| run | code | offered req/s | served req/s | pages p50 / p95 / p99 ms "
            "| API p50 / p95 / p99 ms | server CPU ms/req | errors |"
        )
        print("|---|---|---:|---:|---|---|---:|---:|")
        for i, r in enumerate(runs, 1):
            for point in r.get("open", []):
                pg, api = point.get("page", {}), point.get("api", {})
                print(
                    f"| {i} | {r.get('side', 'this tree')} | {point['offered_rps']:.0f} "
                    f"| {point['rps']:.0f} | {_ms(pg)} | {_ms(api)} "
                    f"| {point['server_cpu_ms_per_request']:.1f} | {point['errors']} |"
                )
    last = runs[-1]["memory_after"]["processes"]
    print("\nprocesses after the load (last run):\n")
    print("| process | RSS MiB | PSS MiB |")
    print("|---|---:|---:|")
    for p in last:
        print(f"| `{p['cmd'][:60]}` | {p['rss'] / MiB:.0f} | {p['pss'] / MiB:.0f} |")
    for i, r in enumerate(runs, 1):
        if "pickup" in r:
            pk = r["pickup"]
            print(
                f"\nrun {i}: new cube: public file written in {pk['public_file_seconds']:.1f} s; "
                f"served {pk['served_after_seconds']:.2f} s later (that request "
                f"{pk['first_request_ms']:.0f} ms; slowest API answer while it was written "
                f"{pk['slowest_meanwhile_ms']:.0f} ms); RSS after "
                f"{pk['memory_after']['rss_total'] / MiB:.0f} MiB"
            )


def report_floor(floor: dict[str, Any], sizes: dict[str, float]) -> None:
    b = floor["budget"]
    print(
        f"\nfloor (no work, bodies of {sizes['page']:.0f} and {sizes['api']:.0f} bytes; load avg "
        f"{floor['load_average'][0]:.1f}): {floor['rps']:.0f} req/s, pages p95 "
        f"{floor['page']['p95_ms']:.1f} ms, API p95 {floor['api']['p95_ms']:.1f} ms, server CPU "
        f"{floor['server_cpu_ms_per_request']:.2f} ms/req\n"
        f"machine time per request outside Löfte's code: {b['floor_ms']:.2f} ms; Löfte's code "
        f"now: {b['app_ms_now']:.2f} ms\n"
        f"API p95 / mean time in the system (this tree's runs): {b['api_p95_to_mean']:.2f}; "
        f"API p95 ≤ {API_GOAL_MS:.0f} ms in one queue needs ≈ {b['rps_needed']:.0f} req/s, which "
        f"leaves Löfte's code ≈ {b['app_ms_budget']:.2f} ms of machine time per request"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("LOFTE_HOME", "var")))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", type=int, default=1000, help="never-seen page selections")
    parser.add_argument("--apis", type=int, default=1000, help="never-seen API queries")
    parser.add_argument("--runs", type=int, default=1, help="server starts, each a new mix")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--rates",
        type=lambda text: [float(r) for r in text.split(",") if r],
        default=[],
        metavar="R1,R2,…",
        help="also send never-seen requests at these rates (req/s, Poisson arrivals, open "
        "loop) after the closed loop: latency at a given traffic instead of at saturation",
    )
    parser.add_argument("--pickup", action="store_true", help="also replace the cube (writes)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also run the same clients and requests against a WSGI app that does no work "
        "(bench/floor_app.py, the same workers): the machine's cost outside Löfte's code",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also run this git revision (a temporary worktree), in turns with this tree, on "
        "the same requests; needs --baseline-home",
    )
    parser.add_argument(
        "--baseline-home",
        type=Path,
        help="a copy of --home for the baseline (its public file may have another layout, and "
        "each version removes the others' files)",
    )
    args = parser.parse_args()
    home = args.home.resolve()
    if not (home / "cube" / "cube.parquet").exists():
        raise SystemExit(f"no cube in {home}: run `lofte demo` with LOFTE_HOME={home} first")
    if args.baseline and not args.baseline_home:
        raise SystemExit("--baseline needs --baseline-home (a copy of the home)")
    runs = []
    with baseline_tree(args.baseline) as base:
        for run_no in range(args.runs):
            args.run_no = run_no
            sides: list[tuple[Path | None, Path]] = [(None, home)]
            urls = None
            if base is not None:
                # the same requests for both sides, named by this tree's public file; the
                # order of the sides alternates from run to run
                chunks = 1 + len(args.rates)
                urls = selections(home, args.pages * chunks, args.apis * chunks, args.seed + run_no)
                sides.insert(run_no % 2, (base, args.baseline_home.resolve()))
            for src, side_home in sides:
                print(f"run {run_no + 1} ({'baseline' if src else 'this tree'}) …", file=sys.stderr)
                runs.append(one_run(args, side_home, src, urls))
    report(runs, args)
    floor = None
    if args.floor:
        print("floor …", file=sys.stderr)
        pages, apis = selections(home, args.pages, args.apis, args.seed)
        mix = [("page", p) for p in pages] + [("api", a) for a in apis]
        random.Random(args.seed).shuffle(mix)
        ours = [r["load"] for r in runs if r["side"] == "this tree"]
        sizes = {k: statistics.mean(r[k]["mean_bytes"] for r in ours) for k in ("page", "api")}
        floor = floor_run(args, mix, sizes)
        floor["budget"] = budget(runs, floor, args.clients)
        report_floor(floor, sizes)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"args": vars(args) | {"home": str(home)}, "runs": runs, "floor": floor},
                indent=2,
                default=str,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
