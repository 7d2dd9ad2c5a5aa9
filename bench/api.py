"""The API under the production server (gunicorn) on loopback, against its floor in the same run:
the same API with the rules' answers worked out ahead (``bench/precomputed_core.py``). Prints, for
8 clients and each build of the core (pure Python, and compiled where built), 1,000-order
throughput (without ÷ with) and the 100-order p99 (with ÷ without), rounds alternating. ``--load 60`` runs the load run instead: 60 s, 8 clients, errors and the workers'
memory over time. Each client is a process of its own using the standard library's HTTP client,
and shares the machine's cores with the servers.

    .venv/bin/python bench/api.py [--workers 2] [--rounds 3] | [--load 60]
"""
import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
import builds  # noqa: E402
from orders_mix import generate  # noqa: E402

AS_OF = "2022-06-20T12:00:00+08:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int, app: str = "server.app:create_app()", build: str = "compiled"):
    port = free_port()
    env = {**builds.env(build), "JDPG_RATE_LIMIT": "1000000 per minute",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")])}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", app], cwd=ROOT, env=env,
                            stderr=subprocess.DEVNULL)  # one request log line per request: not figures
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine starts gunicorn slowly
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=5).ok:
                return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def body(orders) -> bytes:
    return json.dumps({"as_of": AS_OF, "orders": orders}, ensure_ascii=False).encode()


def post(port: int, payload: bytes) -> bytes:
    """One request as a client makes it: a new connection (gunicorn's sync workers close each)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/v1/orders/annotate", body=payload,
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        content = response.read()
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
        return content
    finally:
        connection.close()


def _client(port, payload, deadline, requests_per_client):
    latencies, errors = [], 0
    done = 0
    began = time.time()
    while (deadline and time.time() < deadline) or (requests_per_client and done < requests_per_client):
        started = time.perf_counter()
        try:
            post(port, payload)
            latencies.append(time.perf_counter() - started)
        except OSError:
            errors += 1
        done += 1
    return latencies, errors, began, time.time()


def run_clients(port, payload, clients, seconds=None, requests_per_client=None):
    """Each client, a process of its own (as browsers and sheets are), posts ``payload`` in a loop
    with the standard library's lean HTTP client, so that the load generator takes as little of
    the shared cores as it can; returns (latencies, error count, elapsed)."""
    deadline = time.time() + seconds if seconds else None
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        outcomes = pool.starmap(_client, [(port, payload, deadline, requests_per_client)] * clients)
    elapsed = max(o[3] for o in outcomes) - min(o[2] for o in outcomes)
    return [s for o in outcomes for s in o[0]], sum(o[1] for o in outcomes), elapsed


def pct(values, q):
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) >= 2 else values[0] * 1000


def worker_rss(proc) -> float:
    parent = psutil.Process(proc.pid)
    return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]) / 2**20


def measure(port, big, page) -> dict:
    """1,000-order throughput and 100-order p99 with 8 clients, one server."""
    lat, _, elapsed = run_clients(port, big, 8, requests_per_client=6)
    throughput = len(lat) * 1000 / elapsed
    lat, _, _ = run_clients(port, page, 8, requests_per_client=20)
    return {"throughput": throughput, "p99": pct(lat, 99), "p50": pct(lat, 50)}


# Issue 27's targets: (pure Python, compiled).
THROUGHPUT_TARGET = (3.5, 2.5)  # 1,000-order batches: without-core ÷ with
P99_TARGET = (2.5, 2.0)  # 100-order batches' p99: with ÷ without-core


def compare(args, big, page) -> None:
    """The API with the core and without it (its answers worked out ahead), side by side for each
    build of the core: each figure as a ratio to its floor, rounds alternating (builds, and with /
    without within each) so both sides see the machine at the same pace. One build's servers run
    at a time; the others wait idle."""
    names = [(build, name) for build in builds.available() for name in ("without", "with")]
    apps = {"with": "server.wsgi:app", "without": "precomputed_core:create_app()"}
    servers = {}
    try:
        for key in names:
            servers[key] = start_server(args.workers, apps[key[1]], key[0])
        ports = {key: int(url.rsplit(":", 1)[1]) for key, (_, url) in servers.items()}
        for port in ports.values():
            post(port, big), post(port, page)
        runs = {key: [] for key in names}
        for _ in range(args.rounds):
            for key in names:
                runs[key].append(measure(ports[key], big, page))
        print(f"gunicorn, {args.workers} workers, loopback, 8 clients; {os.cpu_count()} cores shared with the "
              f"clients; {args.rounds} alternating rounds (ratios: each round's, and best ÷ best)")
        for build in builds.available():
            with_, without = runs[(build, "with")], runs[(build, "without")]
            target = 1 if build == "compiled" else 0
            slower = [w["throughput"] / c["throughput"] for c, w in zip(with_, without)]
            later = [c["p99"] / w["p99"] for c, w in zip(with_, without)]
            best_with, best_without = max(r["throughput"] for r in with_), max(r["throughput"] for r in without)
            p99_with, p99_without = min(r["p99"] for r in with_), min(r["p99"] for r in without)
            best_slower, best_later = best_without / best_with, p99_with / p99_without
            print(f"[{build}] 1,000-order batches: with the core {best_with:,.0f} orders/s, without "
                  f"{best_without:,.0f}: without ÷ with {min(slower):.2f}–{max(slower):.2f}x, best ÷ best "
                  f"{best_slower:.2f}x (target ≤ {THROUGHPUT_TARGET[target]}x: "
                  f"{'met' if best_slower <= THROUGHPUT_TARGET[target] else 'missed'})")
            print(f"[{build}] 100-order batches, p99: with {p99_with:.1f} ms, without {p99_without:.1f} ms: with ÷ "
                  f"without {min(later):.2f}–{max(later):.2f}x, best ÷ best {best_later:.2f}x (target ≤ "
                  f"{P99_TARGET[target]}x: {'met' if best_later <= P99_TARGET[target] else 'missed'}); p50 "
                  f"{min(r['p50'] for r in with_):.1f} / {min(r['p50'] for r in without):.1f} ms")
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(10)


def load(args, page) -> None:
    proc, url = start_server(args.workers, "server.wsgi:app")
    try:
        port = int(url.rsplit(":", 1)[1])
        rss = [worker_rss(proc)]
        sampler_stop = threading.Event()

        def sample():
            while not sampler_stop.wait(5):
                rss.append(worker_rss(proc))
        threading.Thread(target=sample, daemon=True).start()
        lat, err, elapsed = run_clients(port, page, 8, seconds=args.load)
        sampler_stop.set()
        rss.append(worker_rss(proc))
        print(f"load run: {args.load} s, 8 clients, 100-order batches: {len(lat)} requests, {err} errors, "
              f"{len(lat) * 100 / elapsed:,.0f} orders/s, p99 {pct(lat, 99):.1f} ms")
        print(f"server memory (MiB, every 5 s): {' '.join(f'{m:.0f}' for m in rss)}; "
              f"change first→last {rss[-1] - rss[0]:+.0f} MiB")
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--load", type=int, default=0, help="seconds of a load run with 8 clients instead (0: none)")
    args = parser.parse_args()
    big, page = body(generate(1000)), body(generate(100, seed=7))
    if args.load:
        load(args, page)
    else:
        compare(args, big, page)


if __name__ == "__main__":
    main()
