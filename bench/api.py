"""The API under the production server (gunicorn) on loopback.

Prints orders/s for 1,000-order batches, p50/p99 latency for 100-order batches (one page of
the seller backend), with 1 and 8 concurrent clients, and the plain json.loads + json.dumps
cost of the same batches as the floor.  ``--load 60`` adds the load run: 60 s, 8 clients,
error count and the workers' memory over time. Each client is a process of its own using the
standard library's HTTP client, and shares the machine's cores with the server.

    .venv/bin/python bench/api.py [--workers 2] [--load 60] [--without-core]
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
from orders_mix import generate  # noqa: E402

AS_OF = "2022-06-20T12:00:00+08:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int, app: str = "server.app:create_app()"):
    port = free_port()
    env = {**os.environ, "JDPG_RATE_LIMIT": "1000000 per minute",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")])}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", app], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.05)
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


def floor(payload: bytes, response: bytes, repeat=20) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        json.dumps(json.loads(payload))
        json.dumps(json.loads(response))
    return (time.perf_counter() - started) / repeat


def worker_rss(proc) -> float:
    parent = psutil.Process(proc.pid)
    return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--load", type=int, default=0, help="seconds of load run with 8 clients (0: skip)")
    parser.add_argument("--without-core", action="store_true",
                        help="serve the rules core's answers worked out ahead (bench/precomputed_core.py): "
                             "what the API costs besides the rules")
    args = parser.parse_args()
    big, page = body(generate(1000)), body(generate(100, seed=7))
    app = "precomputed_core:create_app()" if args.without_core else "server.wsgi:app"
    proc, url = start_server(args.workers, app)
    try:
        port = int(url.rsplit(":", 1)[1])
        big_response, page_response = post(port, big), post(port, page)
        print(f"gunicorn, {args.workers} workers, loopback; {os.cpu_count()} cores shared with the clients"
              + ("; WITHOUT THE CORE: its answers worked out ahead" if args.without_core else ""))
        for clients in (1, 8):
            lat, err, elapsed = run_clients(port, big, clients, requests_per_client=max(6, 48 // clients))
            rate = len(lat) * 1000 / elapsed
            print(f"1,000-order batches, {clients} client(s): {rate:,.0f} orders/s"
                  + ("" if args.without_core else
                     f" (target 30,000: {'met' if rate >= 30000 else f'{30000 / rate:.1f}x short'})")
                  + f", errors {err}")
            lat, err, _ = run_clients(port, page, clients, requests_per_client=max(20, 160 // clients))
            p99 = pct(lat, 99)
            print(f"100-order batch, {clients} client(s): p50 {pct(lat, 50):.1f} ms, p99 {p99:.1f} ms"
                  + (f" (target p99 < 20 ms: {'met' if p99 < 20 else f'{p99 / 20:.1f}x over'})"
                     if clients == 8 and not args.without_core else "")
                  + f", errors {err}")
        print(f"floor, json.loads+json.dumps of request and response: 1,000 orders {floor(big, big_response) * 1000:.1f} ms, "
              f"100 orders {floor(page, page_response) * 1000:.2f} ms")
        if args.load:
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


if __name__ == "__main__":
    main()
