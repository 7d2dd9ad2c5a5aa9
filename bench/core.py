"""The rules core against its floor, measured in the same run: per-order annotation (parse,
every rule family, result), with full results and with lean ones (options.detail "lean": words,
no sentences), each ÷ an orjson round trip of the same orders and their full results (loads of
the orders, dumps and loads of the results), for each build of the core (pure Python, and
compiled where built: ``shared.build``). Each build runs in a process of its own; rounds
alternate between the builds, and within a round core, lean and floor alternate, so every
ratio's two sides see the machine at the same pace. CPU time, best of the rounds.

    .venv/bin/python bench/core.py [--orders 50000] [--rounds 5]
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import builds  # noqa: E402
from orders_mix import generate  # noqa: E402

from shared import BUILD, default_engine, parse_time  # noqa: E402
from server.runtime import collector_paused, tune_gc  # noqa: E402
from shared.annotate import annotate_batch  # noqa: E402
from shared.options import Options  # noqa: E402

# Issue 27's targets: (pure Python, compiled), each ÷ the orjson round trip.
TARGETS = {"full": (1.7, 1.2), "lean": (1.4, 1.0)}


def round_trip(orders_json: bytes, results: list) -> None:
    """The floor: what reading the orders and writing and reading their results costs in C."""
    orjson.loads(orders_json)
    orjson.loads(orjson.dumps(results))


def worker(count: int) -> None:
    """One build's process: after setting up, one round per line read, its CPU times as JSON."""
    engine = default_engine()
    tune_gc()  # as every entry point of ours runs the core
    orders = generate(count)
    orders_json = orjson.dumps(orders)
    as_of = parse_time("2022-06-20 12:00:00")
    lean_options = Options(detail="lean")
    annotate_batch(engine, orders[:1000], as_of=as_of)
    annotate_batch(engine, orders[:1000], as_of=as_of, options=lean_options)
    results, summary = annotate_batch(engine, orders[:1000], as_of=as_of)
    families = sorted({f["rule"].split("-")[0] for r in results for f in r["flags"]})
    print(json.dumps({"build": BUILD, "families": families, "errors": summary["errors"]}), flush=True)
    for _ in sys.stdin:
        results = None  # the last round's results freed before timing, as the lean ones are
        started = time.process_time()
        with collector_paused():  # as the API's batch views run it
            results, summary = annotate_batch(engine, orders, as_of=as_of)
        full = time.process_time() - started
        started = time.process_time()
        with collector_paused():
            lean_results, _ = annotate_batch(engine, orders, as_of=as_of, options=lean_options)
        lean = time.process_time() - started
        del lean_results
        started = time.process_time()
        with collector_paused():
            round_trip(orders_json, results)
        floor = time.process_time() - started
        print(json.dumps({"full": full, "lean": lean, "floor": floor}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.orders)
        return
    procs, rounds = {}, {}
    for build in builds.available():
        procs[build] = subprocess.Popen([sys.executable, __file__, "--worker", "--orders", str(args.orders)],
                                        env=builds.env(build), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        setup = json.loads(procs[build].stdout.readline())
        assert setup["build"] == build, setup
        rounds[build] = []
    try:
        for _ in range(args.rounds):  # alternating between the builds, each round core, lean, floor
            for build, proc in procs.items():
                proc.stdin.write("round\n")
                proc.stdin.flush()
                rounds[build].append(json.loads(proc.stdout.readline()))
    finally:
        for proc in procs.values():
            proc.stdin.close()
            proc.wait(60)
    print(f"orders: {args.orders}, {args.rounds} rounds alternating between builds, CPU time, one process per build")
    print(f"rule families that fired: {setup['families']}; orders with errors (first 1,000): {setup['errors']}")
    for build, runs in rounds.items():
        floor = min(r["floor"] for r in runs)
        print(f"[{build}] floor, orjson round trip of the orders and their results: "
              f"{floor / args.orders * 1e6:.1f} µs/order")
        for detail, (pure_target, compiled_target) in TARGETS.items():
            target = compiled_target if build == "compiled" else pure_target
            ratios = [r[detail] / r["floor"] for r in runs]
            best = min(r[detail] for r in runs)
            print(f"[{build}] core, {detail} results: {best / args.orders * 1e6:.1f} µs/order "
                  f"({args.orders / best:,.0f} orders/s); ÷ floor, rounds: {min(ratios):.2f}–{max(ratios):.2f}x, "
                  f"best ÷ best {best / floor:.2f}x (target ≤ {target}x: {'met' if best / floor <= target else 'missed'})")


if __name__ == "__main__":
    main()
