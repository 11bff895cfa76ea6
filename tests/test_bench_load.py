"""The load benchmark's own parts (bench/load.py, bench/floor_app.py): the open-loop sender,
the floor application and the arithmetic of the API's budget.

Nothing here is timed against a goal; the only time asserted is a lower bound that sleeping
servers guarantee (waiting for a connection must count as latency)."""

from __future__ import annotations

import http.server
import importlib.util
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def load() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        yield _module("bench_load", BENCH / "load.py")
    finally:
        sys.path.remove(str(BENCH))


def _server(delay: float, threaded: bool) -> tuple[http.server.HTTPServer, threading.Thread]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = b"{}" if self.path.startswith("/api/") else b"<p>sida</p>"
            self.send_response(404 if "missing" in self.path else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    base = http.server.ThreadingHTTPServer if threaded else http.server.HTTPServer

    class Server(base):  # type: ignore[valid-type,misc]
        request_queue_size = 128  # every connection of the sender's pool waits in the backlog

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def test_open_loop_sends_each_request_once_and_counts_by_kind(load: ModuleType) -> None:
    server, thread = _server(0.0, threaded=True)
    try:
        paths = [("page", f"/?i={i}") for i in range(12)] + [("api", "/api/v1/cube?i=1")] * 5
        paths.append(("api", "/api/v1/missing"))
        out = load.run_open(server.server_address[1], paths, 500.0, seed=3)
    finally:
        server.shutdown()
        thread.join()
    assert out["page"]["requests"] == 12
    assert out["api"]["requests"] == 6
    assert out["page"]["mean_bytes"] == len(b"<p>sida</p>")
    assert out["api"]["mean_bytes"] == 2
    assert out["errors"] == 1  # the 404 is answered, timed and reported as an error
    assert out["offered_rps"] == 500.0
    assert out["mean_ms"] > 0


def test_open_loop_counts_the_wait_for_a_free_connection(load: ModuleType) -> None:
    """A server that answers one request at a time in 10 ms, sent 80 requests at once through
    64 connections: the last answer comes at least 80 × 10 ms after the requests were due, and
    its latency must say so. A client that timed from sending would miss the 16 × 10 ms the
    last requests waited for a connection (coordinated omission) and report at most 640 ms."""
    server, thread = _server(0.01, threaded=False)
    try:
        paths = [("page", f"/?i={i}") for i in range(80)]
        out = load.run_open(server.server_address[1], paths, 100_000.0, seed=1)
    finally:
        server.shutdown()
        thread.join()
    assert out["page"]["requests"] == 80
    assert out["page"]["max_ms"] >= 80 * 10 - 20  # all 80 were due within a few ms


def test_floor_app_answers_with_the_sizes_it_was_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOOR_PAGE_BYTES", "1234")
    monkeypatch.setenv("FLOOR_API_BYTES", "56")
    app = _module("bench_floor_app", BENCH / "floor_app.py")
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def answer(path: str) -> bytes:
        body = app.application({"PATH_INFO": path}, lambda s, h: started.append((s, h)))
        return b"".join(body)

    assert len(answer("/")) == 1234
    assert len(answer("/api/v1/cube")) == 56
    assert started[0][0] == "200 OK"
    assert ("Content-Length", "56") in started[1][1]


def test_budget_is_littles_law_on_the_api_ratio(load: ModuleType) -> None:
    """20 clients, API p95 1.25 × the mean time in the system: p95 ≤ 50 ms needs a mean of
    40 ms, so 500 req/s; on two cores that is 4 ms a request, less the floor's 1 ms."""
    cores = load.os.cpu_count()
    run = {
        "side": "this tree",
        "load": {"api": {"p95_ms": 100.0}, "mean_ms": 80.0, "rps": 250.0},
    }
    floor = {"rps": cores * 1000.0}  # 1 ms of machine time per request
    out = load.budget([run, {**run, "side": "baseline", "load": {}}], floor, clients=20)
    assert out["api_p95_to_mean"] == pytest.approx(1.25)
    assert out["rps_needed"] == pytest.approx(500.0)
    assert out["floor_ms"] == pytest.approx(1.0)
    assert out["app_ms_now"] == pytest.approx(cores * 1000 / 250 - 1)
    assert out["app_ms_budget"] == pytest.approx(cores * 1000 / 500 - 1)
