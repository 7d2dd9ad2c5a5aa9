"""The watch's endpoints: they read the watch's store (``watch.store``) and never pull or schedule.

``GET /api/v1/watch/orders`` the open orders across shops, soonest deadline first;
``GET /api/v1/watch/shops`` the shops, their health and coverage; ``GET /jos/oauth/callback``
JD's redirect after a merchant authorises a shop: it checks ``state`` (bound to the shop being
added, single use, short-lived), exchanges the code and keeps the tokens sealed. No secret is ever
returned. Without a store (no shop ever added here) the endpoints answer ``watching: false``.
"""
import html
import logging
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, current_app, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import delete, func, select

from shared.beijing_time import BEIJING
from shared.vocabulary import SHIP_STATUS
from watch.crypto import SecretKeyWrong
from watch.health import empty as empty_health, shop_health
from watch.jos_client import JosClient, JosFailure
from watch.settings import WatchSettings
from watch.store import OAuthState, PullLog, Shop, WatchedOrder, open_store

from ..errors import ApiError
from .blueprint import ApiBlueprint
from .json_response import json_response

log = logging.getLogger("jdpg.server")
blp = ApiBlueprint("watch", __name__, url_prefix="/api/v1/watch",
                   description="The watch: shops pulled from JD on a schedule and their open orders (read only)")
# An HTML page for the merchant's browser, outside the API (and its OpenAPI document).
callback_bp = Blueprint("jos_oauth", __name__)
MAX_LIMIT = 1000
DEFAULT_LIMIT = 200


def init_app(app, watch_settings: WatchSettings | None) -> None:
    app.extensions["jdpg.watch_settings"] = watch_settings or WatchSettings.from_env()
    app.extensions["jdpg.watch_store"] = None


def _store():
    """The store, opened on first use; None while there is none (a SQLite file not yet made)."""
    store = current_app.extensions.get("jdpg.watch_store")
    if store is None:
        settings = current_app.extensions["jdpg.watch_settings"]
        url = settings.database_url
        if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).exists():
            return None
        try:
            store = open_store(url, settings.secret_key, need_key=False)
        except Exception as exc:  # noqa: BLE001 - a database that cannot be opened is a 503, never a 500
            log.warning("watch store unavailable: %s", type(exc).__name__)
            raise ApiError(503, "watch_store_unavailable", "无法打开监控数据库（JDPG_DATABASE_URL）",
                           "the watch's store cannot be opened (JDPG_DATABASE_URL)") from None
        current_app.extensions["jdpg.watch_store"] = store
    return store


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(BEIJING).isoformat() if value else None


class OrdersQuerySchema(Schema):
    shop = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "a shop's name"})
    status = fields.String(validate=validate.OneOf(list(SHIP_STATUS)),
                           metadata={"description": "a ship status (overdue, at_risk, pending, …)"})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))


class WatchedOrderSchema(Schema):
    shop = fields.String()
    order_id = fields.String()
    status = fields.String(allow_none=True, metadata={"description": "the result's ship.status; null: not judged"})
    deadline = fields.String(allow_none=True, metadata={"description": "ship-by deadline, ISO 8601 Beijing time"})
    hours_left = fields.Float(allow_none=True)
    at_risk_hours = fields.Float(allow_none=True, metadata={"description": "the threshold the watch judged with"})
    owed = fields.String(metadata={"description": "compensation owed, 2 decimals"})
    lost = fields.String()
    jos_state = fields.String(allow_none=True, metadata={"description": "JD's orderState"})
    errors = fields.List(fields.Dict())
    first_seen = fields.String()
    last_seen = fields.String()


class WatchedOrdersSchema(Schema):
    watching = fields.Boolean(metadata={"description": "false: this server watches no shop"})
    as_of = fields.String(allow_none=True, metadata={"description": "the oldest last pull among the shops listed"})
    orders = fields.List(fields.Nested(WatchedOrderSchema))
    total = fields.Integer(metadata={"description": "open orders matching, before the limit"})


class WatchedShopSchema(Schema):
    name = fields.String()
    state = fields.String(metadata={"description": "authorising | ok | reauthorise | quota | failing"})
    message = fields.String(allow_none=True)
    last_pull_at = fields.String(allow_none=True)
    last_ok_at = fields.String(allow_none=True)
    paused_until = fields.String(allow_none=True)
    token_expires_at = fields.String(allow_none=True)
    robot = fields.String(allow_none=True, metadata={"description": "wecom or dingtalk (never its URL)"})
    open_orders = fields.Integer(allow_none=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    coverage = fields.Dict(metadata={"description": "summary.coverage's shape for the shipping family"})
    last_pull = fields.Dict(allow_none=True)
    health = fields.Dict(metadata={"description": "across every worker: last_ok_at (the last successful pull's end), "
                                                  "lag_seconds since it (null: never), failures since it, last_error"})


class WatchedShopsSchema(Schema):
    watching = fields.Boolean()
    shops = fields.List(fields.Nested(WatchedShopSchema))


def _order(row: WatchedOrder, shop: str) -> dict:
    ship = (row.result or {}).get("ship") or {}
    return {"shop": shop, "order_id": row.order_id, "status": row.status, "deadline": _iso(row.deadline),
            "hours_left": ship.get("hours_left"), "at_risk_hours": ship.get("at_risk_hours"), "owed": row.owed, "lost": row.lost, "jos_state": row.jos_state,
            "errors": (row.result or {}).get("errors", []), "first_seen": _iso(row.first_seen),
            "last_seen": _iso(row.last_seen)}


@blp.route("/orders")
class Orders(MethodView):
    @blp.arguments(OrdersQuerySchema, location="query")
    @blp.response(200, WatchedOrdersSchema)
    def get(self, query):
        """Open orders across the watched shops, soonest deadline first (orders with no deadline last);
        filter by ``shop`` and ``status``. As of each shop's last pull."""
        store = _store()
        if store is None:
            return json_response({"watching": False, "as_of": None, "orders": [], "total": 0})
        with store.session() as session:
            shops = session.scalars(select(Shop)).all()
            names = {s.id: s.name for s in shops}
            where = [WatchedOrder.is_open]
            if query.get("shop"):
                where.append(WatchedOrder.shop_id.in_([i for i, n in names.items() if n == query["shop"]]))
            if query.get("status"):
                where.append(WatchedOrder.status == query["status"])
            total = session.scalar(select(func.count()).select_from(WatchedOrder).where(*where))
            rows = session.scalars(select(WatchedOrder).where(*where).order_by(
                WatchedOrder.deadline.is_(None), WatchedOrder.deadline, WatchedOrder.order_id).limit(query["limit"])).all()
            pulls = [s.last_ok_at for s in shops if s.last_ok_at and (not query.get("shop") or s.name == query["shop"])]
            return json_response({"watching": bool(shops), "as_of": _iso(min(pulls)) if pulls else None,
                                  "orders": [_order(r, names[r.shop_id]) for r in rows], "total": total})


PAUSED_STATES = ("LOCKED", "POP_ORDER_PAUSE", "PAUSE")


def _coverage(session, shop_id: int) -> dict:
    """``summary.coverage``'s shape for the shop's open orders: judged, and why the others are not."""
    rows = session.execute(select(WatchedOrder.status, WatchedOrder.jos_state, WatchedOrder.result).where(
        WatchedOrder.shop_id == shop_id, WatchedOrder.is_open)).all()
    reasons = {}
    for status, state, result in rows:
        if status is None:
            errors = (result or {}).get("errors") or []
            code = "unreadable" if errors else "locked_or_paused" if state in PAUSED_STATES else "no_deadline"
            for field in [e.get("field") for e in errors] or [None]:
                reasons[(code, field)] = reasons.get((code, field), 0) + 1
    judged = sum(1 for status, _, _ in rows if status is not None)
    return {"shipping": {"orders": len(rows), "judged": judged, "not_judged": len(rows) - judged,
                         "reasons": [{"code": code, "field": field, "column": None, "orders": n}
                                     for (code, field), n in sorted(reasons.items(), key=str)]}}


@blp.route("/shops")
class Shops(MethodView):
    @blp.response(200, WatchedShopsSchema)
    def get(self):
        """The watched shops: state (and what to do when it is not ok), last pull, token expiry, open
        orders by status, coverage of the rules. Never a secret."""
        store = _store()
        if store is None:
            return json_response({"watching": False, "shops": []})
        out = []
        with store.session() as session:
            health = shop_health(session)
            for shop in session.scalars(select(Shop).order_by(Shop.name)):
                h = health.get(shop.id, empty_health())
                counts = dict(session.execute(select(WatchedOrder.status, func.count()).where(
                    WatchedOrder.shop_id == shop.id, WatchedOrder.is_open).group_by(WatchedOrder.status)).all())
                last = session.scalars(select(PullLog).where(PullLog.shop_id == shop.id)
                                       .order_by(PullLog.id.desc()).limit(1)).first()
                out.append({
                    "name": shop.name, "state": shop.state, "message": shop.state_message,
                    "last_pull_at": _iso(shop.last_pull_at), "last_ok_at": _iso(shop.last_ok_at),
                    "paused_until": _iso(shop.paused_until), "token_expires_at": _iso(shop.token_expires_at),
                    "robot": shop.robot_kind, "open_orders": shop.open_orders,
                    "by_status": {str(k or "not_judged"): v for k, v in counts.items()},
                    "coverage": _coverage(session, shop.id),
                    "health": {**h, "last_ok_at": _iso(h["last_ok_at"])},
                    "last_pull": None if last is None else {
                        "outcome": last.outcome, "started_at": _iso(last.started_at),
                        "finished_at": _iso(last.finished_at), "orders": last.orders, "error": last.error}})
        return json_response({"watching": bool(out), "shops": out})


_PAGE = ("<!doctype html><html lang=zh><meta charset=utf-8><title>JD Promo Guard</title>"
         "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'><h1>{title}</h1><p>{zh}</p><p>{en}</p>")


def _page(status: int, title: str, zh: str, en: str):
    body = _PAGE.format(title=html.escape(title), zh=html.escape(zh), en=html.escape(en))
    return current_app.response_class(body, status=status, mimetype="text/html")


@callback_bp.get("/jos/oauth/callback")
def callback():
    """JD's redirect after a merchant authorised a shop: exchange the code, keep the tokens sealed."""
    code, state = request.args.get("code", ""), request.args.get("state", "")
    store = _store()
    if store is None or not code or not state or len(state) > 64 or len(code) > 200:
        return _page(400, "授权链接无效 Invalid link", "链接缺少参数或已失效，请重新运行 jdpg shops add。",
                     "The link lacks its code or state, or has expired: run `jdpg shops add` again.")
    now = datetime.now(timezone.utc)
    with store.session() as session:
        found = session.get(OAuthState, state)
        if found is not None:
            session.execute(delete(OAuthState).where(OAuthState.state == state))  # single use
            session.commit()
        if found is None or found.expires_at < now:
            return _page(400, "授权链接已用过或已过期 Link used or expired",
                         "这个授权链接已用过或已过期，请重新运行 jdpg shops add 获取新链接。",
                         "This authorisation link was used or has expired: run `jdpg shops add` for a new one.")
        shop = session.get(Shop, found.shop_id)
        if shop is None:
            return _page(400, "店铺已删除 Shop removed", "该店铺已被删除。", "That shop has been removed.")
        if not store.vault.ready:
            return _page(503, "服务器未设置 JDPG_SECRET_KEY", "服务器需要与 jdpg shops add 相同的 JDPG_SECRET_KEY。",
                         "The server needs the same JDPG_SECRET_KEY as `jdpg shops add`.")
        settings = current_app.extensions["jdpg.watch_settings"]
        try:
            client = JosClient(shop.app_key, store.vault.open(shop.app_secret), gateway=settings.gateway,
                               oauth=settings.oauth)
            tokens = client.exchange_code(code)
        except (JosFailure, SecretKeyWrong) as exc:
            log.warning("shop %s: authorisation failed: %s", shop.name, getattr(exc, "message_en", type(exc).__name__))
            zh, en = (exc.message, exc.message_en) if isinstance(exc, JosFailure) else (str(exc), str(exc))
            return _page(502, "授权未完成 Not authorised", zh, en)
        shop.access_token = store.vault.seal(tokens.access_token)
        shop.refresh_token = store.vault.seal(tokens.refresh_token) if tokens.refresh_token else None
        shop.token_expires_at = tokens.expires_at
        shop.state, shop.state_message, shop.paused_until = "ok", None, None
        session.commit()
        name = shop.name
        expires = tokens.expires_at.astimezone(BEIJING).strftime("%Y-%m-%d")
    log.info("shop %s: authorised", name)
    return _page(200, f"已授权 Authorised: {name}", f"店铺 {name} 已授权，令牌有效至 {expires}。下一轮 jdpg watch 会开始拉取订单。",
                 f"Shop {name} is authorised; its token is good until {expires}. The next `jdpg watch` cycle pulls its orders.")
