"""One watch cycle: for each shop, pull, judge, remember, and tell the team what changed.

``run_shop_cycle(session, shop_id, watch)`` is one shop's whole cycle and the function a queue job
calls (one job per shop). It holds the shop's lease (so two watchers never pull one shop at once),
pulls a snapshot (``watch.pull``), runs the rules core on every open order and on each that left,
and writes the orders, their results, the alert levels reported and the message reporting them (the
outbox) in ONE transaction: a cycle that fails part-way writes no order, and the next one catches up.
The message is sent after the commit (``deliver_pending``, never during quiet hours); one not yet
sent is sent by a later cycle. Delivery is at least once: a watcher killed after the robot took a
message but before its ``sent_at`` was written sends it again next cycle (the robots take no
idempotency key); a watcher killed before the commit sends nothing and the next cycle reports anew.
"""
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from shared import Engine
from shared.beijing_time import BEIJING
from shared.options import Options

from . import alerts
from .crypto import Vault
from .deliver import NotDelivered, send
from .jos_client import QUOTA, REAUTHORISE, JosClient, JosFailure, JosRefused, next_beijing_midnight
from .pull import OPEN_STATES, get_order, search_open
from .settings import WatchSettings
from .store import Outbox, PullLog, Shop, Store, WatchedOrder

log = logging.getLogger("jdpg.watch")
# How long a shop's lease lasts: longer than any cycle of one shop, short enough to recover from a kill.
DEFAULT_LEASE = timedelta(minutes=15)
_IN_CHUNK = 500


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Watch:
    """What every shop's cycle needs besides its session."""
    settings: WatchSettings
    engine: Engine
    vault: Vault
    options: Options = Options(detail="lean")   # built once by the entry point (``jdpg watch``)
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    lease: timedelta = DEFAULT_LEASE
    client_options: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, store: Store, settings: WatchSettings | None = None) -> "Watch":
        """The watch as ``jdpg watch`` runs it: the rules engine with JDPG_CAMPAIGN_DIR's campaigns, lean
        results at JDPG_AT_RISK_HOURS, the store's vault. A worker process makes one and keeps it."""
        from server.config import Settings
        from shared import default_engine
        server = Settings.from_env()
        engine = default_engine(server.campaign_dir) if server.campaign_dir else default_engine()
        return cls(settings or WatchSettings.from_env(), engine, store.vault,
                   options=Options(detail="lean", at_risk_hours=server.at_risk_hours))

    def client(self, shop: Shop) -> JosClient:
        return JosClient(shop.app_key, self.vault.open(shop.app_secret), gateway=self.settings.gateway,
                         oauth=self.settings.oauth, **self.client_options)


@dataclass
class ShopOutcome:
    shop: str
    outcome: str            # ok | failed | skipped | busy
    orders: int = 0
    message: str | None = None
    sent: int = 0


def acquire(session: Session, shop_id: int, owner: str, lease: timedelta) -> bool:
    """Take the shop's lease unless another watcher holds a live one (one conditional UPDATE: atomic
    on SQLite and PostgreSQL alike)."""
    now = _utcnow()
    taken = session.execute(
        update(Shop).where(Shop.id == shop_id,
                           (Shop.lease_until.is_(None)) | (Shop.lease_until < now) | (Shop.lease_owner == owner))
        .values(lease_owner=owner, lease_until=now + lease)).rowcount
    session.commit()
    return taken == 1


def release(session: Session, shop_id: int, owner: str) -> None:
    session.execute(update(Shop).where(Shop.id == shop_id, Shop.lease_owner == owner)
                    .values(lease_owner=None, lease_until=None))
    session.commit()


def run_shop_cycle(session: Session, shop_id: int, watch: Watch, *, as_of: datetime | None = None) -> ShopOutcome:
    """One shop's cycle (see the module's docstring); never raises for a JOS or robot failure."""
    as_of = (as_of or datetime.now(BEIJING)).astimezone(BEIJING)
    shop = session.get(Shop, shop_id)
    if shop is None:
        return ShopOutcome(str(shop_id), "skipped", message="no such shop")
    name = shop.name
    if not acquire(session, shop_id, watch.owner, watch.lease):
        return ShopOutcome(name, "busy", message="another watcher holds this shop")
    try:
        outcome = _cycle(session, session.get(Shop, shop_id), watch, as_of)
        if not alerts.in_quiet_hours(as_of, watch.settings.quiet_hours):
            outcome.sent = deliver_pending(session, session.get(Shop, shop_id), watch.vault)
        return outcome
    finally:
        session.rollback()
        release(session, shop_id, watch.owner)


def _cycle(session: Session, shop: Shop, watch: Watch, as_of: datetime) -> ShopOutcome:
    started = _utcnow()
    if shop.paused_until and shop.paused_until > as_of:
        _log(session, shop, started, "skipped", error=shop.state_message)
        return ShopOutcome(shop.name, "skipped", message=shop.state_message)
    if shop.access_token is None:
        _log(session, shop, started, "skipped", error="not authorised yet")
        return ShopOutcome(shop.name, "skipped", message="等待授权 not authorised yet")
    client = watch.client(shop)
    try:
        token = _fresh_token(session, shop, client, watch, as_of)
        seen = search_open(client, token, as_of, watch.settings.days)
        known = _known(session, shop.id, seen)
        pulled = len(seen)
        for order_id, row in known.items():  # the orders that left the open set: one enGet each
            if row.is_open and order_id not in seen:
                facts = get_order(client, token, order_id)
                if facts is not None:
                    seen[order_id] = facts
    except JosFailure as exc:
        session.rollback()
        return _failed(session, shop, watch, as_of, started, exc, client.calls)
    rows, changes = _judge(watch, shop.id, as_of, seen, known)
    unseen_open = sum(1 for order_id, row in known.items() if row.is_open and order_id not in seen)
    open_rows = [SimpleNamespace(**row) for row in rows.values() if row["is_open"]]
    shop.open_orders = len(open_rows) + unseen_open
    shop.last_pull_at = shop.last_ok_at = as_of
    if shop.state != "ok":
        shop.state, shop.state_message = "ok", None
    _queue_messages(session, shop, watch, as_of, changes, open_rows, rows)
    _write(session, rows, known)
    _log(session, shop, started, "ok", orders=len(seen), calls=client.calls)
    session.commit()
    log.debug("shop %s: %d orders pulled, %d left the open set", shop.name, pulled, len(seen) - pulled)
    return ShopOutcome(shop.name, "ok", orders=shop.open_orders)


def _fresh_token(session: Session, shop: Shop, client: JosClient, watch: Watch, as_of: datetime) -> str:
    """The access token, refreshed when it expires within ``refresh_days`` (and a refresh token exists)."""
    expires = shop.token_expires_at
    if expires is not None and expires - as_of <= timedelta(days=watch.settings.refresh_days):
        refresh = watch.vault.open(shop.refresh_token)
        if refresh is None:
            if expires <= as_of:
                raise JosRefused("19", "the access token has expired and there is no refresh token")
        else:
            try:
                tokens = client.refresh(refresh)
            except JosRefused:
                raise JosRefused("19", "the refresh token was refused") from None
            shop.access_token = watch.vault.seal(tokens.access_token)
            shop.refresh_token = watch.vault.seal(tokens.refresh_token) if tokens.refresh_token else shop.refresh_token
            shop.token_expires_at = tokens.expires_at
            session.commit()  # a refreshed token is kept even if the pull then fails
            log.info("shop %s: token refreshed, expires %s", shop.name, tokens.expires_at.isoformat())
    return watch.vault.open(shop.access_token)


# What a cycle needs of the rows it has: a few columns, no JSON to decode.
_KNOWN = (WatchedOrder.order_id, WatchedOrder.is_open, WatchedOrder.alert_level, WatchedOrder.alerted_owed,
          WatchedOrder.closed_at)


def _known(session: Session, shop_id: int, seen: dict) -> dict:
    """The shop's open orders, and the snapshot's orders the store holds as closed: id → row of ``_KNOWN``."""
    known = {row.order_id: row for row in session.execute(
        select(*_KNOWN).where(WatchedOrder.shop_id == shop_id, WatchedOrder.is_open))}
    missing = [order_id for order_id in seen if order_id not in known]
    for n in range(0, len(missing), _IN_CHUNK):
        for row in session.execute(select(*_KNOWN).where(WatchedOrder.shop_id == shop_id,
                                                         WatchedOrder.order_id.in_(missing[n:n + _IN_CHUNK]))):
            known[row.order_id] = row
    return known


def _trim(result: dict) -> dict:
    """What the store keeps of a result: the ship facts, flag codes, money totals, errors."""
    return {"ship": result["ship"], "flags": [{k: f[k] for k in ("code", "severity", "rule")} for f in result["flags"]],
            "compensation": result["compensation"]["total"], "if_claimed": result["compensation"]["if_claimed_total"],
            "losses": result["losses"]["total"], "errors": result["errors"], "skipped": result["skipped"]}


def _judge(watch, shop_id, as_of, seen, known) -> tuple[dict, list]:
    """Run the rules on every order seen this cycle: the rows to write (id → column values) and
    the changes since last reported."""
    rows, changes = {}, []
    for order_id, facts in seen.items():
        before = known.get(order_id)
        result = watch.engine.annotate_raw(facts, as_of=as_of, options=watch.options)
        ship = result["ship"] or {}
        is_open = facts.get("orderState") in OPEN_STATES
        state = facts.get("orderState")
        row = {"shop_id": shop_id, "order_id": order_id, "facts": facts,
               "jos_state": None if state is None else str(state)[:60],
               "is_open": is_open, "status": ship.get("status"),
               "deadline": datetime.fromisoformat(ship["deadline"]) if ship.get("deadline") else None,
               "owed": result["compensation"]["total"], "lost": result["losses"]["total"], "result": _trim(result),
               "last_seen": as_of,
               "closed_at": None if is_open else (before.closed_at if before and before.closed_at else as_of),
               "alert_level": before.alert_level if before else "none",
               "alerted_owed": before.alerted_owed if before else "0.00"}
        if before is None:
            row["first_seen"] = as_of
        rows[order_id] = row
        level = alerts.level_of(row["status"]) if is_open else "none"
        changes += alerts.change_of(order_id, row["alert_level"], level, Decimal(row["alerted_owed"]),
                                    Decimal(row["owed"]), row["deadline"], row["status"])
    return rows, changes


def _write(session: Session, rows: dict, known: dict) -> None:
    """The cycle's rows in two statements (executemany): new orders inserted, known ones updated."""
    new = [row for order_id, row in rows.items() if order_id not in known]
    old = [row for order_id, row in rows.items() if order_id in known]
    if new:
        session.execute(insert(WatchedOrder), new)
    if old:
        session.execute(update(WatchedOrder), old)


def _queue_messages(session, shop, watch, as_of, changes, open_rows, rows) -> None:
    """The cycle's one message (changes, or the digest holding them), written with the levels it reports."""
    settings = watch.settings
    if alerts.in_quiet_hours(as_of, settings.quiet_hours):
        return  # nothing reported, nothing marked reported
    has_robot = shop.webhook is not None
    digest = has_robot and alerts.digest_due(as_of, settings.digest_at, shop.last_digest_on)
    kind = shop.robot_kind or "wecom"
    if digest:
        title, text = alerts.compose_digest(shop.name, open_rows, changes, as_of, kind)
        _outbox(session, shop, "digest", title, text, as_of)
        shop.last_digest_on = as_of.date().isoformat()
    elif changes and has_robot:
        title, text = alerts.compose_changes(shop.name, changes, as_of, kind)
        _outbox(session, shop, "changes", title, text, as_of)
    for change in changes:  # reported (or, with no robot, nobody to tell): remember the level
        row = rows[change.order_id]
        row["alert_level"] = alerts.level_of(row["status"]) if row["is_open"] else "none"
        row["alerted_owed"] = row["owed"]


def _outbox(session, shop, kind, title, text, as_of) -> None:
    session.add(Outbox(shop_id=shop.id, kind=kind, title=title, text=text, created_at=as_of))


def _failed(session, shop, watch, as_of, started, exc: JosFailure, calls: int) -> ShopOutcome:
    """A failed pull writes no order: only the shop's state, its pull log and, on a new state, one notice."""
    shop = session.get(Shop, shop.id)
    action = getattr(exc, "action", None)
    state = {REAUTHORISE: "reauthorise", QUOTA: "quota"}.get(action, "failing")
    message = f"{exc.message} / {exc.message_en}"
    notify = isinstance(exc, JosRefused) and (shop.state, shop.state_message) != (state, message)
    if action == QUOTA:  # the quota is the app's: every shop of this app waits until the next day
        # One conditional UPDATE parks them all: of several workers hitting the quota at once, only the
        # one whose UPDATE parked them tells the team (the others find them parked: no second message).
        until = next_beijing_midnight(as_of)
        parked = session.execute(update(Shop).where(
            Shop.app_key == shop.app_key, (Shop.paused_until.is_(None)) | (Shop.paused_until < until)).values(
            paused_until=until, state="quota", state_message=message)).rowcount
        session.expire(shop)
        notify = parked > 0
    if notify and shop.webhook is not None:
        title, text = alerts.compose_notice(shop.name, exc.message, exc.message_en, as_of, shop.robot_kind or "wecom")
        _outbox(session, shop, "shop", title, text, as_of)
    shop.state, shop.state_message = state, message
    shop.last_pull_at = as_of
    _log(session, shop, started, "failed", calls=calls, error=message)
    session.commit()
    log.warning("shop %s: pull failed: %s", shop.name, exc.message_en)
    return ShopOutcome(shop.name, "failed", message=message)


def _log(session, shop, started, outcome, *, orders=0, calls=0, error=None) -> None:
    session.add(PullLog(shop_id=shop.id, started_at=started, finished_at=_utcnow(), orders=orders, calls=calls,
                        outcome=outcome, error=error))
    session.commit()


def deliver_pending(session: Session, shop: Shop, vault: Vault) -> int:
    """Send the shop's unsent messages, oldest first; stop at the first the robot does not take."""
    sent = 0
    pending = session.scalars(select(Outbox).where(Outbox.shop_id == shop.id, Outbox.sent_at.is_(None))
                              .order_by(Outbox.id)).all()
    if not pending or shop.webhook is None:
        return 0
    webhook, secret = vault.open(shop.webhook), vault.open(shop.robot_secret)
    for message in pending:
        message.attempts += 1
        try:
            send(shop.robot_kind, webhook, message.title, message.text, secret=secret)
        except NotDelivered as exc:
            message.last_error = exc.message_en[:500]
            session.commit()
            log.warning("shop %s: message %d not delivered: %s", shop.name, message.id, exc.message_en)
            break
        message.sent_at = _utcnow()
        session.commit()
        sent += 1
    return sent


def run_cycle(store: Store, watch: Watch, *, as_of: datetime | None = None) -> list[ShopOutcome]:
    """Every shop's cycle, one after the other; one shop's unexpected error never stops the others."""
    with store.session() as session:
        shop_ids = session.scalars(select(Shop.id).order_by(Shop.id)).all()
    outcomes = []
    for shop_id in shop_ids:
        with store.session() as session:
            try:
                outcomes.append(run_shop_cycle(session, shop_id, watch, as_of=as_of))
            except Exception as exc:  # noqa: BLE001 - logged and said; the next shop still runs
                log.exception("shop %s: unexpected error", shop_id)
                outcomes.append(ShopOutcome(str(shop_id), "failed", message=f"{type(exc).__name__}"))
    return outcomes
