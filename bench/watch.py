"""The watch against its floor, measured in the same run: one cycle over SHOPS shops × ORDERS open
orders each, pulled from the JOS stand-in over real HTTP (enSearch pages of 50, signatures, the
stand-in in a thread of this process), judged, and written to a real SQLite store; ÷ the rules core
alone on the same orders (lean results, the watch's options). Rounds alternate the two; the first
cycle (every order new: inserts) and the later ones (the same orders again: updates) are given
apart, each with the time the stand-in spent answering (it shares this process and its GIL, so
its work is in the cycle's time). Then the store's size on disk.

    .venv/bin/python bench/watch.py [--shops 20] [--orders 2000] [--rounds 3]
"""
import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared import default_engine  # noqa: E402
from shared.beijing_time import BEIJING  # noqa: E402
from shared.options import Options  # noqa: E402
from standins.jos import APP_KEY, APP_SECRET, JosStandin, make_order  # noqa: E402
from watch.crypto import new_key  # noqa: E402
from watch.cycle import Watch, run_cycle  # noqa: E402
from watch.settings import WatchSettings  # noqa: E402
from watch.store import Shop, open_store  # noqa: E402


def fill(jos: JosStandin, shops: int, orders: int, as_of: datetime) -> list:
    """Each shop's open orders, paid over the last 60 hours (pending, at risk and overdue ones)."""
    facts = []
    for s in range(shops):
        shop = jos.shop(str(20000 + s))
        for n in range(orders):
            order_id = f"{s:02d}{n:08d}"
            order = make_order(order_id, as_of - timedelta(minutes=(n * 37) % 3600), vender=shop.vender,
                               payment=f"{50 + n % 400}.00")
            shop.orders[order_id] = order
            facts.append(order)
    return facts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shops", type=int, default=20)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    as_of = datetime.now(BEIJING).replace(microsecond=0)
    options = Options(detail="lean")
    engine = default_engine()
    with JosStandin() as jos, tempfile.TemporaryDirectory() as folder:
        facts = fill(jos, args.shops, args.orders, as_of)
        key = new_key()
        settings = WatchSettings.from_env(env={"JDPG_DATA_DIR": folder, "JDPG_SECRET_KEY": key,
                                               "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url,
                                               "JDPG_WATCH_DIGEST_AT": "off"})
        store = open_store(settings.database_url, key)
        with store.session() as session:
            for s in range(args.shops):
                token, _ = jos.issue_token(jos.shop(str(20000 + s)))
                session.add(Shop(name=f"shop-{s:02d}", app_key=APP_KEY, app_secret=store.vault.seal(APP_SECRET),
                                 access_token=store.vault.seal(token), token_expires_at=as_of + timedelta(days=300),
                                 state="ok", created_at=as_of))
            session.commit()
        watch = Watch(settings, engine, store.vault, options=options)
        total = args.shops * args.orders
        engine.annotate_raw(facts[0], as_of=as_of, options=options)
        cycles, cores, first = [], [], None
        for r in range(args.rounds + 1):
            calls, busy = len(jos.requests), jos.busy
            started = time.perf_counter()
            outcomes = run_cycle(store, watch, as_of=as_of)
            elapsed = time.perf_counter() - started
            assert all(o.outcome == "ok" for o in outcomes), outcomes
            if r == 0:
                first, first_calls, first_busy = elapsed, len(jos.requests) - calls, jos.busy - busy
            else:
                cycles.append((elapsed, jos.busy - busy))
            started = time.perf_counter()
            for element in facts:
                engine.annotate_raw(element, as_of=as_of, options=options)
            cores.append(time.perf_counter() - started)
        core = min(cores)
        cycle, cycle_busy = min(cycles)
        store.engine.dispose()
        size = sum(p.stat().st_size for p in Path(folder).glob("watch.sqlite3*"))
    print(f"{args.shops} shops × {args.orders} open orders = {total} orders; {first_calls} gateway calls a cycle")
    print(f"rules core alone (lean): {core:.2f} s = {core / total * 1e6:.1f} µs/order (best of {len(cores)})")
    print(f"first cycle (all new): {first:.2f} s = {first / total * 1e6:.0f} µs/order = {first / core:.1f}× the core; "
          f"the stand-in answering: {first_busy:.1f} s")
    print(f"later cycle (same orders): {cycle:.2f} s = {cycle / total * 1e6:.0f} µs/order = {cycle / core:.1f}× the core; "
          f"the stand-in answering: {cycle_busy:.1f} s, so the watch's own part {(cycle - cycle_busy) / core:.1f}× "
          f"(best of {len(cycles)}; all: {', '.join(f'{c:.1f}' for c, _ in cycles)} s)")
    print(f"store on disk: {size / 1e6:.1f} MB = {size / total:.0f} bytes/order")


if __name__ == "__main__":
    main()
