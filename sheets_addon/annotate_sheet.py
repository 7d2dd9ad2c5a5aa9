"""Annotate one worksheet in place: read it once, annotate every row through the rules
core, write only the add-on's own columns (header ``JDPG …``).

Cells are read unformatted, dates as serial numbers: the text Sheets shows for a date
depends on the spreadsheet's locale (``6/16/2022 10:00:00`` in en_US), its serial number does
not. A serial number in a time column becomes the wall-clock time it stands for, which the
core reads as Beijing time, as JD's exports are.

Sheets API requests: the spreadsheet's metadata (sheet id, grid sizes), the sheet's values,
then the writes, ``spreadsheets.batchUpdate`` requests of at most ``max_request_bytes`` each
(Google's guidance is 2 MB; it refuses bodies over 10,485,760 bytes), so a sheet of N rows
takes ``2 + ceil(N × row bytes / max_request_bytes)`` requests, about one write per
1,100–3,000 rows. Google applies each batchUpdate atomically, so a failed write leaves the
sheet as the previous whole requests made it.

Every write is idempotent, so a retry after a lost reply (Google wrote, the answer never
came) changes nothing twice: the grid is grown to an absolute column count
(``updateSheetProperties``, never a relative ``appendDimension``), and ``updateCells`` writes
fixed ranges. The first request carries the grid growth and the header row, so a re-run after
an interruption finds our columns and finishes in place. Values are written as literal
strings and numbers, never as formulas.
"""
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import gspread
import orjson
import requests
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL
from gspread.utils import absolute_range_name

from shared import default_engine
from shared.options import DEFAULT, Options
from shared.rows import RowAnnotator, UnmappableHeader
from shared.vocabulary import PREFIX, ROW_COLOURS

from .client import RetryLimitReached

__all__ = ["DEFAULT_WORKSHEET", "GridTooLarge", "MAX_CELLS", "MAX_REQUEST_BYTES", "SheetAnnotation",
           "UnmappableHeader", "WorksheetMissing", "WriteInterrupted", "annotate_worksheet", "own_columns",
           "pick_worksheet"]

DEFAULT_WORKSHEET = "Orders"
MAX_REQUEST_BYTES = 2 * 1024 * 1024     # Google's guidance: "a 2 MB maximum payload"
MAX_CELLS = 10_000_000                  # Google's limit for all the sheets of a spreadsheet
_FIELDS = ("userEnteredValue,userEnteredFormat.backgroundColor,userEnteredFormat.textFormat.foregroundColor,"
           "userEnteredFormat.textFormat.bold")
# Bytes of one updateCells envelope around its rows (range, fields, keys), rounded up.
_ENVELOPE_BYTES = 400


class WorksheetMissing(LookupError):
    """The spreadsheet has no worksheet of that title."""

    def __init__(self, title: str, titles: list[str]):
        self.message = f"找不到工作表 {title!r}（现有：{'、'.join(titles)}），请用 --worksheet 指定其中之一"
        self.message_en = f"no worksheet named {title!r} (there are: {', '.join(titles)}); name one with --worksheet"
        super().__init__(self.message_en)


class GridTooLarge(ValueError):
    """Adding our columns would pass Google's cell limit for a spreadsheet."""

    def __init__(self, cells: int, added: int):
        self.cells, self.added = cells, added
        self.message = (f"添加 {added} 列后表格将有 {cells:,} 个单元格，超过 Google 的上限 {MAX_CELLS:,}；"
                        f"请删除不用的空行、空列或工作表后再运行（未写入任何内容）")
        self.message_en = (f"adding {added} columns would make the spreadsheet {cells:,} cells, over Google's limit "
                           f"of {MAX_CELLS:,}; delete unused empty rows, columns or sheets and run again "
                           f"(nothing was written)")
        super().__init__(self.message_en)


class WriteInterrupted(Exception):
    """A write request failed; the ``done`` requests before it were applied whole."""

    def __init__(self, cause: Exception, done: int, total: int, rows_done: int):
        self.cause, self.done, self.total, self.rows_done = cause, done, total, rows_done
        super().__init__(f"{done} of {total} write requests applied ({rows_done} rows): {cause}")


@dataclass
class SheetAnnotation:
    """What one run did."""

    rows: int
    columns_written: list[int]          # 1-based column numbers of our columns
    columns_added: int                  # columns added to the grid
    status_counts: dict
    summary: dict
    rules_seconds: float
    worksheet: str = ""
    write_requests: int = 0
    write_bytes: list = field(default_factory=list)     # body size of each write request
    mapping: dict = field(default_factory=dict)
    unmapped: list = field(default_factory=list)


def own_columns(header: list) -> list[int]:
    """0-based indexes of the columns whose header starts with ``JDPG ``."""
    return [i for i, title in enumerate(header) if str(title).startswith(PREFIX)]


def pick_worksheet(sheets: list[dict], title: str | None) -> dict:
    """The properties of worksheet ``title``; with no title, ``Orders`` if there is one, else the first."""
    grids = [p for p in sheets if p.get("sheetType", "GRID") == "GRID"]
    wanted = title if title is not None else DEFAULT_WORKSHEET
    props = next((p for p in grids if p["title"] == wanted), None)
    if props is None and title is None and grids:
        props = grids[0]
    if props is None:
        raise WorksheetMissing(wanted, [p["title"] for p in grids])
    return props


# Day zero of Sheets' date serial numbers.
SERIAL_EPOCH = datetime(1899, 12, 30)
# The serial numbers that are dates Python can hold (years 1 to 9999). A number outside them in a
# time column (an order number pasted there, 1e10, -1e6) is no date: it goes to the core as the
# number it is, and that row's errors column says its time is not a time.
SERIAL_RANGE = ((datetime.min - SERIAL_EPOCH).days, (datetime.max - SERIAL_EPOCH).days)


def _is_time_field(path: str) -> bool:
    name = path.rsplit(".", 1)[-1]
    return name.endswith(("_at", "_by")) or name == "activity_end"


def _serial_to_datetime(value):
    """A date serial number as the naive wall-clock time it shows; anything else (a number outside
    ``SERIAL_RANGE`` too) unchanged."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and SERIAL_RANGE[0] <= value < SERIAL_RANGE[1]:
        return SERIAL_EPOCH + timedelta(seconds=round(value * 86400))
    return value


def _rgb(hex_colour: str) -> dict:
    return {name: int(hex_colour[i:i + 2], 16) / 255 for name, i in (("red", 1), ("green", 3), ("blue", 5))}


# Row colours (background, text) of the shared palette, built once and shared by every cell of
# a status: a 100,000-row sheet has 900,000 cells.
_STATUS_FORMATS = {status: {"backgroundColor": _rgb(background), "textFormat": {"foregroundColor": _rgb(font)}}
                   for status, (background, font) in ROW_COLOURS.items()}
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


def _write_requests(sheet_id: int, blocks: list, grow: dict | None, max_bytes: int) -> list[tuple[bytes, int]]:
    """The batchUpdate bodies writing ``blocks`` (``(first column, end column, [row JSON…])``,
    grid row 0 = the header), each at most ``max_bytes`` (a single row larger than that goes
    alone), as ``(body, grid rows up to which it writes)``."""
    n_rows = len(blocks[0][2])
    grow_json = orjson.dumps(grow) + b"," if grow else b""
    fixed = len(b'{"requests":[]}') + _ENVELOPE_BYTES * len(blocks)
    costs = [sum(len(block[2][r]) + 1 for block in blocks) for r in range(n_rows)]
    bodies, start = [], 0
    while start < n_rows:
        budget = max_bytes - fixed - (len(grow_json) if not bodies else 0)
        end, used = start + 1, costs[start]
        while end < n_rows and used + costs[end] <= budget:
            used += costs[end]
            end += 1
        parts = []
        for c0, c1, rows in blocks:
            grid_range = orjson.dumps({"sheetId": sheet_id, "startRowIndex": start, "endRowIndex": end,
                                       "startColumnIndex": c0, "endColumnIndex": c1})
            parts.append(b'{"updateCells":{"range":' + grid_range + b',"fields":"' + _FIELDS.encode()
                         + b'","rows":[' + b",".join(rows[start:end]) + b"]}}")
        bodies.append((b'{"requests":[' + (grow_json if not bodies else b"") + b",".join(parts) + b"]}", end))
        start = end
    return bodies


def annotate_worksheet(client: gspread.Client, spreadsheet_id: str, worksheet: str | None = None, *,
                       as_of: datetime, defaults: dict | None = None, column_map: dict | None = None,
                       options: Options = DEFAULT, engine=None, progress=None, report=None,
                       max_request_bytes: int | None = None) -> SheetAnnotation:
    """Annotates ``worksheet`` of ``spreadsheet_id`` in place (header in row 1); with no
    ``worksheet``, ``Orders`` if there is one, else the first worksheet.

    ``progress``: a callable wrapping an iterable with a total, e.g. ``functools.partial(tqdm, ...)``;
    ``report``: a callable taking one line (the worksheet chosen, each write of several);
    ``max_request_bytes``: the most bytes of one write request (default :data:`MAX_REQUEST_BYTES`).
    Raises :class:`UnmappableHeader` or :class:`GridTooLarge` (nothing is written), and
    :class:`WriteInterrupted` when a write fails after ``done`` whole requests were applied.
    """
    http = client.http_client
    meta = http.fetch_sheet_metadata(spreadsheet_id)
    sheets = [s["properties"] for s in meta.get("sheets", [])]
    props = pick_worksheet(sheets, worksheet)
    title = props["title"]
    if worksheet is None and report:
        report(f"工作表 worksheet {title!r}" + ("" if title == DEFAULT_WORKSHEET else
                                                f"（没有 {DEFAULT_WORKSHEET!r}，用第一个 / no {DEFAULT_WORKSHEET!r}, "
                                                f"using the first）"))
    grid = props.get("gridProperties", {})
    grid_rows, grid_cols = grid.get("rowCount", 0), grid.get("columnCount", 0)

    values = http.values_get(spreadsheet_id, absolute_range_name(title),
                             params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                                     "majorDimension": "ROWS"}).get("values", [])
    header = [str(h) for h in values[0]] if values else []
    own = own_columns(header)
    data_cols = [i for i in range(len(header)) if i not in set(own)]
    data_header = [header[i] for i in data_cols]
    annotator = RowAnnotator(data_header, engine=engine or default_engine(), as_of=as_of, defaults=defaults,
                             column_map=column_map, options=options)
    rows = [[row[i] if i < len(row) else "" for i in data_cols] for row in values[1:]]
    time_cols = [i for i, h in enumerate(data_header) if _is_time_field(annotator.mapping.get(h.strip(), ""))]
    for row in rows:
        for i in time_cols:
            row[i] = _serial_to_datetime(row[i])

    titles = [c.title for c in annotator.columns]
    existing = {str(header[i]): i for i in own}
    width = max((len(r) for r in values), default=0)
    targets = []
    for column_title in titles:
        if column_title in existing:
            targets.append(existing[column_title])
        else:
            targets.append(width)
            width += 1
    needed_cols = max(targets) + 1
    grow = None
    if needed_cols > grid_cols:
        cells = sum(p.get("gridProperties", {}).get("rowCount", 0) * p.get("gridProperties", {}).get("columnCount", 0)
                    for p in sheets if p["sheetId"] != props["sheetId"]) + grid_rows * needed_cols
        if cells > MAX_CELLS:
            raise GridTooLarge(cells, needed_cols - grid_cols)
        grow = {"updateSheetProperties": {"properties": {"sheetId": props["sheetId"],
                                                         "gridProperties": {"columnCount": needed_cols}},
                                          "fields": "gridProperties.columnCount"}}

    started = time.perf_counter()
    stream = annotator.annotate_stream(rows)  # the core's grouping rule: rows stay where they are
    if progress is not None:
        stream = progress(stream, total=len(rows))
    results = list(stream)
    rules_seconds = time.perf_counter() - started

    placed = sorted(range(len(titles)), key=targets.__getitem__)
    columns = [targets[j] for j in placed]
    blocks = []
    for run in _runs(columns):
        keys = [placed[k] for k in run]
        grid_rows_json = [orjson.dumps({"values": [_cell(titles[j], _HEADER_FORMAT) for j in keys]})]
        for annotation, status in results:
            fmt = _STATUS_FORMATS.get(status)
            grid_rows_json.append(orjson.dumps({"values": [_cell(annotation[j], fmt) for j in keys]}))
        blocks.append((columns[run[0]], columns[run[-1]] + 1, grid_rows_json))
    bodies = _write_requests(props["sheetId"], blocks, grow, max_request_bytes or MAX_REQUEST_BYTES)
    written = 0
    for done, (body, end) in enumerate(bodies):
        try:
            http.request("post", SPREADSHEET_BATCH_UPDATE_URL % spreadsheet_id, data=body,
                         headers={"Content-Type": "application/json; charset=utf-8"})
        except (gspread.exceptions.APIError, RetryLimitReached, requests.RequestException) as exc:
            raise WriteInterrupted(exc, done, len(bodies), max(written - 1, 0)) from exc
        written = end
        if report and len(bodies) > 1:
            report(f"已写入 written {done + 1}/{len(bodies)}（{end - 1} 行 rows）")

    counts = {}
    for _, status in results:
        counts[status] = counts.get(status, 0) + 1
    return SheetAnnotation(rows=len(rows), columns_written=sorted(t + 1 for t in targets),
                           columns_added=max(needed_cols - grid_cols, 0), status_counts=counts,
                           summary=annotator.summary, rules_seconds=rules_seconds, worksheet=title,
                           write_requests=len(bodies), write_bytes=[len(b) for b, _ in bodies],
                           mapping=annotator.mapping, unmapped=annotator.unmapped)
