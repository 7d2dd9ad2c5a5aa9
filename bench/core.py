"""The rules core against its floor, measured in the same run: per-order annotation (parse,
every rule family, result), with full results and with lean ones (options.detail "lean": words,
no sentences), each ÷ an orjson round trip of the same orders and their full results (loads of
the orders, dumps and loads of the results), rounds alternating, one process.

    .venv/bin/python bench/core.py [--orders 50000] [--rounds 5]
"""
import argparse
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from orders_mix import generate  # noqa: E402

from shared import default_engine, parse_time  # noqa: E402
from server.runtime import collector_paused, tune_gc  # noqa: E402
from shared.annotate import annotate_batch  # noqa: E402
from shared.options import Options  # noqa: E402

TARGET_RATIO = 1.0  # issue 14: core, full results ÷ the orjson round trip
LEAN_TARGET_RATIO = 0.5  # issue 14: core, lean results ÷ the same floor


def round_trip(orders_json: bytes, results: list) -> None:
    """The floor: what reading the orders and writing and reading their results costs in C."""
    orjson.loads(orders_json)
    orjson.loads(orjson.dumps(results))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine = default_engine()
    tune_gc()  # as every entry point of ours runs the core
    orders = generate(args.orders)
    orders_json = orjson.dumps(orders)
    as_of = parse_time("2022-06-20 12:00:00")
    annotate_batch(engine, orders[:1000], as_of=as_of)
    annotate_batch(engine, orders[:1000], as_of=as_of, options=Options(detail="lean"))
    core = lean = floor = float("inf")
    results = None
    for _ in range(args.rounds):  # alternating, so all three see the machine at the same pace
        results = None  # the last round's results freed before timing, as the lean ones are
        started = time.process_time()
        with collector_paused():  # as the API's batch views run it
            results, summary = annotate_batch(engine, orders, as_of=as_of)
        core = min(core, time.process_time() - started)
        started = time.process_time()
        with collector_paused():
            lean_results, _ = annotate_batch(engine, orders, as_of=as_of, options=Options(detail="lean"))
        lean = min(lean, time.process_time() - started)
        del lean_results
        started = time.process_time()
        with collector_paused():
            round_trip(orders_json, results)
        floor = min(floor, time.process_time() - started)
    ratio, lean_ratio = core / floor, lean / floor
    families = {f["rule"].split("-")[0] for r in results for f in r["flags"]}
    print(f"orders: {args.orders}, best of {args.rounds} alternating rounds, CPU time, one process")
    print(f"core, full results: {core / args.orders * 1e6:.1f} µs/order ({args.orders / core:,.0f} orders/s)")
    print(f"floor, orjson round trip of the orders and their results: {floor / args.orders * 1e6:.1f} µs/order")
    print(f"core ÷ floor: {ratio:.2f}x (target ≤ {TARGET_RATIO:.1f}x: "
          f"{'met' if ratio <= TARGET_RATIO else f'missed by {ratio / TARGET_RATIO:.1f}x'})")
    print(f"core, lean results: {lean / args.orders * 1e6:.1f} µs/order; lean ÷ floor: {lean_ratio:.2f}x "
          f"(target ≤ {LEAN_TARGET_RATIO:.1f}x: "
          f"{'met' if lean_ratio <= LEAN_TARGET_RATIO else f'missed by {lean_ratio / LEAN_TARGET_RATIO:.1f}x'})")
    print(f"rule families that fired: {sorted(families)}; orders with errors: {summary['errors']}")


if __name__ == "__main__":
    main()
