"""Annotate a table as a spreadsheet or JD export holds it: a header row and one row per SKU line."""
from array import array
from dataclasses import replace
from typing import NamedTuple

from .annotate import Summary, error_result
from .coverage import MAP_HINT, HeaderInfo
from .model import FAMILIES
from .columns import COLUMNS, EMPTY_ROW, annotation_row, row_status
from .cells import clean_cell
from .headers import LINE_SUMMED, REQUIRED_FIELDS, clean_header, field_plan, map_header, row_to_raw
from .options import DEFAULT, Options


class UnmappableHeader(ValueError):
    """The header lacks a column the core needs (the order id)."""

    def __init__(self, missing):
        self.missing = list(missing)
        self.message = f"表头缺少必需的列：{'、'.join(self.missing)}（例如 订单号/订单编号）"
        self.message_en = f"the header lacks required column(s): {', '.join(self.missing)} (e.g. 订单号 / order_id)"
        super().__init__(self.message_en)


LINES_APART = {"field": "order_id", "message": "该订单的商品行不相邻：仅按这几行标注，请按订单号排序后重试",
               "message_en": "this order's lines are not together: annotated from these lines only; sort by order id"}
# The most lines one order's run holds, far above any JD order's SKU lines. An order's lines wait
# in memory until the order ends, so a longer run of one id (a column of one repeated value) would
# make memory follow the file: it is cut into runs of this many lines, each annotated on its own
# and saying so.
MAX_ORDER_LINES = 5_000
ORDER_CUT = {"field": "order_id",
             "message": f"该订单超过 {MAX_ORDER_LINES:,} 行：每 {MAX_ORDER_LINES:,} 行分别标注，金额与数量只计这几行",
             "message_en": f"this order has over {MAX_ORDER_LINES:,} lines: annotated {MAX_ORDER_LINES:,} lines at a "
                           "time, amounts and quantities from these lines only"}


class OrderRun(NamedTuple):
    """One order's adjacent rows (or one blank row, or one row without an order id), and what the
    core made of them: each of its ``rows`` carries ``annotation`` and ``status``."""

    rows: int
    annotation: list
    status: str
    # The order's result; None for a blank row and for a row without an order id.
    result: dict | None


_BLANK_RUN = OrderRun(1, EMPTY_ROW, "blank", None)


def fingerprint(key: str) -> int:
    """An order id's 64-bit fingerprint for ``SeenIds``: the process's own string hash, never 0
    (0 marks an empty slot)."""
    return hash(key) & 0xFFFFFFFFFFFFFFFF or 1


class SeenIds:
    """The order ids met so far, for the lines-apart note, in 8 to 16 bytes each: a table of 64-bit
    fingerprints (``fingerprint``) with open addressing, instead of a set holding every id's text
    (~120 bytes each: a million-order export's memory followed its rows). Two ids share a
    fingerprint with a chance of about n² / 2⁶⁵ (3 in 100 million for a million orders), and only a
    false "lines apart" note could come of it, never a lost one. The table doubles as it fills; the
    export command bounds it (``server/export_files/seen_ids.py`` spills it to a temporary file)."""

    __slots__ = ("_slots", "_mask", "_count")

    def __init__(self, capacity: int = 1 << 12):
        self._slots = array("Q", [0]) * capacity
        self._mask = capacity - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def slots(self) -> array:
        """The table: a fingerprint's probe starts at ``mark & (len(slots) - 1)`` and goes up (wrapping)
        to the first empty slot (0); it is never more than half full."""
        return self._slots

    def add(self, key: str) -> bool:
        """Remember ``key``; True when it was met before."""
        return self.add_mark(fingerprint(key))

    def add_mark(self, mark: int) -> bool:
        """Remember a fingerprint (``fingerprint``); True when it was met before."""
        slots, mask = self._slots, self._mask
        index = mark & mask
        while (found := slots[index]) != mark:
            if not found:
                slots[index] = mark
                self._count += 1
                if self._count * 2 > mask:
                    self._grow()
                return False
            index = (index + 1) & mask
        return True

    def clear(self) -> None:
        """Forget every fingerprint, keeping the table's size (and its memory: zeroed in place)."""
        view = memoryview(self._slots).cast("B")
        zeros = bytes(min(len(view), 1 << 12))
        for start in range(0, len(view), len(zeros)):
            end = min(start + len(zeros), len(view))
            view[start:end] = zeros[:end - start]
        self._count = 0

    def _grow(self) -> None:
        size = 2 * (self._mask + 1)
        slots, mask = array("Q", [0]) * size, size - 1
        for mark in self._slots:
            if mark:
                index = mark & mask
                while slots[index]:
                    index = (index + 1) & mask
                slots[index] = mark
        self._slots, self._mask = slots, mask


def order_key(cell) -> str | None:
    """An order-id cell as orders are told apart: cleaned (``="…"``, a leading tab), as text;
    None when there is no id."""
    value = clean_cell(cell)
    return str(value) if value not in (None, "") else None


def _blank(row) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


class RowAnnotator:
    """Maps the header once, then annotates rows; every SKU line of an order carries its result."""

    def __init__(self, header, *, engine, as_of, defaults=None, column_map=None,
                 options: Options = DEFAULT, map_hint: str = MAP_HINT, mapped=None, earlier_ids=(),
                 seen_ids=None):
        """``map_hint``: how the client tells the merchant to name a column (coverage's suggestions);
        ``mapped``: ``map_header(header, column_map)`` when the caller has it already (the export
        command maps a file's header once, for every part of it); ``earlier_ids``: the order-id
        cells of the table's rows above those annotated here (a table sent in parts): an order
        whose id is among them is annotated apart, with the note; ``seen_ids``: where the ids met are
        remembered for that note (an object with ``SeenIds.add``; a new ``SeenIds`` when None)."""
        columns, self.unmapped = mapped or map_header(header, column_map)
        missing = [f for f in REQUIRED_FIELDS if f not in columns.values()]
        if missing:
            raise UnmappableHeader(missing)
        self._plan = field_plan(columns)
        self.mapping = {str(header[i]).strip(): f for i, f in columns.items()}
        self._id_index = next(i for i, f in columns.items() if f == "order_id")
        self._summed = [(i, f) for i, f in columns.items() if f in LINE_SUMMED]
        self._engine = engine
        self._as_of = as_of
        # Defaults for fields no column holds go straight into each order; the others fill empty cells.
        held = set(columns.values())
        self._base = {k: v for k, v in (defaults or {}).items() if k not in held}
        self._defaults = {k: v for k, v in (defaults or {}).items() if k in held}
        # Rows hold sentences (their explanation column), whatever the detail asked.
        self._options = options if options.detail == "full" else replace(options, detail="full")
        self.columns = COLUMNS
        self._summary = Summary(run=self._options.families or FAMILIES)
        self._header = HeaderInfo(columns={f: clean_header(header[i]) for i, f in columns.items()},
                                  unmapped=tuple(self.unmapped), given=frozenset(self._base), map_hint=map_hint)
        self._seen = SeenIds() if seen_ids is None else seen_ids
        for key in map(order_key, earlier_ids):
            if key is not None:
                self._seen.add(key)

    @property
    def summary(self) -> dict:
        return self._summary.to_dict(self._header)

    def _order_id(self, row):
        return order_key(row[self._id_index]) if self._id_index < len(row) else None

    def _annotate_group(self, rows, apart: bool = False, cut: bool = False) -> OrderRun:
        raw = row_to_raw(self._plan, rows[0], self._base)
        if len(rows) > 1:
            for index, field in self._summed:
                if field in raw:
                    values = [clean_cell(r[index]) for r in rows if index < len(r)]
                    try:
                        raw[field] = sum(int(str(v)) for v in values if v not in (None, ""))
                    except ValueError:
                        pass
        result = self._engine.annotate_raw(raw, as_of=self._as_of, defaults=self._defaults,
                                             options=self._options)
        if apart:
            result["errors"].append(LINES_APART)
        if cut:
            result["errors"].append(ORDER_CUT)
        self._summary.add(result)
        return OrderRun(len(rows), annotation_row(result, self._header), row_status(result), result)

    def _missing_id(self) -> OrderRun:
        result = error_result(None, [{"field": "order_id", "message": "缺少订单号", "message_en": "order_id is missing"}])
        self._summary.add(result)
        return OrderRun(1, annotation_row(result, self._header), "error", None)

    def runs(self, rows):
        """Yield an ``OrderRun`` per order, in order: where each order begins is where its run does.

        One rule for every client: an order is a run of adjacent rows with the same order id, as
        JD's exports and the seller backend write an order's SKU lines. An id that comes back after
        other orders is annotated from its own run, and its errors column says the lines are apart.
        A blank row, or a row without its order id, is a run of its own. An order of more than
        ``MAX_ORDER_LINES`` lines is cut into runs of that many, each saying so."""
        # ``cut``: the order is longer than one run; ``first``: this run is its first.
        group, group_id, cut, first = [], None, False, True
        for row in rows:
            order_id = self._order_id(row)
            if order_id is None:
                if group:
                    yield self._flush(group, group_id, cut, first)
                    group, group_id, cut, first = [], None, False, True
                yield _BLANK_RUN if _blank(row) else self._missing_id()
                continue
            if group:
                if order_id != group_id:
                    yield self._flush(group, group_id, cut, first)
                    group, cut, first = [], False, True
                elif len(group) == MAX_ORDER_LINES:
                    yield self._flush(group, group_id, True, first)
                    group, cut, first = [], True, False
            group.append(row)
            group_id = order_id
        if group:
            yield self._flush(group, group_id, cut, first)

    def last_order_begins(self, rows) -> int | None:
        """The index in ``rows`` of the last order's first line (None: no row has an order id):
        a client sending a table in parts sends the next part from there, so no order is cut."""
        index = len(rows) - 1
        while index >= 0 and self._order_id(rows[index]) is None:
            index -= 1
        if index < 0:
            return None
        key = self._order_id(rows[index])
        while index > 0 and self._order_id(rows[index - 1]) == key:
            index -= 1
        return index

    def _flush(self, group, order_id, cut: bool = False, first: bool = True) -> OrderRun:
        # The runs after a cut order's first come back by design, not apart.
        met = self._seen.add(order_id)
        return self._annotate_group(group, apart=met and first, cut=cut)

    def annotate_stream(self, rows):
        """Yield ``(annotation, status)`` per row, in order (the rows of ``runs``)."""
        for run in self.runs(rows):
            for _ in range(run.rows):
                yield list(run.annotation), run.status

    def annotate_table(self, rows) -> list:
        """``[(annotation, status)]`` per row, in order, by the same rule as ``annotate_stream``."""
        return list(self.annotate_stream(rows))
