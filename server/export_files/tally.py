"""What the summary sheet and the team digest show, counted from the core's results as they stream.

The core's own summary (``RowAnnotator.summary``) has the order count, the errors and the money;
this adds what it does not keep: orders by ship status, orders due in each of the next hours,
and the few orders due soonest. Everything is bounded: a file of a million orders keeps a
fixed-size table and a heap of ``soonest`` entries, never the results.
"""
import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

HOURS_AHEAD = 48
SOONEST = 10
# Ship statuses in the order a merchant acts on them (the contract's ``ship.status`` values),
# then orders without a ship deadline and orders the core could not read.
STATUS_ORDER = ("overdue", "at_risk", "pending", "shipped_late", "shipped_on_time", "shipped_time_unknown",
                "no_deadline", "error")
WAITING = ("pending", "at_risk")
_HOUR = timedelta(hours=1)


@dataclass(eq=False)
class Tally:
    """Counts over orders; ``merge`` adds another part's counts (worker processes)."""

    as_of: datetime
    soonest_kept: int = SOONEST
    by_status: Counter = field(default_factory=Counter)
    due_by_hour: list = field(default_factory=lambda: [0] * HOURS_AHEAD)
    # A max-heap (negated timestamps) of the ``soonest_kept`` earliest deadlines still ahead.
    _soonest: list = field(default_factory=list)

    def add(self, result: dict) -> None:
        ship = result.get("ship")
        if ship:
            status = ship["status"]
        else:
            status = "error" if result.get("errors") else "no_deadline"
        self.by_status[status] += 1
        if status not in WAITING:
            return
        deadline = datetime.fromisoformat(ship["deadline"])
        ahead = deadline - self.as_of
        if ahead.total_seconds() < 0:
            return
        hour = int(ahead / _HOUR)
        if hour < HOURS_AHEAD:
            self.due_by_hour[hour] += 1
        self._keep((-deadline.timestamp(), str(result.get("order_id") or ""), ship["deadline"], status,
                    _money_at_stake(result)))

    def _keep(self, entry) -> None:
        if len(self._soonest) < self.soonest_kept:
            heapq.heappush(self._soonest, entry)
        elif entry > self._soonest[0]:
            heapq.heapreplace(self._soonest, entry)

    def merge(self, other: "Tally") -> None:
        self.by_status.update(other.by_status)
        self.due_by_hour = [a + b for a, b in zip(self.due_by_hour, other.due_by_hour)]
        for entry in other._soonest:
            self._keep(entry)

    def __eq__(self, other) -> bool:
        return isinstance(other, Tally) and (self.as_of, self.by_status, self.due_by_hour, self.soonest()) == (
            other.as_of, other.by_status, other.due_by_hour, other.soonest())

    def soonest(self) -> list[dict]:
        """The orders due soonest, earliest first: order id, deadline (ISO), status, money at stake."""
        return [{"order_id": order_id, "deadline": deadline, "status": status, "at_stake": at_stake}
                for _, order_id, deadline, status, at_stake in sorted(self._soonest, reverse=True)]

    def hour_starts(self) -> list[datetime]:
        """The start of each ``due_by_hour`` bucket."""
        return [self.as_of + k * _HOUR for k in range(HOURS_AHEAD)]


def _money_at_stake(result: dict) -> str:
    money = result.get("compensation") or {}
    return money.get("if_claimed_total") or "0.00"


def _nonzero(amount) -> bool:
    """Money in the contract's form: a 2-decimal string."""
    return amount not in (None, "") and Decimal(amount) != 0


def needs_attention(result: dict) -> bool:
    """``--only flagged``: a flag above info, money owed, or money at stake (if claimed, or lost)."""
    if any(flag.get("severity") != "info" for flag in result.get("flags", ())):
        return True
    money = result.get("compensation") or {}
    losses = result.get("losses") or {}
    return any(_nonzero(value) for value in (money.get("total"), money.get("if_claimed_total"), losses.get("total")))


class TallyingEngine:
    """The core's engine, passed to ``RowAnnotator``, that also hands each result to a tally.

    ``calls`` and ``last`` let the file loop tell the first line of a new order (the engine was
    just called for it) from the further SKU lines of the same order."""

    def __init__(self, engine, tally: Tally):
        self._engine = engine
        self.tally = tally
        self.calls = 0
        self.last = None

    def annotate_raw(self, raw, *args, **kwargs) -> dict:
        result = self._engine.annotate_raw(raw, *args, **kwargs)
        self.tally.add(result)
        self.calls += 1
        self.last = result
        return result

    def __getattr__(self, name):
        return getattr(self._engine, name)
