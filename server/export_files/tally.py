"""What the summary sheet and the team digest show, counted from the core's results as they stream
(the row annotator's ``runs``: one result per order).

The core's own summary (``RowAnnotator.summary``) has the order count, the errors and the money;
this adds what it does not keep: orders by ship status, orders due in each of the next hours,
the few orders due soonest and the longest overdue with what they cost. Everything is bounded:
a file of a million orders keeps a fixed-size table and two heaps, never the results.
"""
import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

HOURS_AHEAD = 48
SOONEST = 10  # listed by default
SOONEST_KEPT = 50  # the most that can be asked for
# The longest overdue orders kept by name (the digest lists them first); the rest are counted.
OVERDUE_KEPT = 1000
# Ship statuses in the order a merchant acts on them (the contract's ``ship.status`` values),
# then orders with nothing to ship (their status says so), orders whose deadline could not be
# worked out for want of a value (``summary.coverage`` says which), and orders with no readable id.
STATUS_ORDER = ("overdue", "at_risk", "pending", "shipped_late", "shipped_on_time", "shipped_time_unknown",
                "nothing_to_ship", "not_judged", "error")
WAITING = ("pending", "at_risk")
_HOUR = timedelta(hours=1)


@dataclass(eq=False)
class Tally:
    """Counts over orders; ``merge`` adds another part's counts (worker processes)."""

    as_of: datetime
    soonest_kept: int = SOONEST_KEPT
    overdue_kept: int = OVERDUE_KEPT
    by_status: Counter = field(default_factory=Counter)
    due_by_hour: list = field(default_factory=lambda: [0] * HOURS_AHEAD)
    # A max-heap of the ``soonest_kept`` earliest (deadline, order id) still ahead: its root is
    # the latest of them, the one a sooner order replaces.
    _soonest: list = field(default_factory=list)
    # A min-heap of the ``overdue_kept`` longest overdue: (hours late, order id, deadline, owed,
    # if claimed, lost); its root is the least late of them, the one a later order replaces.
    _overdue: list = field(default_factory=list)

    def add(self, result: dict) -> None:
        ship = result.get("ship")
        if ship:
            status = ship["status"]
        elif result.get("order_id") is None:
            status = "error"
        else:
            reason = result.get("skipped_reasons", {}).get("SHIP-DEADLINE")
            status = "nothing_to_ship" if reason is not None and "gap" not in reason else "not_judged"
        self.by_status[status] += 1
        if status == "overdue":
            money = result.get("compensation") or {}
            self._keep_overdue((ship["late_by_hours"], str(result.get("order_id") or ""), ship["deadline"],
                                money.get("total") or "0.00", money.get("if_claimed_total") or "0.00",
                                (result.get("losses") or {}).get("total") or "0.00"))
        if status not in WAITING:
            return
        deadline = datetime.fromisoformat(ship["deadline"])
        ahead = deadline - self.as_of
        if ahead.total_seconds() < 0:
            return
        hour = int(ahead / _HOUR)
        if hour < HOURS_AHEAD:
            self.due_by_hour[hour] += 1
        self._keep((_Latest(deadline.timestamp(), str(result.get("order_id") or "")), ship["deadline"], status))

    def _keep(self, entry) -> None:
        if len(self._soonest) < self.soonest_kept:
            heapq.heappush(self._soonest, entry)
        elif entry > self._soonest[0]:
            heapq.heapreplace(self._soonest, entry)

    def _keep_overdue(self, entry) -> None:
        if len(self._overdue) < self.overdue_kept:
            heapq.heappush(self._overdue, entry)
        elif entry > self._overdue[0]:
            heapq.heapreplace(self._overdue, entry)

    def merge(self, other: "Tally") -> None:
        self.by_status.update(other.by_status)
        self.due_by_hour = [a + b for a, b in zip(self.due_by_hour, other.due_by_hour)]
        for entry in other._soonest:
            self._keep(entry)
        for entry in other._overdue:
            self._keep_overdue(entry)

    def __eq__(self, other) -> bool:
        return isinstance(other, Tally) and (
            self.as_of, self.by_status, self.due_by_hour, self.soonest(), self.overdue()) == (
            other.as_of, other.by_status, other.due_by_hour, other.soonest(), other.overdue())

    def overdue(self) -> list[dict]:
        """The longest overdue orders kept, longest first: order id, deadline (ISO), hours late, and
        the money (2-decimal strings): owed, owed if claimed, subsidy lost."""
        return [{"order_id": order_id, "deadline": deadline, "late_by_hours": late, "owed": owed,
                 "if_claimed": if_claimed, "lost": lost}
                for late, order_id, deadline, owed, if_claimed, lost in sorted(self._overdue, reverse=True)]

    def soonest(self) -> list[dict]:
        """The orders due soonest, earliest first: order id, deadline (ISO), status."""
        return [{"order_id": key.order_id, "deadline": deadline, "status": status}
                for key, deadline, status in sorted(self._soonest, reverse=True)]

    def hour_starts(self) -> list[datetime]:
        """The start of each ``due_by_hour`` bucket."""
        return [self.as_of + k * _HOUR for k in range(HOURS_AHEAD)]


class _Latest:
    """Orders the heap latest first: later deadline, then larger order id, is "smaller"."""

    __slots__ = ("timestamp", "order_id")

    def __init__(self, timestamp: float, order_id: str):
        self.timestamp, self.order_id = timestamp, order_id

    def __lt__(self, other: "_Latest") -> bool:
        return (self.timestamp, self.order_id) > (other.timestamp, other.order_id)

    def __eq__(self, other) -> bool:
        return (self.timestamp, self.order_id) == (other.timestamp, other.order_id)

    def __reduce__(self):
        return _Latest, (self.timestamp, self.order_id)


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
