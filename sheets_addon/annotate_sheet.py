"""Annotate one worksheet in place: read it once, annotate every row through the rules
core, write only the add-on's own columns (header ``JDPG …``) in one batch update.

Cells are read unformatted, dates as serial numbers: the text Sheets shows for a date
depends on the spreadsheet's locale (``6/16/2022 10:00:00`` in en_US), its serial number does
not. A serial number in a time column becomes the wall-clock time it stands for, which the
core reads as Beijing time, as JD's exports are.

Three Sheets API requests in all, whatever the size: the spreadsheet's metadata (sheet id
and grid size), the sheet's values, and one ``spreadsheets.batchUpdate`` that grows the grid
when needed (``appendDimension``) and writes the values and row colours of our columns
(``updateCells``). Google applies a batchUpdate atomically, so a failed write leaves the
sheet as it was. Values are written as literal strings and numbers, never as formulas.
"""
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import gspread
from gspread.utils import absolute_range_name

from shared import default_engine
from shared.columns import PREFIX
from shared.cells import clean_cell
from shared.headers import clean_header
from shared.rows import RowAnnotator, UnmappableHeader

__all__ = ["STATUS_COLOURS", "SheetAnnotation", "UnmappableHeader", "WorksheetMissing", "annotate_worksheet",
           "own_columns"]

# Row colours by row_status, as the Apps Script add-on paints them.
STATUS_COLOURS = {"late": "#f4c7c3", "at_risk": "#fce8b2", "owed": "#c9daf8", "error": "#e6e6e6"}


class WorksheetMissing(LookupError):
    """The spreadsheet has no worksheet of that title."""

    def __init__(self, title: str, titles: list[str]):
        self.message = f"找不到工作表 {title!r}（现有：{'、'.join(titles)}）"
        self.message_en = f"no worksheet named {title!r} (there are: {', '.join(titles)})"
        super().__init__(self.message_en)


@dataclass
class SheetAnnotation:
    """What one run did."""

    rows: int
    columns_written: list[int]          # 1-based column numbers of our columns
    columns_added: int                  # columns appended to the grid
    status_counts: dict
    summary: dict
    rules_seconds: float
    mapping: dict = field(default_factory=dict)
    unmapped: list = field(default_factory=list)


def own_columns(header: list) -> list[int]:
    """0-based indexes of the columns whose header starts with ``JDPG ``."""
    return [i for i, title in enumerate(header) if str(title).startswith(PREFIX)]


# Day zero of Sheets' date serial numbers.
SERIAL_EPOCH = datetime(1899, 12, 30)


def _is_time_field(path: str) -> bool:
    name = path.rsplit(".", 1)[-1]
    return name.endswith(("_at", "_by")) or name == "activity_end"


def _serial_to_datetime(value):
    """A date serial number as the naive wall-clock time it shows; anything else unchanged."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return SERIAL_EPOCH + timedelta(seconds=round(value * 86400))
    return value


def _rgb(hex_colour: str) -> dict:
    return {name: int(hex_colour[i:i + 2], 16) / 255 for name, i in (("red", 1), ("green", 3), ("blue", 5))}


# Built once and shared by every cell of a status: a 100,000-row sheet has 900,000 cells.
_STATUS_FORMATS = {status: {"backgroundColor": _rgb(colour)} for status, colour in STATUS_COLOURS.items()}
_HEADER_FORMAT = {"textFormat": {"bold": True}}


def _cell(value, fmt=None) -> dict:
    """CellData writing ``value`` as a literal (text is never read as a formula)."""
    cell = {}
    if isinstance(value, bool):
        cell["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, (int, float)):
        cell["userEnteredValue"] = {"numberValue": value}
    elif value not in (None, ""):
        cell["userEnteredValue"] = {"stringValue": str(value)}
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


def _runs(columns: list[int]) -> list[list[int]]:
    """Positions into ``columns`` (ascending) grouped into runs of adjacent columns."""
    runs = []
    for k, col in enumerate(columns):
        if runs and col == columns[runs[-1][-1]] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _grouped_order(rows: list, id_index: int) -> list[int]:
    """Row positions reordered so the lines of one order are adjacent (first appearance
    first, stable), letting the streaming annotator group an order wherever its lines are."""
    first = {}
    keys = []
    for i, row in enumerate(rows):
        value = clean_cell(row[id_index]) if id_index < len(row) else ""
        keys.append(first.setdefault(str(value), i) if value not in (None, "") else i)
    return sorted(range(len(rows)), key=keys.__getitem__)


def annotate_worksheet(client: gspread.Client, spreadsheet_id: str, worksheet: str, *, as_of: datetime,
                       defaults: dict | None = None, column_map: dict | None = None, engine=None,
                       progress=None) -> SheetAnnotation:
    """Annotates ``worksheet`` of ``spreadsheet_id`` in place (header in row 1).

    ``progress``: a callable wrapping an iterable with a total, e.g. ``functools.partial(tqdm, ...)``.
    Raises :class:`UnmappableHeader` (nothing is written) when the header has no order-id column.
    """
    http = client.http_client
    meta = http.fetch_sheet_metadata(spreadsheet_id)
    sheets = [s["properties"] for s in meta.get("sheets", [])]
    props = next((p for p in sheets if p["title"] == worksheet), None)
    if props is None:
        raise WorksheetMissing(worksheet, [p["title"] for p in sheets])
    grid = props.get("gridProperties", {})
    grid_cols = grid.get("columnCount", 0)

    values = http.values_get(spreadsheet_id, absolute_range_name(worksheet),
                             params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                                     "majorDimension": "ROWS"}).get("values", [])
    header = [str(h) for h in values[0]] if values else []
    own = own_columns(header)
    data_cols = [i for i in range(len(header)) if i not in set(own)]
    data_header = [header[i] for i in data_cols]
    annotator = RowAnnotator(data_header, engine=engine or default_engine(), as_of=as_of, defaults=defaults,
                             column_map=column_map)
    rows = [[row[i] if i < len(row) else "" for i in data_cols] for row in values[1:]]
    time_cols = [i for i, h in enumerate(data_header) if _is_time_field(annotator.mapping.get(h.strip(), ""))]
    for row in rows:
        for i in time_cols:
            row[i] = _serial_to_datetime(row[i])

    started = time.perf_counter()
    id_header = next(h for h, f in annotator.mapping.items() if f == "order_id")
    id_index = next(i for i, h in enumerate(data_header) if clean_header(h) == clean_header(id_header))
    order = _grouped_order(rows, id_index)
    stream = annotator.annotate_stream(rows[i] for i in order)
    if progress is not None:
        stream = progress(stream, total=len(rows))
    results = [None] * len(rows)
    for position, outcome in zip(order, list(stream)):
        results[position] = outcome
    rules_seconds = time.perf_counter() - started

    titles = [c.title for c in annotator.columns]
    existing = {str(header[i]): i for i in own}
    width = max((len(r) for r in values), default=0)
    targets = []
    for title in titles:
        if title in existing:
            targets.append(existing[title])
        else:
            targets.append(width)
            width += 1
    requests = []
    added = max(targets) + 1 - grid_cols
    if added > 0:
        requests.append({"appendDimension": {"sheetId": props["sheetId"], "dimension": "COLUMNS", "length": added}})

    placed = sorted(range(len(titles)), key=targets.__getitem__)
    columns = [targets[j] for j in placed]
    for run in _runs(columns):
        keys = [placed[k] for k in run]
        grid_rows = [{"values": [_cell(titles[j], _HEADER_FORMAT) for j in keys]}]
        for annotation, status in results:
            fmt = _STATUS_FORMATS.get(status)
            grid_rows.append({"values": [_cell(annotation[j], fmt) for j in keys]})
        requests.append({"updateCells": {
            "range": {"sheetId": props["sheetId"], "startRowIndex": 0, "endRowIndex": len(grid_rows),
                      "startColumnIndex": columns[run[0]], "endColumnIndex": columns[run[-1]] + 1},
            "rows": grid_rows,
            "fields": "userEnteredValue,userEnteredFormat.backgroundColor,userEnteredFormat.textFormat.bold"}})
    http.batch_update(spreadsheet_id, {"requests": requests})

    counts = {}
    for _, status in results:
        counts[status] = counts.get(status, 0) + 1
    return SheetAnnotation(rows=len(rows), columns_written=sorted(t + 1 for t in targets),
                           columns_added=max(added, 0), status_counts=counts, summary=annotator.summary,
                           rules_seconds=rules_seconds, mapping=annotator.mapping, unmapped=annotator.unmapped)
