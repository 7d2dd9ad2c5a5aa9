"""Annotate a table as a spreadsheet or JD export holds it: a header row and one row per SKU line."""
from dataclasses import replace

from .annotate import Engine, Summary, error_result
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


def _blank(row) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


class RowAnnotator:
    """Maps the header once, then annotates rows; every SKU line of an order carries its result."""

    def __init__(self, header, *, engine: Engine, as_of, defaults=None, column_map=None,
                 options: Options = DEFAULT, map_hint: str = MAP_HINT):
        """``map_hint``: how the client tells the merchant to name a column (coverage's suggestions)."""
        columns, self.unmapped = map_header(header, column_map)
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
        mapped = set(columns.values())
        self._base = {k: v for k, v in (defaults or {}).items() if k not in mapped}
        self._defaults = {k: v for k, v in (defaults or {}).items() if k in mapped}
        # Rows hold sentences (their explanation column), whatever the detail asked.
        self._options = options if options.detail == "full" else replace(options, detail="full")
        self.columns = COLUMNS
        self._summary = Summary(run=self._options.families or FAMILIES)
        self._header = HeaderInfo(columns={f: clean_header(header[i]) for i, f in columns.items()},
                                  unmapped=tuple(self.unmapped), given=frozenset(self._base), map_hint=map_hint)
        self._seen = set()

    @property
    def summary(self) -> dict:
        return self._summary.to_dict(self._header)

    def _order_id(self, row):
        if self._id_index >= len(row):
            return None
        value = clean_cell(row[self._id_index])
        return str(value) if value not in (None, "") else None

    def _annotate_group(self, rows, apart: bool = False) -> tuple[list, str]:
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
        self._summary.add(result)
        return annotation_row(result), row_status(result)

    def _missing_id(self):
        result = error_result(None, [{"field": "order_id", "message": "缺少订单号", "message_en": "order_id is missing"}])
        self._summary.add(result)
        return annotation_row(result), "error"

    def annotate_stream(self, rows):
        """Yield ``(annotation, status)`` per row, in order.

        One rule for every client: an order is a run of adjacent rows with the same order id, as
        JD's exports and the seller backend write an order's SKU lines. An id that comes back after
        other orders is annotated from its own run, and its errors column says the lines are apart."""
        group, group_id = [], None
        for row in rows:
            order_id = self._order_id(row)
            if order_id is None:  # a blank row, or a row without its order id
                if group:
                    yield from self._flush(group, group_id)
                    group, group_id = [], None
                yield (list(EMPTY_ROW), "blank") if _blank(row) else self._missing_id()
                continue
            if group and order_id != group_id:
                yield from self._flush(group, group_id)
                group = []
            group.append(row)
            group_id = order_id
        if group:
            yield from self._flush(group, group_id)

    def _flush(self, group, order_id):
        annotation, status = self._annotate_group(group, apart=order_id in self._seen)
        self._seen.add(order_id)
        for _ in group:
            yield list(annotation), status

    def annotate_table(self, rows) -> list:
        """``[(annotation, status)]`` per row, in order, by the same rule as ``annotate_stream``."""
        return list(self.annotate_stream(rows))
