"""Each shop's health as every worker left it in the shared store: the last successful pull, how far
behind it is (lag), and the pulls that failed since (``jdpg shops list``, ``GET /api/v1/watch/shops``)."""
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .store import PullLog


def shop_health(session: Session, now: datetime | None = None) -> dict[int, dict]:
    """shop id → ``last_ok_at`` (None: never), ``lag_seconds`` (since the last successful pull; None:
    never), ``failures`` (failed pulls since then) and ``last_error`` (the latest failure's words)."""
    now = now or datetime.now(timezone.utc)
    last_ok = dict(session.execute(select(PullLog.shop_id, func.max(PullLog.id)).where(PullLog.outcome == "ok")
                                   .group_by(PullLog.shop_id)).all())
    ok_at = dict(session.execute(select(PullLog.shop_id, PullLog.finished_at).where(PullLog.id.in_(last_ok.values())))
                 .all()) if last_ok else {}
    health: dict[int, dict] = {}
    for shop_id, log_id, error in session.execute(
            select(PullLog.shop_id, PullLog.id, PullLog.error).where(PullLog.outcome == "failed").order_by(PullLog.id)):
        if log_id > last_ok.get(shop_id, 0):
            entry = health.setdefault(shop_id, {"failures": 0, "last_error": None})
            entry["failures"] += 1
            entry["last_error"] = error
    out = {}
    for shop_id in set(last_ok) | set(health):
        at = ok_at.get(shop_id)
        out[shop_id] = {"last_ok_at": at, "lag_seconds": None if at is None else int((now - at).total_seconds()),
                        **health.get(shop_id, {"failures": 0, "last_error": None})}
    return out


def empty() -> dict:
    return {"last_ok_at": None, "lag_seconds": None, "failures": 0, "last_error": None}


def lag_words(seconds: int | None) -> str:
    """A lag for people: 3 分钟 3 min, 2 小时 2 h; "—" when there never was a successful pull."""
    if seconds is None:
        return "—"
    minutes = max(seconds, 0) // 60
    if minutes < 120:
        return f"{minutes} 分钟 min"
    return f"{minutes // 60} 小时 h"
