"""The API under the production server (gunicorn) on loopback.

Prints orders/s for 1,000-order batches, p50/p99 latency for 100-order batches (one page of
the seller backend), with 1 and 8 concurrent clients, and the plain json.loads + json.dumps
cost of the same batches as the floor.  ``--load 60`` adds the load run: 60 s, 8 clients,
error count and the workers' memory over time.

    .venv/bin/python bench/api.py [--workers 2] [--load 60]
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
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


def start_server(workers: int):
    port = free_port()
    env = {**os.environ, "JDPG_RATE_LIMIT": "1000000 per minute", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "server:create_app()"], cwd=ROOT, env=env)
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


def run_clients(url, payload, clients, seconds=None, requests_per_client=None):
    """Each client posts ``payload`` in a loop; returns (latencies, errors, elapsed)."""
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds if seconds else None

    def client():
        session = requests.Session()
        done = 0
        while (deadline and time.perf_counter() < deadline) or (requests_per_client and done < requests_per_client):
            started = time.perf_counter()
            try:
                response = session.post(url + "/api/v1/orders/annotate", data=payload, timeout=60,
                                        headers={"Content-Type": "application/json"})
                ok = response.status_code == 200
                response.content
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if ok else errors).append(elapsed)
            done += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    return latencies, errors, time.perf_counter() - started


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
    args = parser.parse_args()
    big, page = body(generate(1000)), body(generate(100, seed=7))
    proc, url = start_server(args.workers)
    try:
        big_response = requests.post(url + "/api/v1/orders/annotate", data=big, timeout=60,
                                     headers={"Content-Type": "application/json"}).content
        page_response = requests.post(url + "/api/v1/orders/annotate", data=page, timeout=60,
                                      headers={"Content-Type": "application/json"}).content
        print(f"gunicorn, {args.workers} workers, loopback; {os.cpu_count()} cores shared with the clients")
        for clients in (1, 8):
            lat, err, elapsed = run_clients(url, big, clients, requests_per_client=max(3, 24 // clients))
            rate = len(lat) * 1000 / elapsed
            print(f"1,000-order batches, {clients} client(s): {rate:,.0f} orders/s "
                  f"(target 30,000: {'met' if rate >= 30000 else f'{30000 / rate:.1f}x short'}), errors {len(err)}")
            lat, err, _ = run_clients(url, page, clients, requests_per_client=max(20, 160 // clients))
            p99 = pct(lat, 99)
            print(f"100-order batch, {clients} client(s): p50 {pct(lat, 50):.1f} ms, p99 {p99:.1f} ms"
                  + (f" (target p99 < 20 ms: {'met' if p99 < 20 else f'{p99 / 20:.1f}x over'})" if clients == 8 else "")
                  + f", errors {len(err)}")
        print(f"floor, json.loads+json.dumps of request and response: 1,000 orders {floor(big, big_response) * 1000:.1f} ms, "
              f"100 orders {floor(page, page_response) * 1000:.2f} ms")
        if args.load:
            rss = [worker_rss(proc)]
            sampler_stop = threading.Event()

            def sample():
                while not sampler_stop.wait(5):
                    rss.append(worker_rss(proc))
            threading.Thread(target=sample, daemon=True).start()
            lat, err, elapsed = run_clients(url, page, 8, seconds=args.load)
            sampler_stop.set()
            rss.append(worker_rss(proc))
            print(f"load run: {args.load} s, 8 clients, 100-order batches: {len(lat)} requests, {len(err)} errors, "
                  f"{len(lat) * 100 / elapsed:,.0f} orders/s, p99 {pct(lat, 99):.1f} ms")
            print(f"server memory (MiB, every 5 s): {' '.join(f'{m:.0f}' for m in rss)}; "
                  f"change first→last {rss[-1] - rss[0]:+.0f} MiB")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
