"""Annotate a table as a spreadsheet or JD export holds it: a header row and one row per SKU line."""
from .annotate import Engine, Summary, error_result
from .collector import collector_paused
from .columns import COLUMNS, EMPTY_ROW, annotation_row, row_status
from .cells import clean_cell
from .headers import LINE_SUMMED, REQUIRED_FIELDS, field_plan, map_header, row_to_raw


class UnmappableHeader(ValueError):
    """The header lacks a column the core needs (the order id)."""

    def __init__(self, missing):
        self.missing = list(missing)
        self.message = f"表头缺少必需的列：{'、'.join(self.missing)}（例如 订单号/订单编号）"
        self.message_en = f"the header lacks required column(s): {', '.join(self.missing)} (e.g. 订单号 / order_id)"
        super().__init__(self.message_en)


def _blank(row) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


class RowAnnotator:
    """Maps the header once, then annotates rows; every SKU line of an order carries its result."""

    def __init__(self, header, *, engine: Engine, as_of, defaults=None, column_map=None, options=None):
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
        self._options = options or {}
        self.columns = COLUMNS
        self._summary = Summary()

    @property
    def summary(self) -> dict:
        return self._summary.to_dict()

    def _order_id(self, row):
        if self._id_index >= len(row):
            return None
        value = clean_cell(row[self._id_index])
        return str(value) if value not in (None, "") else None

    def _annotate_group(self, rows) -> tuple[list, str]:
        raw = row_to_raw(self._plan, rows[0], self._base)
        if len(rows) > 1:
            for index, field in self._summed:
                if field in raw:
                    values = [clean_cell(r[index]) for r in rows if index < len(r)]
                    try:
                        raw[field] = sum(int(str(v)) for v in values if v not in (None, ""))
                    except ValueError:
                        pass
        result = self._engine.annotate_raw(raw, as_of=self._as_of, defaults=self._defaults, **self._options)
        self._summary.add(result)
        return annotation_row(result), row_status(result)

    def _missing_id(self):
        result = error_result(None, [{"field": "order_id", "message": "缺少订单号", "message_en": "order_id is missing"}])
        self._summary.add(result)
        return annotation_row(result), "error"

    def annotate_stream(self, rows):
        """Yield ``(annotation, status)`` per row, in order; adjacent lines of one order form one order."""
        group, group_id = [], None
        for row in rows:
            order_id = self._order_id(row)
            if order_id is None:  # a blank row, or a row without its order id
                if group:
                    yield from self._flush(group)
                    group, group_id = [], None
                yield (list(EMPTY_ROW), "blank") if _blank(row) else self._missing_id()
                continue
            if group and order_id != group_id:
                yield from self._flush(group)
                group = []
            group.append(row)
            group_id = order_id
        if group:
            yield from self._flush(group)

    def _flush(self, group):
        annotation, status = self._annotate_group(group)
        for _ in group:
            yield list(annotation), status

    def annotate_table(self, rows) -> list:
        """``[(annotation, status)]`` per row, in order; lines of one order anywhere in the table group."""
        with collector_paused():
            return self._annotate_table(list(rows))

    def _annotate_table(self, rows) -> list:
        ids = [self._order_id(row) for row in rows]
        by_id = {}
        for index, order_id in enumerate(ids):
            if order_id is not None:
                by_id.setdefault(order_id, []).append(index)
        done = {}
        out = []
        for row, order_id in zip(rows, ids):
            if order_id is None:  # a blank row, or a row without its order id
                out.append((list(EMPTY_ROW), "blank") if _blank(row) else self._missing_id())
                continue
            if order_id not in done:
                done[order_id] = self._annotate_group([rows[i] for i in by_id[order_id]])
            annotation, status = done[order_id]
            out.append((list(annotation), status))
        return out
