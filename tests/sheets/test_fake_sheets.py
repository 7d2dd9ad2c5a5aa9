"""The stand-in itself, over real HTTP, against response shapes written from Google's public
reference (Spreadsheet, ValueRange, UpdateValuesResponse, BatchUpdateSpreadsheetResponse,
the error Status) and from responses recorded from the real API in gspread's test cassettes
(``tests/cassettes/*.json`` of burnash/gspread), quoted here as literals."""
import pytest
import requests

from standins.google_sheets import CANNED_ERRORS, MAX_CELLS

BOOK = "1LH0M_0xJcf9T0vohrBypBLn4QmGOgdvSqR-izcBhcp0"
EMAIL = "tester@test-project.iam.gserviceaccount.com"


@pytest.fixture
def api(fake_sheets):
    """A session holding a bearer token the stand-in issued to EMAIL."""
    fake_sheets.tokens["token-1"] = EMAIL
    session = requests.Session()
    session.headers["Authorization"] = "Bearer token-1"
    base = f"{fake_sheets.url}/v4/spreadsheets/{BOOK}"

    def call(method, path="", **kwargs):
        return session.request(method, base + path, timeout=10, **kwargs)

    yield call
    session.close()


@pytest.fixture
def book(fake_sheets):
    fake_sheets.add_spreadsheet(BOOK, "Test book")
    return fake_sheets.add_sheet(BOOK, "Sheet1", [["2", "2020-01-01", "string", "53"], ["1.5", "0.12", "1999-01-02"]])


def test_spreadsheet_resource_shape(api, book):
    body = api("GET", params={"includeGridData": "false"}).json()
    assert set(body) == {"spreadsheetId", "properties", "sheets", "spreadsheetUrl"}
    assert {"title", "locale", "autoRecalc", "timeZone"} <= set(body["properties"])
    assert body["sheets"] == [{"properties": {"sheetId": book.sheet_id, "title": "Sheet1", "index": 0,
                                              "sheetType": "GRID",
                                              "gridProperties": {"rowCount": 1000, "columnCount": 26}}}]
    assert body["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{BOOK}/edit"


def test_unformatted_reads_are_typed_as_recorded_from_google(api, book):
    # SpreadsheetTest.test_get_all_worksheet_values / numericise cassettes: the same cells typed in.
    serial = api("GET", "/values/%27Sheet1%27", params={"valueRenderOption": "UNFORMATTED_VALUE",
                                                        "dateTimeRenderOption": "SERIAL_NUMBER"}).json()
    assert serial == {"range": "Sheet1!A1:Z1000", "majorDimension": "ROWS",
                      "values": [[2, 43831, "string", 53], [1.5, 0.12, 36162]]}
    strings = api("GET", "/values/%27Sheet1%27", params={"valueRenderOption": "UNFORMATTED_VALUE",
                                                         "dateTimeRenderOption": "FORMATTED_STRING"}).json()
    assert strings["values"] == [[2, "2020-01-01", "string", 53], [1.5, 0.12, "1999-01-02"]]
    shown = api("GET", "/values/%27Sheet1%27").json()
    assert shown["values"] == [["2", "2020-01-01", "string", "53"], ["1.5", "0.12", "1999-01-02"]]


@pytest.mark.parametrize("asked,echo", [
    # (request range as gspread sends it, the range Google answered), from the cassettes
    ("%27Sheet1%27", "Sheet1!A1:Z1000"),
    ("%27Sheet1%27%21A1%3AD4", "Sheet1!A1:D4"),
    ("%27Sheet1%27%21D4%3AA1", "Sheet1!A1:D4"),
    ("%27Sheet1%27%21A1%3A1", "Sheet1!A1:Z1"),
    ("%27Sheet1%27%21A2%3A2", "Sheet1!A2:Z2"),
    ("%27Sheet1%27%21A1%3AC", "Sheet1!A1:C1000"),
    ("%27Sheet1%27%21B1", "Sheet1!B1"),
])
def test_the_range_echo_is_googles(api, book, asked, echo):
    assert api("GET", f"/values/{asked}").json()["range"] == echo


@pytest.mark.parametrize("title,echo", [("D3", "'D3'!A1:Z1000"), ("Test ClientTest test_import_csv",
                                                                   "'Test ClientTest test_import_csv'!A1:Z1000"),
                                        ("Orders", "Orders!A1:Z1000"), ("工作表1", "'工作表1'!A1:Z1000")])
def test_sheet_names_are_quoted_as_google_quotes_them(api, fake_sheets, title, echo):
    fake_sheets.add_spreadsheet(BOOK)
    fake_sheets.add_sheet(BOOK, title, [["a"]])
    quoted = "'" + title + "'"
    assert api("GET", f"/values/{requests.utils.quote(quoted, safe='')}").json()["range"] == echo


def test_update_values_response_shape(api, fake_sheets):
    # SpreadsheetTest.test_values_get cassette: updatedRange of a 2 x 3 write to a quoted sheet.
    fake_sheets.add_spreadsheet(BOOK)
    fake_sheets.add_sheet(BOOK, "Sheet 1", [], row_count=10, column_count=10)
    body = api("PUT", "/values/%27Sheet%201%27%21A1", params={"valueInputOption": "RAW"},
               json={"values": [["a", "b", "c"], ["d", "e", "f"]]}).json()
    assert body == {"spreadsheetId": BOOK, "updatedRange": "'Sheet 1'!A1:C2", "updatedRows": 2,
                    "updatedColumns": 3, "updatedCells": 6}


@pytest.mark.parametrize("status", sorted(CANNED_ERRORS))
def test_injected_errors_have_googles_status_shape(api, fake_sheets, book, status):
    fake_sheets.inject(status, method="GET")
    response = api("GET")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == status and isinstance(error["message"], str)
    assert error["status"] == {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                               429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}[status]
    assert api("GET").status_code == 200, "one request only"


def test_recorded_404_and_403_bodies(api, fake_sheets):
    # ClientTest.test_access_non_existing_spreadsheet and the 403 recorded by gspread's tests.
    assert api("GET").json() == {"error": {"code": 404, "message": "Requested entity was not found.",
                                           "status": "NOT_FOUND"}}
    fake_sheets.add_spreadsheet(BOOK, shared_with={})
    assert api("GET").json() == {"error": {"code": 403, "message": "The caller does not have permission",
                                           "status": "PERMISSION_DENIED"}}


def test_429_carries_the_quota_details(api, fake_sheets, book):
    fake_sheets.inject(429)
    details = api("GET").json()["error"]["details"]
    assert details[0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert details[0]["reason"] == "RATE_LIMIT_EXCEEDED" and details[0]["domain"] == "googleapis.com"
    assert details[1]["@type"] == "type.googleapis.com/google.rpc.Help"


def test_no_token_is_401(fake_sheets, book):
    response = requests.get(f"{fake_sheets.url}/v4/spreadsheets/{BOOK}", timeout=10)
    assert response.status_code == 401 and response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_a_fault_after_apply_writes_then_answers_503(api, fake_sheets, book):
    fake_sheets.inject(503, method="POST", after_apply=True)
    grow = {"requests": [{"appendDimension": {"sheetId": book.sheet_id, "dimension": "COLUMNS", "length": 3}}]}
    assert api("POST", ":batchUpdate", json=grow).status_code == 503
    assert book.column_count == 29, "applied although the answer was an error"


def test_batch_update_is_atomic_and_names_the_failing_request(api, book):
    body = {"requests": [
        {"appendDimension": {"sheetId": book.sheet_id, "dimension": "COLUMNS", "length": 1}},
        {"updateCells": {"range": {"sheetId": book.sheet_id, "startRowIndex": 0, "endRowIndex": 1,
                                   "startColumnIndex": 0, "endColumnIndex": 1},
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "changed"}}]}],
                         "fields": "userEnteredValue"}},
        {"updateCells": {"range": {"sheetId": book.sheet_id, "startRowIndex": 0, "endRowIndex": 1,
                                   "startColumnIndex": 0, "endColumnIndex": 99}, "rows": [],
                         "fields": "userEnteredValue"}}]}
    response = api("POST", ":batchUpdate", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Invalid requests[2].updateCells: ")
    assert book.column_count == 26 and book.values[0][0] == 2, "nothing applied"


def test_the_cell_limit_is_googles(api, fake_sheets, book):
    grow = {"requests": [{"appendDimension": {"sheetId": book.sheet_id, "dimension": "ROWS",
                                              "length": MAX_CELLS // 26}}]}
    error = api("POST", ":batchUpdate", json=grow).json()["error"]
    assert error["message"] == ("Invalid requests[0].appendDimension: This action would increase the number of "
                                "cells in the workbook above the limit of 10000000 cells.")
    assert book.row_count == 1000
    exact = {"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": book.sheet_id, "gridProperties": {"rowCount": MAX_CELLS // 26}},
        "fields": "gridProperties.rowCount"}}]}
    assert api("POST", ":batchUpdate", json=exact).json() == {"spreadsheetId": BOOK, "replies": [{}]}


def test_the_request_kinds_we_may_use_are_accepted(api, book):
    sid = book.sheet_id
    whole = {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 4}
    red = {"red": 1, "green": 0.8, "blue": 0.8}
    body = {"requests": [
        {"repeatCell": {"range": {**whole, "endRowIndex": 1}, "cell": {"userEnteredFormat": {"textFormat": {
            "bold": True}}}, "fields": "userEnteredFormat.textFormat.bold"}},
        {"setBasicFilter": {"filter": {"range": whole}}},
        {"addConditionalFormatRule": {"index": 0, "rule": {"ranges": [whole], "booleanRule": {
            "condition": {"type": "TEXT_CONTAINS", "values": [{"userEnteredValue": "超时"}]},
            "format": {"backgroundColor": red}}}}},
        {"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"addFilterView": {"filter": {"title": "JDPG late", "range": whole}}},
    ]}
    response = api("POST", ":batchUpdate", json=body).json()
    assert response["spreadsheetId"] == BOOK and response["replies"][:4] == [{}, {}, {}, {}]
    view = response["replies"][4]["addFilterView"]["filter"]
    assert view["title"] == "JDPG late" and isinstance(view["filterViewId"], int)
    assert all(book.formats[(0, c)] == {"textFormat": {"bold": True}} for c in range(4))
    sheet = api("GET").json()["sheets"][0]
    assert sheet["basicFilter"] == {"range": whole}
    assert sheet["conditionalFormats"][0]["booleanRule"]["format"] == {"backgroundColor": red}
    assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert sheet["filterViews"][0]["filterViewId"] == view["filterViewId"]


def test_an_unknown_request_kind_fails_loudly(api, book):
    error = api("POST", ":batchUpdate", json={"requests": [{"sortRange": {}}]}).json()["error"]
    assert error["code"] == 400 and "not implemented by the stand-in" in error["message"]


def test_include_grid_data_returns_cell_data(api, fake_sheets):
    fake_sheets.add_spreadsheet(BOOK)
    fake_sheets.add_sheet(BOOK, "Orders", [["订单号", "付款确认时间"], ['="235711131720"', "2022-06-16 10:00:00"]])
    data = api("GET", params={"includeGridData": "true", "ranges": "Orders!A1:B2"}).json()["sheets"][0]["data"][0]
    assert len(data["rowMetadata"]) == 2 and len(data["columnMetadata"]) == 2
    header, row = data["rowData"]
    assert header["values"][0] == {"userEnteredValue": {"stringValue": "订单号"},
                                   "effectiveValue": {"stringValue": "订单号"}, "formattedValue": "订单号"}
    order_id, paid = row["values"]
    assert order_id["userEnteredValue"] == {"formulaValue": '="235711131720"'}
    assert order_id["effectiveValue"] == {"stringValue": "235711131720"}
    assert paid["effectiveValue"]["numberValue"] == pytest.approx(44728 + 10 / 24)
    assert paid["formattedValue"] == "2022-06-16 10:00:00"
    assert paid["userEnteredFormat"]["numberFormat"] == {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}


def test_unknown_query_parameters_fail_loudly(api, book):
    assert api("GET", params={"fields": "sheets.properties"}).status_code == 400
