"""What the team hears: one message per shop per cycle holding only what changed level, a daily
digest, and a notice when a shop needs the merchant. Composition only, with the project's one robot
client (``server.robots``: plain merchant text, each robot's size limit); sending is ``watch.deliver``.

An order's level is ``none``, ``at_risk`` or ``overdue`` (its result's ship status), plus the money
owed on it. A change is reported once: newly at risk, newly overdue, newly owed (more owed than
last said), cleared (an order reported before that shipped, was cancelled or is no longer at risk).
The level reported is stored with the order in the cycle's transaction, so a restart neither
repeats nor loses one. During quiet hours nothing is reported and nothing is marked reported: the
first cycle after them reports what changed meanwhile.
"""
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from shared.beijing_time import BEIJING
from shared.vocabulary import SHIP_STATUS

from server.robots import Section, heading, pack, plain, quote

LEVELS = ("none", "at_risk", "overdue")
MORE = ("还有 {n} 条", "{n} more")
KINDS = {"overdue": ("新超时", "newly overdue"), "at_risk": ("新临近超时", "newly at risk"),
         "owed": ("新增应付赔偿", "newly owed"), "cleared": ("已解除", "cleared")}
SOONEST = 10


def level_of(status: str | None) -> str:
    return status if status in ("at_risk", "overdue") else "none"


@dataclass(frozen=True)
class Change:
    order_id: str
    kind: str              # overdue | at_risk | owed | cleared
    deadline: datetime | None
    owed: Decimal
    status: str | None


def change_of(order_id: str, old_level: str, new_level: str, old_owed: Decimal, new_owed: Decimal,
              deadline, status) -> list[Change]:
    """The changes between what was last reported and what holds now (at most a level and an owed)."""
    out = []
    if new_level != old_level:
        kind = new_level if LEVELS.index(new_level) > LEVELS.index(old_level) else ("cleared" if new_level == "none" else None)
        if kind:
            out.append(Change(order_id, kind, deadline, new_owed, status))
    if new_owed > old_owed:
        out.append(Change(order_id, "owed", deadline, new_owed, status))
    return out


def in_quiet_hours(now: datetime, quiet: tuple[time, time] | None) -> bool:
    """``quiet`` is (start, end) in Beijing time; it may span midnight (22:00–08:00)."""
    if not quiet:
        return False
    start, end = quiet
    clock = now.astimezone(BEIJING).time()
    return start <= clock < end if start <= end else clock >= start or clock < end


def digest_due(now: datetime, digest_at: time | None, last_digest_on: str | None) -> bool:
    if digest_at is None:
        return False
    local = now.astimezone(BEIJING)
    return local.time() >= digest_at and last_digest_on != local.date().isoformat()


def _when(value: datetime | None) -> str:
    return value.astimezone(BEIJING).strftime("%m-%d %H:%M") if value else "—"


def _status(status: str | None) -> str:
    entry = SHIP_STATUS.get(status or "")
    return f"{entry['zh']} {entry['en']}" if entry else "—"


def _one(kind: str, title: str, head: list[str], sections: list[Section]) -> tuple[str, str]:
    """One message within the robot's size limit (what does not fit is counted, never cut)."""
    message = pack(kind, title, head, sections, max_messages=1)[0]
    return message.title, message.text


def change_lines(changes: list[Change]) -> list[str]:
    order = {"overdue": 0, "at_risk": 1, "owed": 2, "cleared": 3}
    lines = []
    for c in sorted(changes, key=lambda c: (order[c.kind], c.deadline or datetime.max.replace(tzinfo=BEIJING), c.order_id)):
        zh, en = KINDS[c.kind]
        money = f" · 应付 owed ¥{c.owed:.2f}" if c.kind == "owed" else ""
        lines.append(f"- {zh} {en}: {plain(c.order_id)} · 截止 due {_when(c.deadline)}{money}")
    return lines


def compose_changes(shop: str, changes: list[Change], as_of: datetime, robot_kind: str) -> tuple[str, str]:
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS}
    title = f"{plain(shop)} 订单变化 Order changes：新超时 {counts['overdue']}，新临近超时 {counts['at_risk']}"
    head = [heading(f"{plain(shop)} 订单变化 Order changes"),
            quote(f"以 {_when(as_of)} 为准 as of (Beijing time) · " +
                  " · ".join(f"{KINDS[k][0]} {KINDS[k][1]} {n}" for k, n in counts.items() if n))]
    return _one(robot_kind, title, head, [Section("", change_lines(changes), MORE)])


def compose_digest(shop: str, open_rows: list, changes: list[Change], as_of: datetime, robot_kind: str) -> tuple[str, str]:
    """Everything open: counts by status, money owed, the orders due soonest; then this cycle's changes."""
    by_status = {}
    owed = Decimal("0")
    for row in open_rows:
        by_status[row.status] = by_status.get(row.status, 0) + 1
        owed += Decimal(row.owed)
    title = (f"{plain(shop)} 每日订单摘要 Daily digest：已超时 {by_status.get('overdue', 0)}，"
             f"即将超时 {by_status.get('at_risk', 0)}")
    head = [heading(f"{plain(shop)} 每日订单摘要 Daily digest"),
            quote(f"以 {_when(as_of)} 为准 as of (Beijing time) · 未出库订单 open orders {len(open_rows)}"), ""]
    for status in ("overdue", "at_risk", "pending"):
        head.append(f"- {_status(status)}: {by_status.get(status, 0)}")
    unjudged = sum(n for s, n in by_status.items() if s not in ("overdue", "at_risk", "pending"))
    if unjudged:
        head.append(f"- 其他（锁定、暂停、无法判断）other (locked, paused, not judged): {unjudged}")
    head.append(f"- 应付赔偿 Owed: ¥{owed:.2f}")
    dated = sorted((r for r in open_rows if r.deadline is not None and r.status in ("overdue", "at_risk", "pending")),
                   key=lambda r: (r.deadline, r.order_id))[:SOONEST]
    soonest = [f"{n}. {plain(r.order_id)} · 截止 due {_when(r.deadline)} · {_status(r.status)}"
               for n, r in enumerate(dated, start=1)]
    return _one(robot_kind, title, head, [Section("**最先到期 Due soonest**", soonest, MORE),
                                          Section("**本轮变化 Changes this cycle**", change_lines(changes), MORE)])


def compose_notice(shop: str, zh: str, en: str, as_of: datetime, robot_kind: str) -> tuple[str, str]:
    """A shop needs the merchant (re-authorise, quota, secret, clock)."""
    title = f"{plain(shop)} 需要处理 Needs attention"
    return _one(robot_kind, title, [heading(title), quote(_when(as_of)), "", plain(zh, 600), "", plain(en, 600)], [])
