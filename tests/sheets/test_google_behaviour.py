"""The command against Google's limits and failures as the stand-in reproduces them: request
size, the 10M-cell limit, 429/5xx (bounded retries, recorded sleeps, not real waits), a reply
lost after the write was applied, 403/404, key files and the worksheet choice."""
import functools
import json
import subprocess
import sys

import pytest

import sheets_addon.__main__ as command
from sheets_addon import annotate_sheet
from sheets_addon.annotate_sheet import MAX_CELLS, WriteInterrupted, annotate_worksheet
from sheets_addon.client import RetryLimitReached, RetryPolicy, load_credentials, make_client

from standins.google_sheets import MAX_PAYLOAD_BYTES
from standins.jd_export import JD_HEADER, line
from tests.support import ROOT
from tests.support.sheets import AS_OF, BOOK, OWN_TITLES, col, header, jd_export, outside, run, seed

EMAIL = "tester@test-project.iam.gserviceaccount.com"


class RecordedTime:
    """A clock that moves only when slept on: the sleeps are recorded, never waited."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def recorded(monkeypatch):
    """The command's retry policy with recorded sleeps and a fixed jitter of 0.5 s."""
    moments = RecordedTime()
    monkeypatch.setattr(command, "RetryPolicy", functools.partial(RetryPolicy, sleep=moments.sleep,
                                                                  clock=moments.clock, jitter=lambda: 0.5))
    return moments


def overdue_rows(n):
    return [JD_HEADER] + [line(str(300000000000 + i), "1", "保温杯 500ml 不锈钢 真空", 1, "2022-06-16 09:00:00",
                               "2022-06-16 10:00:00", "等待出库", "129.00") for i in range(n)]


# --- 1. writes that fit ----------------------------------------------------------------
def test_the_stand_in_refuses_a_body_over_googles_limit_as_google_does(fake_sheets, sa_file):
    import gspread
    seed(fake_sheets)
    client = make_client(load_credentials(str(sa_file)), fake_sheets.url)
    body = {"requests": [{"repeatCell": {"range": {"sheetId": 1000, "endRowIndex": 1, "endColumnIndex": 1},
                                         "cell": {"note": "x" * MAX_PAYLOAD_BYTES}, "fields": "note"}}]}
    with pytest.raises(gspread.exceptions.APIError) as caught:
        client.http_client.batch_update(BOOK, body)
    assert caught.value.code == 400
    assert caught.value.error["message"] == "Request payload size exceeds the limit: 10485760 bytes."


def test_6000_overdue_rows_once_11_mb_in_one_request_are_written_in_requests_under_2_mb(fake_sheets, sa_file,
                                                                                         capsys):
    sheet = seed(fake_sheets, overdue_rows(6000))
    assert run(fake_sheets, sa_file) == 0
    sizes = fake_sheets.body_sizes
    assert len(sizes) >= 3 and max(sizes) <= annotate_sheet.MAX_REQUEST_BYTES
    assert sum(sizes) > 5 * 1024 * 1024, "the writes add up to several MB"
    assert [m for m, _ in fake_sheets.sheets_requests()] == ["GET", "GET"] + ["POST"] * len(sizes)
    status = col(sheet, "Ship status")
    assert {sheet.values[r][status] for r in range(1, 6001)} == {"已超时未发货 overdue"}
    assert f"{len(sizes)} write request(s)" in capsys.readouterr().out


def test_adding_columns_past_10_million_cells_is_refused_and_nothing_is_written(fake_sheets, sa_file, capsys):
    sheet = seed(fake_sheets, row_count=450_000, column_count=len(JD_HEADER))
    before = outside(sheet, [])
    assert run(fake_sheets, sa_file) == 2
    err = capsys.readouterr().err
    cells = 450_000 * (len(JD_HEADER) + len(OWN_TITLES))
    assert f"添加 {len(OWN_TITLES)} 列后表格将有 {cells:,} 个单元格，超过 Google 的上限 {MAX_CELLS:,}" in err
    assert f"would make the spreadsheet {cells:,} cells, over Google's limit of {MAX_CELLS:,}" in err
    assert [m for m, _ in fake_sheets.sheets_requests()] == ["GET", "GET"], "nothing written"
    assert outside(sheet, []) == before and sheet.column_count == len(JD_HEADER)


def test_the_cell_limit_counts_every_sheet_of_the_spreadsheet(fake_sheets, sa_file, capsys):
    seed(fake_sheets, column_count=len(JD_HEADER))
    fake_sheets.add_sheet(BOOK, "Archive", [["x"]], row_count=400_000, column_count=25)
    assert run(fake_sheets, sa_file) == 2
    assert "over Google's limit of 10,000,000" in capsys.readouterr().err


# --- 2. idempotent writes --------------------------------------------------------------
def test_a_reply_lost_after_the_write_was_applied_does_not_grow_the_grid_twice(fake_sheets, sa_file, recorded):
    sheet = seed(fake_sheets, column_count=len(JD_HEADER))
    fake_sheets.inject(503, method="POST", path_contains=":batchUpdate", after_apply=True)
    assert run(fake_sheets, sa_file) == 0
    assert recorded.sleeps == [1.5], "one retry"
    assert sheet.column_count == len(JD_HEADER) + len(OWN_TITLES), "30 columns, not 39"
    assert header(sheet) == JD_HEADER + OWN_TITLES
    assert fake_sheets.bodies[-1] == fake_sheets.bodies[-2], "the same request sent again"


def test_a_run_interrupted_between_requests_is_finished_in_place_by_a_re_run(fake_sheets, sa_file, recorded,
                                                                             monkeypatch, capsys):
    monkeypatch.setattr(annotate_sheet, "MAX_REQUEST_BYTES", 4096)
    rows = overdue_rows(60)
    sheet = seed(fake_sheets, rows, column_count=len(JD_HEADER))
    # The first two writes pass, then Google stays unavailable.
    fault = fake_sheets.inject(503, method="POST", path_contains=":batchUpdate", skip=2, times=10_000)
    assert run(fake_sheets, sa_file, "--retry-time-limit", "60") == 3
    err = capsys.readouterr().err
    assert "2 of " in err and "write requests were applied whole" in err and "run again later" in err
    assert sum(recorded.sleeps) <= 60
    written = [r for r in range(1, 61) if sheet.get(r, col(sheet, "Ship status"))]
    assert written and written == list(range(1, len(written) + 1)) and len(written) < 60, "whole requests only"

    fault.times = 0
    assert run(fake_sheets, sa_file) == 0
    assert header(sheet) == JD_HEADER + OWN_TITLES, "the re-run found our columns: no duplicates"
    assert sheet.column_count == len(JD_HEADER) + len(OWN_TITLES)
    assert all(sheet.get(r, col(sheet, "Ship status")) == "已超时未发货 overdue" for r in range(1, 61))


# --- 3. bounded retries ----------------------------------------------------------------
def test_a_short_429_is_waited_out_with_a_progress_line(fake_sheets, sa_file, recorded, capsys):
    sheet = seed(fake_sheets)
    fake_sheets.inject(429, method="POST", times=2)
    assert run(fake_sheets, sa_file) == 0
    assert recorded.sleeps == [1.5, 2.5], "2**n s plus jitter"
    err = capsys.readouterr().err
    assert "retry 1 in 2 s" in err and "retry 2 in 2 s" in err
    assert "429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Write requests'" in err
    assert header(sheet) == JD_HEADER + OWN_TITLES


def test_a_429_that_never_stops_ends_at_the_time_limit_having_written_nothing(fake_sheets, sa_file, recorded,
                                                                              capsys):
    sheet = seed(fake_sheets)
    before = outside(sheet, [])
    fake_sheets.inject(429, method="POST", times=10_000)
    assert run(fake_sheets, sa_file, "--retry-time-limit", "120") == 3
    err = capsys.readouterr().err
    assert recorded.sleeps == [1.5, 2.5, 4.5, 8.5, 16.5, 32, 32], "capped at 32 s, stopped before 120 s"
    assert sum(recorded.sleeps) <= 120
    assert "--retry-time-limit 120 s" in err and "Try again later" in err and "请稍后再试" in err
    assert "未写入任何内容 / nothing was written" in err and "Traceback" not in err
    assert outside(sheet, []) == before and own_titles_absent(sheet)


def own_titles_absent(sheet):
    return not any(str(v).startswith("JDPG ") for v in (sheet.values[0] if sheet.values else []))


def test_persistent_5xx_on_the_first_read_stops_too(fake_sheets, sa_file, recorded, capsys):
    seed(fake_sheets)
    fake_sheets.inject(500, method="GET", times=10_000)
    assert run(fake_sheets, sa_file, "--retry-time-limit", "10") == 3
    assert sum(recorded.sleeps) <= 10 and len(recorded.sleeps) == 3
    assert "500 INTERNAL: Internal error encountered." in capsys.readouterr().err


def test_retry_after_is_honoured(fake_sheets, sa_file, recorded):
    seed(fake_sheets)
    fake_sheets.inject(503, method="GET", retry_after=7)
    assert run(fake_sheets, sa_file) == 0
    assert recorded.sleeps == [7.0]


def test_a_client_error_is_not_retried(fake_sheets, sa_file, recorded, capsys):
    seed(fake_sheets)
    fake_sheets.inject(400, method="POST")
    assert run(fake_sheets, sa_file) == 1
    assert recorded.sleeps == []
    assert "Google Sheets API 错误 error 400: Request contains an invalid argument." in capsys.readouterr().err


def test_the_policy_gives_up_before_a_wait_would_pass_the_limit():
    moments = RecordedTime()
    policy = RetryPolicy(time_limit=10, sleep=moments.sleep, clock=moments.clock, jitter=lambda: 0.0)
    cause = ConnectionError("reset")
    for attempt in (1, 2, 3):
        policy.wait_or_give_up(cause, attempt, failed_for=0.0, retry_after=None)
    with pytest.raises(RetryLimitReached) as caught:
        policy.wait_or_give_up(cause, 4, failed_for=0.0, retry_after=None)
    assert moments.sleeps == [1, 2, 4] and caught.value.attempts == 4 and caught.value.spent == 7


def test_the_library_call_reports_the_write_it_stopped_at(fake_sheets, sa_file):
    moments = RecordedTime()
    seed(fake_sheets, overdue_rows(30))
    fake_sheets.inject(503, method="POST", times=10_000)
    policy = RetryPolicy(time_limit=5, sleep=moments.sleep, clock=moments.clock, jitter=lambda: 0.0)
    client = make_client(load_credentials(str(sa_file)), fake_sheets.url, policy)
    with pytest.raises(WriteInterrupted) as caught:
        annotate_worksheet(client, BOOK, "Orders", as_of=command.parse_time(AS_OF), max_request_bytes=4096)
    assert caught.value.done == 0 and caught.value.total > 1 and isinstance(caught.value.cause, RetryLimitReached)


# --- 4. messages a merchant can act on -------------------------------------------------
def test_a_sheet_not_shared_with_the_service_account_names_its_email(fake_sheets, sa_file, capsys):
    fake_sheets.add_spreadsheet(BOOK, shared_with={"someone@example.com": "writer"})
    fake_sheets.add_sheet(BOOK, "Orders", jd_export())
    assert run(fake_sheets, sa_file) == 1
    err = capsys.readouterr().err
    assert f"请把表格共享给 {EMAIL} 并设为编辑者" in err
    assert f"share the sheet with {EMAIL} as editor" in err
    assert "Traceback" not in err


def test_a_sheet_shared_read_only_says_editor_and_writes_nothing(fake_sheets, sa_file, capsys):
    fake_sheets.add_spreadsheet(BOOK, shared_with={EMAIL: "reader"})
    sheet = fake_sheets.add_sheet(BOOK, "Orders", jd_export())
    before = outside(sheet, [])
    assert run(fake_sheets, sa_file) == 1
    err = capsys.readouterr().err
    assert f"share the sheet with {EMAIL} as editor" in err and "nothing was written" in err
    assert outside(sheet, []) == before


def test_a_sheet_shared_as_editor_is_annotated(fake_sheets, sa_file):
    fake_sheets.add_spreadsheet(BOOK, shared_with={EMAIL: "writer"})
    sheet = fake_sheets.add_sheet(BOOK, "Orders", jd_export())
    assert run(fake_sheets, sa_file) == 0
    assert header(sheet) == JD_HEADER + OWN_TITLES


def key_run(fake, path, capsys):
    code = command.main(["annotate", BOOK, "--credentials", str(path), "--googleapis-base-url", fake.url,
                         "--no-progress"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("content,zh,en", [
    (None, "文件不存在", "no such file"),
    ("{not json", "不是 JSON 文件", "is not a JSON file"),
    (json.dumps({"installed": {"client_id": "x"}}), "不是服务账号密钥", "is not a service-account key"),
    (json.dumps({"type": "authorized_user", "refresh_token": "x"}), "不是服务账号密钥（其中 type = 'authorized_user'）",
     "(its type is 'authorized_user')"),
    (json.dumps({"type": "service_account", "client_email": EMAIL}), "内容不完整或已损坏", "is incomplete or damaged"),
    (json.dumps({"type": "service_account", "client_email": EMAIL, "token_uri": "https://oauth2.googleapis.com/token",
                 "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}),
     "内容不完整或已损坏", "download a new key in Google Cloud Console"),
])
def test_a_missing_or_malformed_key_file_is_named_with_what_to_do(fake_sheets, tmp_path, capsys, content, zh, en):
    seed(fake_sheets)
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content)
    code, err = key_run(fake_sheets, path, capsys)
    assert code == 2
    assert f"服务账号密钥文件 {path}：" in err and f"service-account key file {path}: " in err
    assert zh in err and en in err
    assert "--credentials" in err and "Traceback" not in err
    assert fake_sheets.log == [], "nothing was sent"


def test_a_missing_key_file_prints_no_traceback_when_run_as_a_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sheets_addon", "annotate", BOOK, "--credentials",
                           str(tmp_path / "nope.json")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and f"service-account key file {tmp_path / 'nope.json'}: no such file" \
        in done.stderr


def test_without_credentials_the_lookup_order_is_said(fake_sheets, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    assert command.main(["annotate", BOOK, "--googleapis-base-url", fake_sheets.url]) == 2
    err = capsys.readouterr().err
    assert (f"service-account key file {tmp_path}/.config/gspread/service_account.json: no such file (no "
            "--credentials: looked at GOOGLE_APPLICATION_CREDENTIALS, then ~/.config/gspread/service_account.json)"
            in err)


def no_worksheet_run(fake, sa_file, *extra):
    return command.main(["annotate", BOOK, "--credentials", str(sa_file), "--as-of", AS_OF,
                         "--googleapis-base-url", fake.url, "--no-progress", *extra])


def test_without_orders_the_first_worksheet_is_used_and_named(fake_sheets, sa_file, capsys):
    fake_sheets.add_spreadsheet(BOOK)
    first = fake_sheets.add_sheet(BOOK, "工作表1", jd_export())
    second = fake_sheets.add_sheet(BOOK, "Sheet2", jd_export())
    assert no_worksheet_run(fake_sheets, sa_file) == 0
    captured = capsys.readouterr()
    assert "工作表 worksheet '工作表1'（没有 'Orders'，用第一个 / no 'Orders', using the first）" in captured.err
    assert "worksheet '工作表1'" in captured.out
    assert header(first) == JD_HEADER + OWN_TITLES and header(second) == JD_HEADER


def test_without_a_worksheet_orders_is_preferred(fake_sheets, sa_file, capsys):
    fake_sheets.add_spreadsheet(BOOK)
    first = fake_sheets.add_sheet(BOOK, "Sheet1", jd_export())
    orders = fake_sheets.add_sheet(BOOK, "Orders", jd_export())
    assert no_worksheet_run(fake_sheets, sa_file) == 0
    assert "工作表 worksheet 'Orders'" in capsys.readouterr().err
    assert header(orders) == JD_HEADER + OWN_TITLES and header(first) == JD_HEADER


def test_a_named_worksheet_that_is_missing_lists_the_names(fake_sheets, sa_file, capsys):
    fake_sheets.add_spreadsheet(BOOK)
    fake_sheets.add_sheet(BOOK, "Sheet1", jd_export())
    fake_sheets.add_sheet(BOOK, "工作表2", jd_export())
    assert no_worksheet_run(fake_sheets, sa_file, "--worksheet", "Orders") == 2
    err = capsys.readouterr().err
    assert "找不到工作表 'Orders'（现有：Sheet1、工作表2）" in err and "(there are: Sheet1, 工作表2)" in err


def test_the_retry_limit_is_stated_in_help(capsys):
    with pytest.raises(SystemExit):
        command.main(["annotate", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--retry-time-limit SECONDS" in out and "(default 300)" in out and "exit code 3" in out
    assert "default: Orders if there is one, else the first worksheet" in out


# --- typed values ----------------------------------------------------------------------
def test_typed_cells_numbers_date_serials_and_formulas_are_read_as_google_returns_them(fake_sheets, sa_file):
    sheet = seed(fake_sheets)
    order_id, paid = JD_HEADER.index("订单号"), JD_HEADER.index("付款确认时间")
    assert sheet.values[1][order_id] == 235711131719, "a 12-digit id typed in becomes a number"
    assert sheet.values[2][order_id] == "235711131720" and sheet.formulas[(2, order_id)] == '="235711131720"'
    assert sheet.values[1][paid] == pytest.approx(44728 + 10 / 24)
    assert sheet.values[1][JD_HEADER.index("订单金额")] == 129
    assert run(fake_sheets, sa_file) == 0
    assert sheet.values[1][col(sheet, "Ship by")] == "2022-06-20 10:00:00"
    assert sheet.values[2][col(sheet, "Ship status")] == sheet.values[3][col(sheet, "Ship status")]


def test_a_sheet_whose_cells_are_text_is_annotated_the_same(fake_sheets, sa_file):
    typed = seed(fake_sheets)
    assert run(fake_sheets, sa_file) == 0
    fake_sheets.spreadsheets.clear()
    fake_sheets.add_spreadsheet(BOOK)
    text = fake_sheets.add_sheet(BOOK, "Orders", jd_export(), typed=False)
    assert run(fake_sheets, sa_file) == 0
    own_cols = range(len(JD_HEADER), len(JD_HEADER) + len(OWN_TITLES))
    assert [[row[c] for c in own_cols] for row in text.values] == [[row[c] for c in own_cols] for row in typed.values]


def test_google_unreachable_at_sign_in_says_so_without_a_traceback(sa_file, capsys):
    import socket
    with socket.socket() as probe:          # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert command.main(["annotate", BOOK, "--credentials", str(sa_file), "--googleapis-base-url",
                         f"http://127.0.0.1:{port}", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "无法连接 Google" in err and "cannot reach Google" in err and "needs a VPN" in err
    assert "Traceback" not in err
