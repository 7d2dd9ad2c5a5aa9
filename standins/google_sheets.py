"""A small, strict stand-in for the Google Sheets API v4 and Google's OAuth token endpoint,
served over real HTTP on a loopback port.

It is our reading of the v4 API (the public reference and the responses recorded from the
real service in gspread's test cassettes), not Google's service. It keeps what the add-on
relies on and what Google enforces:

- the request payload limit (10,485,760 bytes) and the 10,000,000-cell limit of a workbook,
  with Google's error texts;
- Google's error bodies (``{"error": {"code", "message", "status", ["details"]}}``); 400,
  403, 404, 429, 500 and 503 can be injected by a test (:meth:`FakeSheets.inject`), before or
  after the request is applied (a reply lost after Google wrote);
- sharing: a spreadsheet added with ``shared_with`` answers 403 to other service accounts,
  and to readers on a write;
- typed cells: seeded text is stored as Sheets stores what a merchant types or imports
  ("convert text to numbers, dates and formulas"): numbers, date serials with a date format,
  booleans, evaluated ``="…"`` and ``HYPERLINK`` formulas; ``UNFORMATTED_VALUE`` reads return
  them typed, ``FORMATTED_VALUE`` as shown;
- the ``range`` echo in Google's form (``Orders!A1:Z1000``, ``'Sheet 1'!A1:C3``), bounded by the grid;
- batchUpdate applied atomically, with the request kinds listed in ``_KINDS``;
  ``includeGridData``.

Anything else fails loudly (400/404 "not implemented by the stand-in"), so the code under test
cannot lean on behaviour nobody checked.
"""
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import unquote

import google.auth.jwt
from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
MAX_PAYLOAD_BYTES = 10_485_760
MAX_CELLS = 10_000_000
SERIAL_EPOCH = datetime(1899, 12, 30)

# Google's answers, as the public docs and recorded responses show them.
CANNED_ERRORS = {
    400: {"code": 400, "message": "Request contains an invalid argument.", "status": "INVALID_ARGUMENT"},
    403: {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"},
    404: {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"},
    429: {"code": 429, "message": "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per "
                                  "minute per user' of service 'sheets.googleapis.com' for consumer "
                                  "'project_number:1234567890'.",
          "status": "RESOURCE_EXHAUSTED",
          "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                       "domain": "googleapis.com",
                       "metadata": {"quota_location": "global", "quota_metric": "sheets.googleapis.com/write_requests",
                                    "quota_limit_value": "60", "consumer": "projects/1234567890",
                                    "service": "sheets.googleapis.com",
                                    "quota_limit": "WriteRequestsPerMinutePerUser"}},
                      {"@type": "type.googleapis.com/google.rpc.Help",
                       "links": [{"description": "Request a higher quota limit.",
                                  "url": "https://cloud.google.com/docs/quota#requesting_higher_quota"}]}]},
    500: {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"},
    503: {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"},
}


class ApiError(Exception):
    def __init__(self, code: int, status: str, message: str, details=None):
        super().__init__(message)
        self.code, self.status, self.message, self.details = code, status, message, details

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def _bad(message: str) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message)


def _canned(status: int) -> ApiError:
    error = CANNED_ERRORS[status]
    return ApiError(status, error["status"], error["message"], error.get("details"))


@dataclass
class Fault:
    """An injected error: after ``skip`` matching requests pass, the next ``times`` get Google's
    ``status`` body, after being applied when ``after_apply`` (the reply is lost, the write is not)."""

    status: int
    method: str | None = None
    path_contains: str | None = None
    times: int = 1
    after_apply: bool = False
    retry_after: int | None = None
    skip: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.times > 0 and (self.method is None or self.method == method)
                and (self.path_contains is None or self.path_contains in path))

    def fires(self) -> bool:
        """Counts one matching request; true when it gets the error."""
        if self.skip:
            self.skip -= 1
            return False
        self.times -= 1
        return True


# --- cells as Sheets stores them ---------------------------------------------------------
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATE_TIME = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_TEXT_FORMULA = re.compile(r'=\s*"((?:[^"]|"")*)"')
_HYPERLINK = re.compile(r'=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:,\s*"((?:[^"]|"")*)"\s*)?\)', re.IGNORECASE)
DATE_TIME_PATTERN = "yyyy-mm-dd hh:mm:ss"
DATE_PATTERN = "yyyy-mm-dd"
_STRFTIME = {DATE_TIME_PATTERN: "%Y-%m-%d %H:%M:%S", DATE_PATTERN: "%Y-%m-%d"}


def evaluate_formula(formula: str):
    """The value of the few formulas the stand-in knows; others are refused loudly."""
    m = _TEXT_FORMULA.fullmatch(formula)
    if m:
        return m.group(1).replace('""', '"')
    m = _HYPERLINK.fullmatch(formula)
    if m:
        return (m.group(2) if m.group(2) is not None else m.group(1)).replace('""', '"')
    raise _bad(f"formula not implemented by the stand-in: {formula[:60]!r}")


def to_serial(moment: datetime) -> float:
    return (moment - SERIAL_EPOCH) / timedelta(days=1)


def parse_entered(value):
    """``(value, formula, number format)`` stored for ``value`` typed into a cell
    (USER_ENTERED, or an import converting text to numbers, dates and formulas)."""
    if not isinstance(value, str):
        if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
            return int(value), None, None     # Sheets answers 2, not 2.0
        return value, None, None
    text = value.strip()
    if text.startswith("=") and len(text) > 1:
        return evaluate_formula(text), text, None
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE", None, None
    if _NUMBER.fullmatch(text):
        if "." in text or len(text.lstrip("-")) > 15:   # a double, as Sheets keeps numbers
            number = float(text)
            return (int(number) if number.is_integer() and abs(number) < 2 ** 53 else number), None, None
        return int(text), None, None
    m = _DATE_TIME.fullmatch(text)
    if m:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        try:
            moment = datetime(y, mo, d, h, mi, s)
        except ValueError:
            return value, None, None
        return to_serial(moment), None, DATE_TIME_PATTERN if m.group(4) else DATE_PATTERN
    return value, None, None


def user_entered(value):
    """What typing ``value`` into a cell stores (the value only)."""
    return parse_entered(value)[0]


def formatted(value, pattern: str | None = None):
    """FORMATTED_VALUE text of a stored value (automatic number format, or its date pattern)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if pattern and isinstance(value, (int, float)):
        return (SERIAL_EPOCH + timedelta(seconds=round(value * 86400))).strftime(_STRFTIME[pattern])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def col_letters(n: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def quoted_title(title: str) -> str:
    """A sheet name as Google writes it in A1 ranges: bare when a plain ASCII name that is not
    also a cell reference (``Sheet1``, ``Orders``), else quoted (``'D3'``, ``'Sheet 1'``,
    ``'工作表1'``; non-ASCII quoting is our reading)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class Sheet:
    sheet_id: int
    title: str
    row_count: int
    column_count: int
    values: list = field(default_factory=list)       # rows of typed values (str, int, float, bool); "" = empty
    formats: dict = field(default_factory=dict)      # (row, col) 0-based -> userEnteredFormat (nested dict)
    number_formats: dict = field(default_factory=dict)   # (row, col) -> date pattern
    formulas: dict = field(default_factory=dict)     # (row, col) -> formula text
    frozen_rows: int = 0
    frozen_columns: int = 0
    basic_filter: dict | None = None
    conditional_formats: list = field(default_factory=list)
    filter_views: list = field(default_factory=list)

    def get(self, r: int, c: int):
        if r < len(self.values) and c < len(self.values[r]):
            return self.values[r][c]
        return ""

    def put(self, r: int, c: int, value) -> None:
        while len(self.values) <= r:
            self.values.append([])
        row = self.values[r]
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        row[c] = value

    def enter(self, r: int, c: int, value) -> None:
        """Stores ``value`` as if typed (numbers, dates, formulas converted)."""
        stored, formula, pattern = parse_entered(value)
        self.put(r, c, stored)
        for table, item in ((self.formulas, formula), (self.number_formats, pattern)):
            if item is None:
                table.pop((r, c), None)
            else:
                table[(r, c)] = item

    def properties(self, index: int) -> dict:
        grid = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_columns:
            grid["frozenColumnCount"] = self.frozen_columns
        return {"sheetId": self.sheet_id, "title": self.title, "index": index, "sheetType": "GRID",
                "gridProperties": grid}

    def a1(self, r0: int, c0: int, r1: int, c1: int) -> str:
        """Google's A1 text of a 0-based, end-exclusive block: ``Orders!A1:C3``, ``Orders!B2``."""
        start = f"{col_letters(c0 + 1)}{r0 + 1}"
        cells = start if (r1 - r0, c1 - c0) == (1, 1) else f"{start}:{col_letters(c1)}{r1}"
        return f"{quoted_title(self.title)}!{cells}"

    def cell_data(self, r: int, c: int) -> dict:
        """CellData of an includeGridData read."""
        value = self.get(r, c)
        cell = {}
        if value != "":
            kind = ("boolValue" if isinstance(value, bool) else "numberValue" if isinstance(value, (int, float))
                    else "stringValue")
            formula = self.formulas.get((r, c))
            cell["userEnteredValue"] = {"formulaValue": formula} if formula else {kind: value}
            cell["effectiveValue"] = {kind: value}
            cell["formattedValue"] = formatted(value, self.number_formats.get((r, c)))
        fmt = dict(self.formats.get((r, c), {}))
        pattern = self.number_formats.get((r, c))
        if pattern:
            fmt["numberFormat"] = {"type": "DATE_TIME" if pattern == DATE_TIME_PATTERN else "DATE",
                                   "pattern": pattern}
        if fmt:
            cell["userEnteredFormat"] = fmt
        return cell


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list = field(default_factory=list)
    shared_with: dict | None = None        # e-mail -> "writer" | "reader"; None: every valid token may write

    def sheet(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise _bad(f"Unable to parse range: {title}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise _bad(f"No grid with id: {sheet_id}")

    def cells(self) -> int:
        return sum(s.row_count * s.column_count for s in self.sheets)


_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


def parse_a1(spreadsheet: Spreadsheet, text: str):
    """``(sheet, r0, c0, r1, c1)``, 0-based, end exclusive, bounded by the grid."""
    text = unquote(text)
    if "!" in text:
        name, _, cells = text.rpartition("!")
    elif text.startswith("'") or not re.fullmatch(r"[A-Za-z]*\d*(:[A-Za-z]*\d*)?", text):
        name, cells = text, ""
    else:
        name, cells = spreadsheet.sheets[0].title, text
    if name.startswith("'") and name.endswith("'"):
        name = name[1:-1].replace("''", "'")
    sheet = spreadsheet.sheet(name)
    if not cells:
        return sheet, 0, 0, sheet.row_count, sheet.column_count
    start, _, end = cells.partition(":")
    end = end or start
    m1, m2 = _CELL.match(start), _CELL.match(end)
    if not m1 or not m2:
        raise _bad(f"Unable to parse range: {text}")
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    c0 = _col_number(m1.group(1)) - 1 if m1.group(1) else 0
    r1 = int(m2.group(2)) if m2.group(2) else sheet.row_count
    c1 = _col_number(m2.group(1)) if m2.group(1) else sheet.column_count
    r0, r1 = min(r0, r1 - 1), max(r0 + 1, r1)
    c0, c1 = min(c0, c1 - 1), max(c0 + 1, c1)
    if r0 >= sheet.row_count or c0 >= sheet.column_count:
        raise _bad(f"Range ({sheet.a1(r0, c0, r1, c1)}) exceeds grid limits. Max rows: {sheet.row_count}, "
                   f"max columns: {sheet.column_count}")
    return sheet, r0, c0, min(r1, sheet.row_count), min(c1, sheet.column_count)


# --- field masks of updateCells / repeatCell ---------------------------------------------
_VALUE_KINDS = ("stringValue", "numberValue", "boolValue", "formulaValue")


def _mask(fields: str) -> list[list[str]]:
    paths = [f.strip() for f in (fields or "").split(",") if f.strip()]
    if not paths:
        raise _bad("fields is required")
    parsed = []
    for path in paths:
        parts = path.split(".")
        if parts[0] == "userEnteredValue" and len(parts) == 1 or parts[0] == "userEnteredFormat":
            parsed.append(parts)
        else:
            raise _bad(f"field mask not implemented by the stand-in: {path!r}")
    return parsed


def _nested_set(target: dict, parts: list[str], source: dict) -> None:
    """Copies ``source``'s value at ``parts`` into ``target`` (removing it when absent)."""
    for part in parts[:-1]:
        source = source.get(part, {}) if isinstance(source, dict) else {}
        target = target.setdefault(part, {})
    if isinstance(source, dict) and parts[-1] in source:
        target[parts[-1]] = source[parts[-1]]
    else:
        target.pop(parts[-1], None)


def _copy(fmt: dict) -> dict:
    return {k: (_copy(v) if isinstance(v, dict) else v) for k, v in fmt.items()}


def _prune(fmt: dict) -> dict:
    return {k: (_prune(v) if isinstance(v, dict) else v) for k, v in fmt.items()
            if not (isinstance(v, dict) and not _prune(v))}


class _Undo:
    """The journal that makes a batchUpdate atomic: every change notes how to take it back."""

    def __init__(self):
        self.steps = []

    def cell(self, sheet: Sheet, r: int, c: int) -> None:
        old = (sheet.get(r, c), sheet.formats.get((r, c)), sheet.number_formats.get((r, c)),
               sheet.formulas.get((r, c)))
        self.steps.append(lambda: _restore_cell(sheet, r, c, old))

    def attr(self, obj, name: str) -> None:
        old = getattr(obj, name)
        old = list(old) if isinstance(old, list) else old
        self.steps.append(lambda: setattr(obj, name, old))

    def rollback(self) -> None:
        for step in reversed(self.steps):
            step()


def _restore_cell(sheet: Sheet, r: int, c: int, old) -> None:
    value, fmt, pattern, formula = old
    if value != "" or r < len(sheet.values):
        sheet.put(r, c, value)
    for table, item in ((sheet.formats, fmt), (sheet.number_formats, pattern), (sheet.formulas, formula)):
        if item is None:
            table.pop((r, c), None)
        else:
            table[(r, c)] = item


class FakeSheets:
    """The stand-in: ``add_spreadsheet``/``add_sheet`` seed data, ``inject`` queues Google
    errors, ``log`` records every request."""

    def __init__(self, public_key_pem: str, *, keep_bodies: bool = True):
        self.public_key_pem = public_key_pem
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.tokens: dict[str, str] = {}            # bearer token -> service-account e-mail
        self.log: list[tuple[str, str]] = []
        self.keep_bodies = keep_bodies
        self.bodies: list = []                    # JSON bodies of the Sheets POST requests, in order
        self.body_sizes: list[int] = []           # their sizes in bytes
        self.faults: list[Fault] = []
        self.busy_seconds = 0.0                   # time spent handling requests (for benchmarks)
        self.lock = threading.Lock()
        self._next_id = 2_000_000
        self.app = self._make_app()
        self._server = None
        self.url = ""

    # --- seeding, faults and inspection -----------------------------------------------
    def add_spreadsheet(self, spreadsheet_id: str, title: str = "Orders book", *,
                        shared_with: dict | None = None) -> Spreadsheet:
        book = Spreadsheet(spreadsheet_id, title, shared_with=shared_with)
        self.spreadsheets[spreadsheet_id] = book
        return book

    def add_sheet(self, spreadsheet_id: str, title: str, rows: list, *, row_count=None, column_count=None,
                  typed: bool = True) -> Sheet:
        """A sheet holding ``rows``; ``typed`` stores text as Sheets' import does (numbers, dates,
        formulas converted), else as given."""
        book = self.spreadsheets[spreadsheet_id]
        width = max((len(r) for r in rows), default=0)
        sheet = Sheet(sheet_id=1000 + len(book.sheets), title=title, row_count=row_count or max(len(rows), 1000),
                      column_count=column_count or max(width, 26))
        if typed:
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    sheet.enter(r, c, value)
        else:
            sheet.values = [list(r) for r in rows]
        book.sheets.append(sheet)
        return sheet

    def inject(self, status: int, *, method: str | None = None, path_contains: str | None = None, times: int = 1,
               after_apply: bool = False, retry_after: int | None = None, skip: int = 0) -> Fault:
        """After ``skip`` of them pass, the next ``times`` Sheets requests matching
        ``method``/``path_contains`` answer Google's ``status`` error (one of :data:`CANNED_ERRORS`)."""
        if status not in CANNED_ERRORS:
            raise ValueError(f"no canned Google error for {status}")
        fault = Fault(status, method, path_contains, times, after_apply, retry_after, skip)
        self.faults.append(fault)
        return fault

    def sheets_requests(self) -> list[tuple[str, str]]:
        """The Sheets API requests (not the token grant or the access-boundary lookup)."""
        return [entry for entry in self.log if entry[1].startswith("/v4/")]

    # --- server -----------------------------------------------------------------------
    def start(self) -> "FakeSheets":
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # --- routes -----------------------------------------------------------------------
    def _make_app(self) -> Flask:
        app = Flask(__name__)

        @app.errorhandler(ApiError)
        def api_error(exc: ApiError):
            return jsonify(exc.body()), exc.code

        @app.before_request
        def record():
            request.environ["fake.started"] = time.perf_counter()
            self.log.append((request.method, request.path))
            if request.method == "POST" and request.path.startswith("/v4/"):
                size = request.content_length or 0
                self.body_sizes.append(size)
                if size > MAX_PAYLOAD_BYTES:
                    request.get_data()          # read it all, as Google does, before answering
                    raise _bad(f"Request payload size exceeds the limit: {MAX_PAYLOAD_BYTES} bytes.")
                if self.keep_bodies:
                    self.bodies.append(request.get_json(silent=True))

        @app.teardown_request
        def timing(exc):
            self.busy_seconds += time.perf_counter() - request.environ.get("fake.started", time.perf_counter())

        @app.post("/token")
        def token():
            if request.form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                return jsonify(error="unsupported_grant_type"), 400
            try:
                claims = google.auth.jwt.decode(request.form.get("assertion", ""), certs=self.public_key_pem,
                                                audience=TOKEN_AUDIENCE)
            except ValueError as exc:
                return jsonify(error="invalid_grant", error_description=str(exc)), 400
            if SHEETS_SCOPE not in claims.get("scope", "").split():
                return jsonify(error="invalid_scope"), 400
            issued = secrets.token_urlsafe(24)
            self.tokens[issued] = claims.get("iss", "")
            return jsonify(access_token=issued, token_type="Bearer", expires_in=3599)

        @app.get("/v1/projects/-/serviceAccounts/<path:email>/allowedLocations")
        def allowed_locations(email):
            return jsonify(locations=[], encodedLocations="0x0")

        @app.route("/v4/spreadsheets/<path:rest>", methods=["GET", "POST", "PUT"])
        def sheets(rest):
            auth = request.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
                raise ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
            raw_path = request.environ.get("RAW_URI", request.full_path).split("?")[0]
            rest = raw_path.split("/v4/spreadsheets/", 1)[1]
            with self.lock:
                fault = next((f for f in self.faults if f.matches(request.method, request.path)), None)
                if fault and not fault.fires():
                    fault = None
                if fault:
                    if not fault.after_apply:
                        return self._fault_response(fault)
                answer = self._dispatch(request.method, rest, self.tokens[auth[7:]])
                if fault:
                    return self._fault_response(fault)
                return jsonify(answer)

        return app

    @staticmethod
    def _fault_response(fault: Fault) -> Response:
        response = jsonify(_canned(fault.status).body())
        response.status_code = fault.status
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response

    def _book(self, spreadsheet_id: str, caller: str, *, write: bool = False) -> Spreadsheet:
        book = self.spreadsheets.get(unquote(spreadsheet_id))
        if book is None:
            raise _canned(404)
        if book.shared_with is not None:
            role = book.shared_with.get(caller)
            if role is None or (write and role != "writer"):
                raise _canned(403)
        return book

    @staticmethod
    def _params(allowed: set) -> None:
        unknown = set(request.args) - allowed
        if unknown:
            raise _bad(f"unsupported query parameter(s) in the stand-in: {', '.join(sorted(unknown))}")

    def _dispatch(self, method: str, rest: str, caller: str):
        m = re.fullmatch(r"([^/:]+)", rest)
        if m and method == "GET":
            self._params({"includeGridData", "ranges"})
            return self._spreadsheet(self._book(m.group(1), caller))
        m = re.fullmatch(r"([^/:]+):batchUpdate", rest)
        if m and method == "POST":
            return self._batch_update(self._book(m.group(1), caller, write=True), request.get_json())
        m = re.fullmatch(r"([^/:]+)/values:batchGet", rest)
        if m and method == "GET":
            self._params({"ranges", "valueRenderOption", "majorDimension", "dateTimeRenderOption"})
            book = self._book(m.group(1), caller)
            return {"spreadsheetId": book.spreadsheet_id,
                    "valueRanges": [self._read(book, r) for r in request.args.getlist("ranges")]}
        m = re.fullmatch(r"([^/:]+)/values:batchUpdate", rest)
        if m and method == "POST":
            book = self._book(m.group(1), caller, write=True)
            body = request.get_json()
            option = body.get("valueInputOption")
            if option not in ("RAW", "USER_ENTERED"):
                raise _bad("valueInputOption is required")
            for d in body.get("data", []):
                self._check_write(book, d["range"], d["values"])
            done = [self._write(book, d["range"], d["values"], option) for d in body.get("data", [])]
            return {"spreadsheetId": book.spreadsheet_id, "totalUpdatedCells": sum(x["updatedCells"] for x in done),
                    "responses": [{"spreadsheetId": book.spreadsheet_id, **x} for x in done]}
        m = re.fullmatch(r"([^/:]+)/values/([^/]+)", rest)
        if m and method == "GET":
            self._params({"valueRenderOption", "majorDimension", "dateTimeRenderOption"})
            return self._read(self._book(m.group(1), caller), m.group(2))
        if m and method == "PUT":
            self._params({"valueInputOption", "includeValuesInResponse", "responseValueRenderOption"})
            option = request.args.get("valueInputOption")
            if option not in ("RAW", "USER_ENTERED"):
                raise _bad("valueInputOption is required")
            book = self._book(m.group(1), caller, write=True)
            body = request.get_json()
            self._check_write(book, m.group(2), body.get("values", []))
            return {"spreadsheetId": book.spreadsheet_id, **self._write(book, m.group(2), body["values"], option)}
        raise ApiError(404, "NOT_FOUND", f"the stand-in has no route for {method} {rest}")

    def _spreadsheet(self, book: Spreadsheet) -> dict:
        include = request.args.get("includeGridData", "false")
        if include not in ("true", "false"):
            raise _bad(f"Invalid value at 'include_grid_data' (TYPE_BOOL), \"{include}\"")
        sheets = []
        wanted = [parse_a1(book, r) for r in request.args.getlist("ranges")]
        for i, s in enumerate(book.sheets):
            if wanted and not any(w[0] is s for w in wanted):
                continue
            out = {"properties": s.properties(i)}
            if s.basic_filter:
                out["basicFilter"] = s.basic_filter
            if s.conditional_formats:
                out["conditionalFormats"] = s.conditional_formats
            if s.filter_views:
                out["filterViews"] = s.filter_views
            if include == "true":
                blocks = [w[1:] for w in wanted if w[0] is s] or [(0, 0, s.row_count, s.column_count)]
                out["data"] = [self._grid_data(s, *block) for block in blocks]
            sheets.append(out)
        return {"spreadsheetId": book.spreadsheet_id,
                "properties": {"title": book.title, "locale": "zh_CN", "autoRecalc": "ON_CHANGE",
                               "timeZone": "Asia/Shanghai"},
                "sheets": sheets,
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"}

    @staticmethod
    def _grid_data(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> dict:
        last_row = min(r1, max(len(sheet.values), max((k[0] + 1 for k in sheet.formats), default=0)))
        row_data = []
        for r in range(r0, last_row):
            cells = [sheet.cell_data(r, c) for c in range(c0, c1)]
            while cells and not cells[-1]:
                cells.pop()
            row_data.append({"values": cells} if cells else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        data = {"rowMetadata": [{"pixelSize": 21} for _ in range(r0, r1)],
                "columnMetadata": [{"pixelSize": 100} for _ in range(c0, c1)]}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        if row_data:
            data["rowData"] = row_data
        return data

    def _read(self, book: Spreadsheet, range_text: str) -> dict:
        render = request.args.get("valueRenderOption", "FORMATTED_VALUE")
        date_render = request.args.get("dateTimeRenderOption", "SERIAL_NUMBER")
        if render not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            raise _bad(f"Invalid value at 'value_render_option', \"{render}\"")
        if date_render not in ("SERIAL_NUMBER", "FORMATTED_STRING"):
            raise _bad(f"Invalid value at 'date_time_render_option', \"{date_render}\"")
        if request.args.get("majorDimension", "ROWS") != "ROWS":
            raise _bad("majorDimension COLUMNS is not implemented by the stand-in")
        sheet, r0, c0, r1, c1 = parse_a1(book, range_text)
        rows = []
        for r in range(r0, min(r1, len(sheet.values))):
            row = []
            for c in range(c0, min(c1, len(sheet.values[r]))):
                value, pattern = sheet.values[r][c], sheet.number_formats.get((r, c))
                if render == "FORMULA" and (r, c) in sheet.formulas:
                    value = sheet.formulas[(r, c)]
                elif render == "FORMATTED_VALUE" or (pattern and date_render == "FORMATTED_STRING"):
                    value = formatted(value, pattern) if value != "" else ""
                elif isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
                    value = int(value)          # JSON numbers as Google writes them: 2, not 2.0
                row.append(value)
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        out = {"range": sheet.a1(r0, c0, r1, c1), "majorDimension": "ROWS"}
        if rows:
            out["values"] = rows
        return out

    def _check_write(self, book: Spreadsheet, range_text: str, values: list) -> None:
        sheet, r0, c0, _, _ = parse_a1(book, range_text)
        height, width = len(values), max((len(r) for r in values), default=0)
        text = unquote(range_text)
        if ":" in text.rpartition("!")[2]:
            _, _, _, r1, c1 = parse_a1(book, range_text)
            if r0 + height > r1 or c0 + width > c1:
                raise _bad(f"Requested writing within range [{text}], but tried writing beyond it.")
        if r0 + height > sheet.row_count or c0 + width > sheet.column_count:
            raise _bad(f"Range ({sheet.a1(r0, c0, r0 + height, c0 + width)}) exceeds grid limits. "
                       f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}")

    def _write(self, book: Spreadsheet, range_text: str, values: list, option: str) -> dict:
        sheet, r0, c0, _, _ = parse_a1(book, range_text)
        cells = 0
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                if option == "USER_ENTERED":
                    sheet.enter(r0 + i, c0 + j, value)
                else:
                    sheet.put(r0 + i, c0 + j, value)
                cells += 1
        width = max((len(r) for r in values), default=1)
        return {"updatedRange": sheet.a1(r0, c0, r0 + max(len(values), 1), c0 + width),
                "updatedRows": len(values), "updatedColumns": width, "updatedCells": cells}

    # --- spreadsheets.batchUpdate: applied in order, rolled back whole on any error ----
    def _batch_update(self, book: Spreadsheet, body: dict) -> dict:
        reqs = (body or {}).get("requests")
        if not isinstance(reqs, list) or not reqs:
            raise _bad("requests must be a non-empty list")
        undo = _Undo()
        replies = []
        try:
            for index, req in enumerate(reqs):
                if not isinstance(req, dict) or len(req) != 1:
                    raise _bad(f"Invalid requests[{index}]: exactly one kind of request is required")
                (kind, spec), = req.items()
                handler = self._KINDS.get(kind)
                if handler is None:
                    raise _bad(f"Invalid requests[{index}]: request kind not implemented by the stand-in: {kind}")
                try:
                    replies.append(handler(self, book, spec, undo))
                    if book.cells() > MAX_CELLS:
                        raise _bad("This action would increase the number of cells in the workbook above the "
                                   f"limit of {MAX_CELLS} cells.")
                except ApiError as exc:
                    raise ApiError(exc.code, exc.status, f"Invalid requests[{index}].{kind}: {exc.message}") from None
        except ApiError:
            undo.rollback()
            raise
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    @staticmethod
    def _grid_range(book: Spreadsheet, grid: dict):
        """A GridRange as ``(sheet, r0, c0, r1, c1)``, checked against the grid."""
        if not isinstance(grid, dict):
            raise _bad("range is required")
        sheet = book.sheet_by_id(grid.get("sheetId", 0))
        r0, r1 = grid.get("startRowIndex", 0), grid.get("endRowIndex", sheet.row_count)
        c0, c1 = grid.get("startColumnIndex", 0), grid.get("endColumnIndex", sheet.column_count)
        if r0 < 0 or c0 < 0 or r0 >= r1 or c0 >= c1:
            raise _bad(f"Invalid range: {grid}")
        if r1 > sheet.row_count:
            raise _bad(f"GridCoordinate.rowIndex[{r1 - 1}] is after last row in grid[{sheet.row_count - 1}]")
        if c1 > sheet.column_count:
            raise _bad(f"GridCoordinate.columnIndex[{c1 - 1}] is after last column in grid[{sheet.column_count - 1}]")
        return sheet, r0, c0, r1, c1

    @staticmethod
    def _set_cell(sheet: Sheet, r: int, c: int, cell: dict, mask: list, undo: _Undo) -> None:
        undo.cell(sheet, r, c)
        format_paths = [parts for parts in mask if parts[0] == "userEnteredFormat"]
        if len(format_paths) < len(mask):
            entered = cell.get("userEnteredValue") or {}
            if len(entered) > 1 or (entered and next(iter(entered)) not in _VALUE_KINDS):
                raise _bad(f"userEnteredValue not implemented by the stand-in: {entered!r}")
            (kind, value), = entered.items() if entered else ((None, ""),)
            sheet.formulas.pop((r, c), None)
            if kind == "formulaValue":
                sheet.formulas[(r, c)] = value
                value = evaluate_formula(value)
            if value != "" or r < len(sheet.values):
                sheet.put(r, c, value)
        old, given = sheet.formats.get((r, c)), cell.get("userEnteredFormat")
        if not format_paths or (old is None and not given):
            return
        holder, source = {"userEnteredFormat": _copy(old) if old else {}}, {"userEnteredFormat": given or {}}
        for parts in format_paths:
            _nested_set(holder, parts, source)
        fmt = _prune(holder.get("userEnteredFormat", {}))
        if fmt:
            sheet.formats[(r, c)] = fmt
        else:
            sheet.formats.pop((r, c), None)

    def _update_cells(self, book, spec, undo):
        if "start" in spec:
            raise _bad("updateCells.start is not implemented by the stand-in")
        sheet, r0, c0, r1, c1 = self._grid_range(book, spec.get("range"))
        mask = _mask(spec.get("fields"))
        rows = spec.get("rows", [])
        if len(rows) > r1 - r0:
            raise _bad(f"Attempting to write row: {r0 + len(rows) - 1}, beyond the last requested row of: {r1 - 1}")
        if any(len(row.get("values", [])) > c1 - c0 for row in rows):
            raise _bad(f"Attempting to write column beyond the last requested column of: {c1 - 1}")
        for r in range(r0, r1):
            cells = rows[r - r0].get("values", []) if r - r0 < len(rows) else []
            for c in range(c0, c1):
                self._set_cell(sheet, r, c, cells[c - c0] if c - c0 < len(cells) else {}, mask, undo)
        return {}

    def _repeat_cell(self, book, spec, undo):
        sheet, r0, c0, r1, c1 = self._grid_range(book, spec.get("range"))
        mask = _mask(spec.get("fields"))
        cell = spec.get("cell") or {}
        for r in range(r0, r1):
            for c in range(c0, c1):
                self._set_cell(sheet, r, c, cell, mask, undo)
        return {}

    def _append_dimension(self, book, spec, undo):
        sheet = book.sheet_by_id(spec.get("sheetId"))
        length = spec.get("length", 0)
        if spec.get("dimension") not in ("ROWS", "COLUMNS") or not isinstance(length, int) or length < 1:
            raise _bad("appendDimension needs dimension ROWS|COLUMNS and length >= 1")
        name = "column_count" if spec["dimension"] == "COLUMNS" else "row_count"
        undo.attr(sheet, name)
        setattr(sheet, name, getattr(sheet, name) + length)
        return {}

    _SHEET_FIELDS = {"title": "title", "gridProperties.rowCount": "row_count",
                     "gridProperties.columnCount": "column_count", "gridProperties.frozenRowCount": "frozen_rows",
                     "gridProperties.frozenColumnCount": "frozen_columns"}

    def _update_sheet_properties(self, book, spec, undo):
        props = spec.get("properties") or {}
        sheet = book.sheet_by_id(props.get("sheetId"))
        paths = [f.strip().replace("/", ".") for f in (spec.get("fields") or "").split(",") if f.strip()]
        if not paths or any(p not in self._SHEET_FIELDS for p in paths):
            raise _bad(f"updateSheetProperties fields not implemented by the stand-in: {spec.get('fields')!r}")
        for path in paths:
            value = props
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            name = self._SHEET_FIELDS[path]
            if path == "title":
                if not value or any(s.title == value for s in book.sheets if s is not sheet):
                    raise _bad(f"A sheet with the name \"{value}\" already exists. Please enter another name.")
            elif not isinstance(value, int) or value < (0 if "frozen" in name else 1):
                raise _bad(f"{path} must be a positive number")
            undo.attr(sheet, name)
            setattr(sheet, name, value)
        if len(sheet.values) > sheet.row_count or any(len(r) > sheet.column_count for r in sheet.values):
            raise _bad("shrinking the grid over data is not implemented by the stand-in")
        return {}

    def _set_basic_filter(self, book, spec, undo):
        flt = spec.get("filter") or {}
        sheet, *_ = self._grid_range(book, flt.get("range"))
        undo.attr(sheet, "basic_filter")
        sheet.basic_filter = flt
        return {}

    def _add_conditional_format_rule(self, book, spec, undo):
        rule = spec.get("rule") or {}
        ranges = rule.get("ranges") or []
        if not ranges or not (rule.get("booleanRule") or rule.get("gradientRule")):
            raise _bad("a rule needs ranges and a booleanRule or gradientRule")
        sheets = {self._grid_range(book, r)[0].sheet_id for r in ranges}
        if len(sheets) != 1:
            raise _bad("All ranges in a conditional format rule must be on the same sheet")
        sheet = book.sheet_by_id(sheets.pop())
        index = spec.get("index", 0)
        if not 0 <= index <= len(sheet.conditional_formats):
            raise _bad(f"index {index} is out of range")
        undo.attr(sheet, "conditional_formats")
        sheet.conditional_formats.insert(index, rule)
        return {}

    def _add_filter_view(self, book, spec, undo):
        view = dict(spec.get("filter") or {})
        sheet, *_ = self._grid_range(book, view.get("range"))
        view.setdefault("filterViewId", self._next_id)
        self._next_id += 1
        undo.attr(sheet, "filter_views")
        sheet.filter_views.append(view)
        return {"addFilterView": {"filter": view}}

    _KINDS = {"updateCells": _update_cells, "repeatCell": _repeat_cell, "appendDimension": _append_dimension,
              "updateSheetProperties": _update_sheet_properties, "setBasicFilter": _set_basic_filter,
              "addConditionalFormatRule": _add_conditional_format_rule, "addFilterView": _add_filter_view}


def key_pair() -> tuple[str, str]:
    """A new RSA key pair as PEM texts ``(private, public)``: a service account's key, made offline."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def service_account_info(private_pem: str) -> dict:
    """A service-account key file as Google issues it, with the real token URI: the transport
    adapter (sheets_addon.client.GoogleApisToBase) routes it to the stand-in, so the file is used unmodified."""
    return {"type": "service_account", "project_id": "test-project", "private_key_id": "testkey1",
            "private_key": private_pem, "client_email": "tester@test-project.iam.gserviceaccount.com",
            "client_id": "1234567890", "token_uri": "https://oauth2.googleapis.com/token"}
