"""``./run``'s demo of the watch: a demo shop on the JOS stand-in, watched every minute, next to
the API and demo page (``jdpg serve``), so a newcomer sees the watch without a JD account.

Demo only, and said so when it starts: its store is a folder of its own (``JDPG_DATA_DIR``/demo,
never the merchant's store), its ``JDPG_SECRET_KEY`` is generated once and kept in that folder
(``demo-secret.key``: a real store's key belongs in the environment, never beside the store), its
shop's orders are made up around the current time, and the watcher runs in a thread of this
process (a real server runs ``jdpg watch`` on its own: docs/deployment.md). The stand-in has no
robot: nothing is sent anywhere. Open http://127.0.0.1:8000/demo/watch.
"""
import logging
import os
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from shared import default_engine
from shared.beijing_time import BEIJING
from shared.options import Options

from .jos import APP_KEY, APP_SECRET, JosStandin, make_order

DEMO_SHOP = "演示店 Demo shop"
CYCLE_SECONDS = 60
# (hours since the order was placed, state): pending, at risk and overdue orders, a locked one.
ORDERS = [(2, "WAIT_SELLER_STOCK_OUT"), (12, "WAIT_SELLER_STOCK_OUT"), (30, "WAIT_SELLER_STOCK_OUT"),
          (43, "WAIT_SELLER_STOCK_OUT"), (45.5, "WAIT_SELLER_STOCK_OUT"), (47, "WAIT_SELLER_STOCK_OUT"),
          (52, "WAIT_SELLER_STOCK_OUT"), (70, "WAIT_SELLER_STOCK_OUT"), (50, "LOCKED"), (5, "WAIT_SELLER_STOCK_OUT")]


def demo_folder() -> Path:
    from watch.settings import default_data_dir
    return Path(os.environ.get("JDPG_DATA_DIR") or default_data_dir()) / "demo"


def demo_key(folder: Path) -> str:
    from watch.crypto import new_key
    path = folder / "demo-secret.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key(), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def start(jos: JosStandin, stop: threading.Event, folder: Path) -> threading.Thread:
    """Point this process's watch settings at the demo store and the stand-in, add the demo shop
    (its tokens re-issued by this stand-in), and start the watcher thread."""
    from watch.cycle import Watch, run_cycle
    from watch.settings import WatchSettings
    from watch.store import Shop, open_store

    os.environ.update({"JDPG_DATA_DIR": str(folder), "JDPG_SECRET_KEY": demo_key(folder),
                       "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url})
    os.environ.pop("JDPG_DATABASE_URL", None)
    settings = WatchSettings.from_env()
    store = open_store(settings.database_url, settings.secret_key)
    now = datetime.now(BEIJING).replace(microsecond=0)
    shop = jos.shop("10001")
    for n, (hours, state) in enumerate(ORDERS):
        order_id = f"30{now:%m%d}{n:04d}"
        shop.orders[order_id] = make_order(order_id, now - timedelta(hours=hours), state=state, payment=f"{99 + 30 * n}.00")
    access, refresh = jos.issue_token(shop)
    with store.session() as session:
        row = session.scalar(select(Shop).where(Shop.name == DEMO_SHOP))
        if row is None:
            row = Shop(name=DEMO_SHOP, app_key=APP_KEY, app_secret=store.vault.seal(APP_SECRET),
                       created_at=datetime.now(timezone.utc))
            session.add(row)
        row.access_token, row.refresh_token = store.vault.seal(access), store.vault.seal(refresh)
        row.token_expires_at = datetime.now(timezone.utc) + timedelta(days=365)
        row.state, row.state_message, row.paused_until, row.lease_owner, row.lease_until = "ok", None, None, None, None
        session.commit()
    watch = Watch(settings, default_engine(), store.vault, options=Options(detail="lean"))

    def loop():
        while True:
            run_cycle(store, watch)
            if stop.wait(CYCLE_SECONDS):
                return
    thread = threading.Thread(target=loop, name="demo-watch", daemon=True)
    thread.start()
    return thread


def main(argv=None) -> int:
    from server.__main__ import main as jdpg
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] not in ("serve",) and not argv[0].startswith("-"):
        return jdpg(argv)  # another command: no demo
    stop = threading.Event()
    folder = demo_folder()
    with JosStandin() as jos:
        start(jos, stop, folder)
        print(f"演示：监控一家虚构店铺（京东开放平台替身，数据在 {folder}，密钥仅供演示）。\n"
              f"Demo: watching a made-up shop on the JOS stand-in (store in {folder}, its key for the demo "
              "only); see /demo/watch", flush=True)
        logging.getLogger("jdpg.watch").setLevel(logging.WARNING)
        try:
            return jdpg(argv)
        finally:
            stop.set()


if __name__ == "__main__":
    sys.exit(main())
