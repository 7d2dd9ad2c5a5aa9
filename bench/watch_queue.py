"""The watch on RQ workers, measured in one run: shops per minute with 1, 2 and 3 ``jdpg worker``
processes (real redis-server, real PostgreSQL from Debian's packages, the JOS stand-in over real HTTP
in this process), as ratios to 1 worker; and the cost per shop (worker-seconds per shop) against one
``run_cycle`` over the same shops on SQLite (what ``jdpg watch --once`` runs, without its start-up).
Rounds alternate the worker counts; each round is a new cycle (a new slot) over the same shops.

    .venv/bin/python bench/watch_queue.py [--shops 60] [--orders 20] [--rounds 2]
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rq import Worker  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from shared import default_engine  # noqa: E402
from standins.group_robots import Robot  # noqa: E402
from standins.jos import JosStandin, make_order  # noqa: E402
from tests.support.servers import RedisServer  # noqa: E402
from tests.watch.conftest import add_shop, today_at  # noqa: E402
from tests.support.postgres import PostgresServer  # noqa: E402
from watch.crypto import new_key  # noqa: E402
from watch.cycle import Watch, run_cycle  # noqa: E402
from watch.queue import connect, schedule, watch_queue  # noqa: E402
from watch.settings import WatchSettings  # noqa: E402
from watch.store import PullLog, open_store  # noqa: E402

T = today_at(6)


def fill(jos, store, shops: int, orders: int) -> None:
    for s in range(shops):
        shop = jos.shop(str(40000 + s))
        for n in range(orders):
            order_id = f"9{s:04d}{n:05d}"
            shop.orders[order_id] = make_order(order_id, T - timedelta(minutes=(n * 37) % 3600), vender=shop.vender)
        add_shop(store, jos, name=f"bench{s:04d}", vender=shop.vender)


def pulls(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(PullLog).where(PullLog.outcome == "ok"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=60)
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    key = new_key()
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="jdpg-bench-"))
    with JosStandin() as jos, Robot("wecom"), RedisServer(tmp) as redis_server, PostgresServer() as pg:
        env = {**os.environ, "JDPG_DATA_DIR": str(tmp), "JDPG_SECRET_KEY": key, "JDPG_DATABASE_URL": pg.url,
               "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url, "JDPG_WATCH_DIGEST_AT": "off",
               "JDPG_WATCH_QUEUE": redis_server.url, "JDPG_JOS_CONCURRENCY": "100"}   # the workers, not JD, are measured
        store = open_store(pg.url, key)
        fill(jos, store, args.shops, args.orders)
        sqlite = open_store(f"sqlite:///{tmp / 'once.sqlite3'}", key)
        for s in range(args.shops):
            add_shop(sqlite, jos, name=f"bench{s:04d}", vender=str(40000 + s))
        settings = WatchSettings.from_env(env=env)
        once_watch = Watch(settings, default_engine(), sqlite.vault)
        queue = watch_queue(connect(redis_server.url))
        slot = 0
        times = {1: [], 2: [], 3: [], "once": []}
        try:
            for _ in range(args.rounds):
                for count in (1, 2, 3, "once"):
                    slot += 1
                    as_of = T + timedelta(minutes=5 * slot)
                    if count == "once":
                        started = time.perf_counter()
                        run_cycle(sqlite, once_watch, as_of=as_of)
                        times["once"].append(time.perf_counter() - started)
                        continue
                    workers = [subprocess.Popen([sys.executable, "-m", "server", "worker"], cwd=ROOT, env=env,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                               for _ in range(count)]
                    while len(Worker.all(queue=queue)) < count:   # their start-up is not measured
                        time.sleep(0.1)
                    before = pulls(store)
                    started = time.perf_counter()
                    schedule(store, queue, interval_minutes=5, concurrency=100, as_of=as_of)
                    while pulls(store) < before + args.shops:
                        time.sleep(0.05)
                    times[count].append(time.perf_counter() - started)
                    for worker in workers:
                        worker.send_signal(signal.SIGTERM)
                    for worker in workers:
                        worker.wait(timeout=60)
                    while Worker.all(queue=queue):
                        time.sleep(0.1)
        finally:
            store.engine.dispose()
            sqlite.engine.dispose()
    best = {k: min(v) for k, v in times.items()}
    print(f"{args.shops} shops × {args.orders} open orders, {args.rounds} rounds alternating, best of each "
          f"(the range over the rounds in brackets); {os.cpu_count()} CPUs, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")

    def spread(seconds) -> str:
        rates = [args.shops / t * 60 for t in seconds]
        return f"[{min(rates):,.0f}–{max(rates):,.0f}]"
    for count in (1, 2, 3):
        rate = args.shops / best[count] * 60
        ratios = [one / many for one, many in zip(times[1], times[count])]
        costs = [many * count / once for many, once in zip(times[count], times["once"])]
        print(f"{count} worker(s): {best[count]:.2f} s = {rate:,.0f} shops/min {spread(times[count])}, "
              f"×{best[1] / best[count]:.2f} of 1 worker [×{min(ratios):.2f}–{max(ratios):.2f} round by round], "
              f"{best[count] * count / args.shops * 1000:.0f} worker-ms/shop "
              f"= ×{best[count] * count / best['once']:.2f} of the SQLite cycle's cost per shop [×{min(costs):.2f}–{max(costs):.2f}]")
    print(f"one cycle in one process on SQLite (jdpg watch --once's run_cycle): {best['once']:.2f} s = "
          f"{best['once'] / args.shops * 1000:.0f} ms/shop = {args.shops / best['once'] * 60:,.0f} shops/min "
          f"{spread(times['once'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
