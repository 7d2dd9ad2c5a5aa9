"""A small, strict stand-in for the Google Sheets API v4 and Google's OAuth token endpoint,
served over real HTTP on a loopback port.

It is our reading of the v4 API, not Google's service: it keeps the behaviour the add-on
relies on (A1 ranges, grid limits, FORMATTED_VALUE text, atomic batchUpdate, Google-shaped
errors, bearer tokens from a verified service-account JWT) and fails loudly on anything it
does not implement, so the code under test cannot lean on behaviour nobody checked.
"""
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote

import google.auth.jwt
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
UPDATE_CELLS_FIELDS = {"userEnteredValue", "userEnteredFormat.backgroundColor", "userEnteredFormat.textFormat.bold",
                       "userEnteredFormat"}


class ApiError(Exception):
    def __init__(self, code: int, status: str, message: str):
        super().__init__(message)
        self.code, self.status, self.message = code, status, message


def _bad(message: str) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message)


@dataclass
class Sheet:
    sheet_id: int
    title: str
    row_count: int
    column_count: int
    values: list = field(default_factory=list)       # rows of typed values (str, int, float, bool); "" = empty
    formats: dict = field(default_factory=dict)      # (row, col) 0-based -> {"backgroundColor": {...}, "bold": True}

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

    def properties(self, index: int) -> dict:
        return {"sheetId": self.sheet_id, "title": self.title, "index": index, "sheetType": "GRID",
                "gridProperties": {"rowCount": self.row_count, "columnCount": self.column_count}}


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list = field(default_factory=list)

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


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


def parse_a1(spreadsheet: Spreadsheet, text: str):
    """``(sheet, r0, c0, r1, c1)``, 0-based, end exclusive (None = to the grid's end)."""
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
    return sheet, r0, c0, r1, c1


def formatted(value):
    """FORMATTED_VALUE text of a stored value (plain number format)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def user_entered(value):
    """What typing ``value`` into a cell stores: numbers and booleans become values."""
    if not isinstance(value, str):
        return value
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    if re.fullmatch(r"-?\d+(\.\d+)?", value) and len(value) < 16:
        return float(value) if "." in value else int(value)
    return value


class FakeSheets:
    """The stand-in: ``add_spreadsheet`` seeds data, ``log`` records every request."""

    def __init__(self, public_key_pem: str):
        self.public_key_pem = public_key_pem
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.tokens: set[str] = set()
        self.log: list[tuple[str, str]] = []
        self.bodies: list = []                    # JSON bodies of the POST requests, in order
        self.busy_seconds = 0.0                   # time spent handling requests (for benchmarks)
        self.lock = threading.Lock()
        self.app = self._make_app()
        self._server = None
        self.url = ""

    # --- seeding and inspection -------------------------------------------------------
    def add_spreadsheet(self, spreadsheet_id: str, title: str = "Orders book") -> Spreadsheet:
        book = Spreadsheet(spreadsheet_id, title)
        self.spreadsheets[spreadsheet_id] = book
        return book

    def add_sheet(self, spreadsheet_id: str, title: str, rows: list, *, row_count=None, column_count=None) -> Sheet:
        book = self.spreadsheets[spreadsheet_id]
        width = max((len(r) for r in rows), default=0)
        sheet = Sheet(sheet_id=1000 + len(book.sheets), title=title, row_count=row_count or max(len(rows), 1000),
                      column_count=column_count or max(width, 26))
        sheet.values = [list(r) for r in rows]
        book.sheets.append(sheet)
        return sheet

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
            return jsonify(error={"code": exc.code, "message": exc.message, "status": exc.status}), exc.code

        @app.before_request
        def record():
            request.environ["fake.started"] = time.perf_counter()
            self.log.append((request.method, request.path))
            if request.method == "POST" and request.path.startswith("/v4/"):
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
            self.tokens.add(issued)
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
                return jsonify(self._dispatch(request.method, rest))

        return app

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.spreadsheets.get(unquote(spreadsheet_id))
        if book is None:
            raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
        return book

    def _params(self, allowed: set) -> None:
        unknown = set(request.args) - allowed
        if unknown:
            raise _bad(f"unsupported query parameter(s): {', '.join(sorted(unknown))}")

    def _dispatch(self, method: str, rest: str):
        m = re.fullmatch(r"([^/:]+)", rest)
        if m and method == "GET":
            self._params({"includeGridData", "fields"})
            if request.args.get("includeGridData", "false") != "false":
                raise _bad("includeGridData=true is not implemented by the stand-in")
            book = self._book(m.group(1))
            return {"spreadsheetId": book.spreadsheet_id,
                    "properties": {"title": book.title, "locale": "zh_CN", "timeZone": "Asia/Shanghai"},
                    "sheets": [{"properties": s.properties(i)} for i, s in enumerate(book.sheets)]}
        m = re.fullmatch(r"([^/:]+):batchUpdate", rest)
        if m and method == "POST":
            return self._batch_update(self._book(m.group(1)), request.get_json())
        m = re.fullmatch(r"([^/:]+)/values:batchGet", rest)
        if m and method == "GET":
            self._params({"ranges", "valueRenderOption", "majorDimension", "dateTimeRenderOption"})
            book = self._book(m.group(1))
            return {"spreadsheetId": book.spreadsheet_id,
                    "valueRanges": [self._read(book, r) for r in request.args.getlist("ranges")]}
        m = re.fullmatch(r"([^/:]+)/values:batchUpdate", rest)
        if m and method == "POST":
            book = self._book(m.group(1))
            body = request.get_json()
            option = body.get("valueInputOption")
            if option not in ("RAW", "USER_ENTERED"):
                raise _bad("valueInputOption is required")
            checked = [self._check_write(book, d["range"], d["values"]) for d in body.get("data", [])]
            done = [self._write(book, d["range"], d["values"], option) for d in body.get("data", [])]
            assert len(checked) == len(done)
            return {"spreadsheetId": book.spreadsheet_id, "totalUpdatedCells": sum(x["updatedCells"] for x in done),
                    "responses": done}
        m = re.fullmatch(r"([^/:]+)/values/([^/]+)", rest)
        if m and method == "GET":
            self._params({"valueRenderOption", "majorDimension", "dateTimeRenderOption"})
            return self._read(self._book(m.group(1)), m.group(2))
        if m and method == "PUT":
            self._params({"valueInputOption", "includeValuesInResponse", "responseValueRenderOption"})
            option = request.args.get("valueInputOption")
            if option not in ("RAW", "USER_ENTERED"):
                raise _bad("valueInputOption is required")
            book = self._book(m.group(1))
            body = request.get_json()
            self._check_write(book, m.group(2), body.get("values", []))
            return {"spreadsheetId": book.spreadsheet_id, **self._write(book, m.group(2), body["values"], option)}
        raise ApiError(404, "NOT_FOUND", f"the stand-in has no route for {method} {rest}")

    def _read(self, book: Spreadsheet, range_text: str) -> dict:
        render = request.args.get("valueRenderOption", "FORMATTED_VALUE")
        if request.args.get("majorDimension", "ROWS") != "ROWS":
            raise _bad("majorDimension COLUMNS is not implemented by the stand-in")
        sheet, r0, c0, r1, c1 = parse_a1(book, range_text)
        r1, c1 = min(r1, sheet.row_count), min(c1, sheet.column_count)
        rows = []
        for r in range(r0, min(r1, len(sheet.values))):
            row = sheet.values[r][c0:c1]
            if render == "FORMATTED_VALUE":
                row = [formatted(v) for v in row]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        out = {"range": f"'{sheet.title}'!{range_text.rpartition('!')[2] or 'A1'}", "majorDimension": "ROWS"}
        if rows:
            out["values"] = rows
        return out

    def _check_write(self, book: Spreadsheet, range_text: str, values: list) -> None:
        sheet, r0, c0, r1, c1 = parse_a1(book, range_text)
        height, width = len(values), max((len(r) for r in values), default=0)
        if r0 + height > r1 or c0 + width > c1:
            raise _bad(f"Requested writing within range [{range_text}], but tried writing beyond it.")
        if r0 + height > sheet.row_count or c0 + width > sheet.column_count:
            raise _bad(f"Range ({sheet.title}!{range_text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                       f"max columns: {sheet.column_count}")

    def _write(self, book: Spreadsheet, range_text: str, values: list, option: str) -> dict:
        sheet, r0, c0, _, _ = parse_a1(book, range_text)
        cells = 0
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                sheet.put(r0 + i, c0 + j, user_entered(value) if option == "USER_ENTERED" else value)
                cells += 1
        return {"updatedRange": range_text, "updatedRows": len(values), "updatedCells": cells}

    # --- spreadsheets.batchUpdate: validated whole, then applied (Google is atomic) ------
    def _batch_update(self, book: Spreadsheet, body: dict) -> dict:
        reqs = body.get("requests")
        if not isinstance(reqs, list) or not reqs:
            raise _bad("requests must be a non-empty list")
        sizes = {s.sheet_id: [s.row_count, s.column_count] for s in book.sheets}
        for req in reqs:
            (kind, spec), = req.items()
            if kind == "appendDimension":
                size = sizes.get(spec.get("sheetId"))
                if size is None:
                    raise _bad(f"No grid with id: {spec.get('sheetId')}")
                if spec.get("dimension") not in ("ROWS", "COLUMNS") or int(spec.get("length", 0)) < 1:
                    raise _bad("appendDimension needs dimension ROWS|COLUMNS and length >= 1")
                size[spec["dimension"] == "COLUMNS"] += int(spec["length"])
            elif kind == "updateCells":
                grid = spec.get("range") or {}
                size = sizes.get(grid.get("sheetId"))
                if size is None:
                    raise _bad(f"No grid with id: {grid.get('sheetId')}")
                fields = {f.strip() for f in spec.get("fields", "").split(",") if f.strip()}
                if not fields or fields - UPDATE_CELLS_FIELDS:
                    raise _bad(f"updateCells fields not implemented by the stand-in: {spec.get('fields')!r}")
                r0, r1 = grid.get("startRowIndex", 0), grid.get("endRowIndex", size[0])
                c0, c1 = grid.get("startColumnIndex", 0), grid.get("endColumnIndex", size[1])
                if r1 > size[0] or c1 > size[1] or r0 < 0 or c0 < 0 or r0 >= r1 or c0 >= c1:
                    raise _bad(f"Range exceeds grid limits. Max rows: {size[0]}, max columns: {size[1]}")
                rows = spec.get("rows", [])
                if len(rows) > r1 - r0 or any(len(r.get("values", [])) > c1 - c0 for r in rows):
                    raise _bad("updateCells rows do not fit the range")
            elif kind == "updateSheetProperties":
                props = spec.get("properties", {})
                if props.get("sheetId") not in sizes:
                    raise _bad(f"No grid with id: {props.get('sheetId')}")
                grid = props.get("gridProperties", {})
                fields = {f.strip().replace(".", "/") for f in spec.get("fields", "").split(",")}
                if not fields <= {"title", "gridProperties/rowCount", "gridProperties/columnCount"}:
                    raise _bad(f"updateSheetProperties fields not implemented: {spec.get('fields')!r}")
                if "gridProperties/rowCount" in fields:
                    sizes[props["sheetId"]][0] = grid["rowCount"]
                if "gridProperties/columnCount" in fields:
                    sizes[props["sheetId"]][1] = grid["columnCount"]
            else:
                raise _bad(f"request kind not implemented by the stand-in: {kind}")
        for req in reqs:
            (kind, spec), = req.items()
            if kind == "appendDimension":
                sheet = book.sheet_by_id(spec["sheetId"])
                if spec["dimension"] == "COLUMNS":
                    sheet.column_count += int(spec["length"])
                else:
                    sheet.row_count += int(spec["length"])
            elif kind == "updateCells":
                self._update_cells(book.sheet_by_id(spec["range"]["sheetId"]), spec)
            else:
                props = spec["properties"]
                sheet = book.sheet_by_id(props["sheetId"])
                fields = {f.strip().replace(".", "/") for f in spec["fields"].split(",")}
                if "title" in fields:
                    sheet.title = props["title"]
                if "gridProperties/rowCount" in fields:
                    sheet.row_count = props["gridProperties"]["rowCount"]
                if "gridProperties/columnCount" in fields:
                    sheet.column_count = props["gridProperties"]["columnCount"]
        return {"spreadsheetId": book.spreadsheet_id, "replies": [{} for _ in reqs]}

    @staticmethod
    def _update_cells(sheet: Sheet, spec: dict) -> None:
        grid = spec["range"]
        fields = {f.strip() for f in spec["fields"].split(",")}
        r0, r1 = grid.get("startRowIndex", 0), grid.get("endRowIndex", sheet.row_count)
        c0, c1 = grid.get("startColumnIndex", 0), grid.get("endColumnIndex", sheet.column_count)
        rows = spec.get("rows", [])
        for r in range(r0, r1):
            cells = rows[r - r0].get("values", []) if r - r0 < len(rows) else []
            for c in range(c0, c1):
                cell = cells[c - c0] if c - c0 < len(cells) else {}
                if "userEnteredValue" in fields:
                    entered = cell.get("userEnteredValue") or {}
                    if len(entered) > 1 or (entered and next(iter(entered)) not in (
                            "stringValue", "numberValue", "boolValue")):
                        raise _bad(f"userEnteredValue not implemented by the stand-in: {entered!r}")
                    value = next(iter(entered.values())) if entered else ""
                    if value != "" or r < len(sheet.values):
                        sheet.put(r, c, value)
                fmt = dict(sheet.formats.get((r, c), {}))
                given = cell.get("userEnteredFormat") or {}
                if "userEnteredFormat" in fields:
                    fmt = {}
                if fields & {"userEnteredFormat", "userEnteredFormat.backgroundColor"}:
                    fmt.pop("backgroundColor", None)
                    if "backgroundColor" in given:
                        fmt["backgroundColor"] = given["backgroundColor"]
                if fields & {"userEnteredFormat", "userEnteredFormat.textFormat.bold"}:
                    fmt.pop("bold", None)
                    if given.get("textFormat", {}).get("bold"):
                        fmt["bold"] = True
                if fmt:
                    sheet.formats[(r, c)] = fmt
                else:
                    sheet.formats.pop((r, c), None)
