"""Orders/second for the full per-order annotation (parse + every rule family + result), one process.

    .venv/bin/python bench/core.py [--orders 50000]
"""
import argparse
import json
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from orders_mix import generate  # noqa: E402

from shared import default_engine, parse_time  # noqa: E402
from server.runtime import collector_paused, tune_gc  # noqa: E402
from shared.annotate import annotate_batch  # noqa: E402

TARGET = 100_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    engine = default_engine()
    tune_gc()  # as every entry point of ours runs the core
    orders = generate(args.orders)
    as_of = parse_time("2022-06-20 12:00:00")
    annotate_batch(engine, orders[:1000], as_of=as_of)
    best = best_cpu = float("inf")
    for _ in range(args.rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        with collector_paused():  # as the API's batch views run it
            results, summary = annotate_batch(engine, orders, as_of=as_of)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    rate = args.orders / best_cpu
    pace = min(timeit.repeat(lambda: json.dumps(json.loads(json.dumps(orders))), number=1, repeat=3))
    families = {f["rule"].split("-")[0] for r in results for f in r["flags"]}
    print(f"orders: {args.orders}  best of {args.rounds}: {best:.3f} s wall, {best_cpu:.3f} s CPU")
    print(f"per-order annotation: {rate:,.0f} orders/s per CPU-second ({best_cpu / args.orders * 1e6:.1f} µs/order), "
          f"{args.orders / best:,.0f} orders/s wall-clock; single process")
    print(f"machine pace: a stdlib json round trip of these orders takes {pace / args.orders * 1e6:.1f} µs/order "
          "(it moves with the machine's speed; compare runs by it)")
    print(f"target {TARGET:,} orders/s: {'met' if rate >= TARGET else f'{TARGET / rate:.1f}x short'}")
    print(f"rule families that fired: {sorted(families)}; errors: {summary['errors']}")


if __name__ == "__main__":
    main()
