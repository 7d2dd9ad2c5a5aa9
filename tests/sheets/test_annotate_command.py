"""``python -m sheets_addon annotate`` end to end: real gspread and google-auth (service-account
JWT grant) over real HTTP to the Sheets API stand-in on loopback."""
import math
import os
import subprocess
import sys
import threading

import pytest

from sheets_addon.__main__ import main
from sheets_addon.annotate_sheet import MAX_REQUEST_BYTES
from standins.jd_export import JD_HEADER, line
from tests.support import ROOT
from tests.support.sheets import (AS_OF, BOOK, OWN_TITLES, col, header, jd_export, own, outside, painted, run,
                                 seed)

def test_a_jd_export_is_annotated_in_place_and_only_our_columns_are_written(fake_sheets, sa_file, capsys):
    sheet = seed(fake_sheets)
    before = outside(sheet, [])

    assert run(fake_sheets, sa_file) == 0

    assert header(sheet) == JD_HEADER + OWN_TITLES
    assert outside(sheet, own(sheet)) == before, "every cell outside our columns is unchanged"
    status, errors, ship_by = col(sheet, "Ship status"), col(sheet, "Errors"), col(sheet, "Ship by")
    assert [row[status] for row in sheet.values[1:]] == [
        "超时发货 shipped_late", "按时发货 shipped_on_time", "按时发货 shipped_on_time", "待发货 pending",
        "无法判断发货时效 not_judged", "即将超时 at_risk"]
    assert sheet.values[1][ship_by] == "2022-06-20 10:00:00"
    assert sheet.values[1][col(sheet, "Hours late")] == 1.0
    assert sheet.values[5][errors].startswith("付款确认时间: ")  # the merchant's own column
    assert sheet.formats[(1, status)] == painted("late")
    assert sheet.formats[(6, status)] == painted("at_risk")
    assert sheet.formats[(5, errors)] == painted("error")
    assert (2, status) not in sheet.formats
    assert sheet.formats[(0, status)] == {"textFormat": {"bold": True}}
    assert "已标注 6 行 annotated 6 rows" in capsys.readouterr().out


def test_three_sheets_requests_metadata_values_and_one_batch_update(fake_sheets, sa_file):
    seed(fake_sheets)
    assert run(fake_sheets, sa_file) == 0
    requests = fake_sheets.sheets_requests()
    assert [m for m, _ in requests] == ["GET", "GET", "POST"]
    assert requests[0][1] == f"/v4/spreadsheets/{BOOK}"
    assert requests[1][1].startswith(f"/v4/spreadsheets/{BOOK}/values/")
    assert requests[2][1] == f"/v4/spreadsheets/{BOOK}:batchUpdate"
    assert [m for m, p in fake_sheets.log].count("POST") - 1 == 1, "one token grant"


def test_re_running_after_edits_updates_our_columns_in_place(fake_sheets, sa_file):
    sheet = seed(fake_sheets)
    assert run(fake_sheets, sa_file) == 0
    first_own = own(sheet)
    # The merchant fixes the bad payment time, ships the umbrella, deletes the last line
    # and writes notes in a column right of ours.
    sheet.put(5, JD_HEADER.index("付款确认时间"), "2022-06-16 09:30:00")
    sheet.put(4, JD_HEADER.index("出库时间"), "2022-06-20 09:00:00")
    sheet.values[6][:len(JD_HEADER)] = [""] * len(JD_HEADER)
    notes = len(header(sheet))
    sheet.put(0, notes, "备注")
    sheet.put(1, notes, "已催")
    before = outside(sheet, first_own)

    assert run(fake_sheets, sa_file) == 0

    assert own(sheet) == first_own, "same columns, updated in place"
    assert outside(sheet, first_own) == before
    status, errors = col(sheet, "Ship status"), col(sheet, "Errors")
    assert sheet.values[4][status] == "按时发货 shipped_on_time"
    assert sheet.values[5][errors] == ""
    assert sheet.values[5][status] == "已超时未发货 overdue"
    assert all(sheet.values[6][c] == "" for c in first_own), "the emptied row lost its annotation"
    assert not any((6, c) in sheet.formats for c in first_own), "and its colour"
    assert sheet.values[1][notes] == "已催"
    last_batch = fake_sheets.bodies[-1]["requests"]
    assert [next(iter(r)) for r in last_batch] == ["updateCells"], "no new columns on a re-run"
    assert len(fake_sheets.sheets_requests()) == 6


def test_date_cells_are_read_as_the_time_they_show_whatever_the_locale(fake_sheets, sa_file):
    rows = jd_export()
    paid, shipped = JD_HEADER.index("付款确认时间"), JD_HEADER.index("出库时间")
    rows[1][paid] = 44728 + 10 / 24            # a date cell showing 2022-06-16 10:00:00
    rows[1][shipped] = 44732 + 11 / 24         # 2022-06-20 11:00:00
    sheet = seed(fake_sheets, rows)
    assert run(fake_sheets, sa_file) == 0
    assert sheet.values[1][col(sheet, "Ship by")] == "2022-06-20 10:00:00"
    assert sheet.values[1][col(sheet, "Ship status")] == "超时发货 shipped_late"
    assert sheet.values[1][col(sheet, "Hours late")] == 1.0
    assert sheet.values[1][paid] == 44728 + 10 / 24, "the date cell itself is untouched"


def test_lines_of_one_order_that_sit_apart_are_annotated_apart_and_say_so(fake_sheets, sa_file):
    rows = jd_export()
    rows.append(line('="235711131720"', "100099", "茶叶 C", 1, "2022-06-16 09:00:00", "2022-06-16 09:01:00",
                     "等待确认收货", "59.00", shipped="2022-06-17 10:00:00"))
    sheet = seed(fake_sheets, rows)
    before = [list(row) for row in sheet.values]
    assert run(fake_sheets, sa_file) == 0
    errors = col(sheet, "Errors")
    assert sheet.values[2][errors] == sheet.values[3][errors] == "", "adjacent lines: one order"
    assert "不相邻" in sheet.values[7][errors] and "not together" in sheet.values[7][errors]
    assert [row[: len(JD_HEADER)] for row in sheet.values] == [row[: len(JD_HEADER)] for row in before], \
        "no row moved"


def test_a_sheet_as_wide_as_its_grid_grows_to_an_absolute_size_in_the_same_batch_update(fake_sheets, sa_file):
    sheet = seed(fake_sheets, column_count=len(JD_HEADER))
    assert run(fake_sheets, sa_file) == 0
    assert sheet.column_count == len(JD_HEADER) + len(OWN_TITLES)
    batch = fake_sheets.bodies[-1]["requests"]
    assert batch[0] == {"updateSheetProperties": {
        "properties": {"sheetId": sheet.sheet_id, "gridProperties": {"columnCount": len(JD_HEADER) + len(OWN_TITLES)}},
        "fields": "gridProperties.columnCount"}}
    assert [next(iter(r)) for r in batch[1:]] == ["updateCells"]
    assert len(fake_sheets.sheets_requests()) == 3


def test_a_header_without_an_order_id_is_refused_naming_the_missing_column(fake_sheets, sa_file, capsys):
    rows = [r[1:] for r in jd_export()]
    sheet = seed(fake_sheets, rows)
    before = outside(sheet, [])
    assert run(fake_sheets, sa_file) == 2
    err = capsys.readouterr().err
    assert "表头缺少必需的列" in err and "missing columns: order_id" in err
    assert outside(sheet, []) == before
    assert [m for m, _ in fake_sheets.sheets_requests()] == ["GET", "GET"], "nothing written"


def test_an_unknown_worksheet_is_named(fake_sheets, sa_file, capsys):
    seed(fake_sheets)
    assert main(["annotate", BOOK, "--worksheet", "订单", "--credentials", str(sa_file),
                 "--googleapis-base-url", fake_sheets.url, "--no-progress"]) == 2
    assert "找不到工作表 '订单'" in capsys.readouterr().err


def test_a_spreadsheet_url_is_accepted(fake_sheets, sa_file):
    sheet = seed(fake_sheets)
    url = f"https://docs.google.com/spreadsheets/d/{BOOK}/edit#gid=0"
    assert run(fake_sheets, sa_file, book=url) == 0
    assert own(sheet)


def test_a_missing_spreadsheet_says_to_check_the_id_and_the_sharing(fake_sheets, sa_file, capsys):
    seed(fake_sheets)
    assert run(fake_sheets, sa_file, book="no-such-book") == 1
    err = capsys.readouterr().err
    assert "找不到表格 no-such-book（404）：请检查表格链接或 ID，并确认表格已共享给 tester@test-project.iam.gserviceaccount.com" in err
    assert "check the link or id, and that the sheet is shared with tester@test-project.iam.gserviceaccount.com" in err
    assert "Traceback" not in err


def test_a_key_the_token_endpoint_does_not_trust_is_refused(fake_sheets, foreign_sa_file, capsys):
    seed(fake_sheets)
    assert run(fake_sheets, foreign_sa_file) == 1
    assert "服务账号认证失败" in capsys.readouterr().err
    assert fake_sheets.sheets_requests() == []


def test_a_large_sheet_shows_progress_and_writes_in_requests_of_at_most_2_mb(fake_sheets, sa_file, capsys):
    rows = [JD_HEADER] + [
        line(str(300000000000 + i), "1", "货品", 1, "2022-06-16 09:00:00", "2022-06-16 10:00:00", "等待出库", "9.90")
        for i in range(2500)]
    sheet = seed(fake_sheets, rows)
    assert main(["annotate", BOOK, "--credentials", str(sa_file), "--as-of", AS_OF, "--platform", "jingxi",
                 "--googleapis-base-url", fake_sheets.url]) == 0
    captured = capsys.readouterr()
    assert "2500/2500" in captured.err
    writes = len(fake_sheets.sheets_requests()) - 2
    assert writes == math.ceil(sum(fake_sheets.body_sizes) / MAX_REQUEST_BYTES) >= 2
    assert max(fake_sheets.body_sizes) <= MAX_REQUEST_BYTES
    assert f"{writes} write request(s)" in captured.out
    assert f"已写入 written {writes}/{writes}（2500 行 rows）" in captured.err
    assert sheet.values[2500][col(sheet, "Ship status")] == "已超时未发货 overdue"
    assert [sheet.values[r][col(sheet, "Ship status")] for r in range(1, 2501)] == ["已超时未发货 overdue"] * 2500


def test_no_network_lookup_leaves_loopback(fake_sheets, sa_file):
    hosts = []
    recording = threading.Event()

    def hook(event, args):
        if recording.is_set() and event in ("socket.getaddrinfo", "socket.connect"):
            target = args[0] if event == "socket.getaddrinfo" else args[1]
            hosts.append(target[0] if isinstance(target, tuple) else target)

    sys.addaudithook(hook)
    seed(fake_sheets)
    recording.set()
    try:
        assert run(fake_sheets, sa_file) == 0
    finally:
        recording.clear()
    assert hosts and set(hosts) <= {"127.0.0.1"}, hosts


def test_the_module_runs_as_a_command_with_the_env_seam(fake_sheets, sa_file):
    sheet = seed(fake_sheets)
    env = {**os.environ, "JDPG_GOOGLEAPIS_BASE_URL": fake_sheets.url}
    done = subprocess.run([sys.executable, "-m", "sheets_addon", "annotate", BOOK, "--worksheet", "Orders",
                           "--credentials", str(sa_file), "--as-of", AS_OF, "--platform", "jingxi"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert header(sheet)[len(JD_HEADER):] == OWN_TITLES


@pytest.mark.parametrize("value,expected", [
    ("235711131719", "235711131719"), (129.0, "129"), (1.5, "1.5"), (True, "TRUE")])
def test_the_stand_in_formats_values_as_sheets_shows_them(value, expected):
    from standins.google_sheets import formatted
    assert formatted(value) == expected


def test_the_stand_in_refuses_a_write_beyond_the_grid(fake_sheets, sa_file):
    from sheets_addon.client import load_credentials, make_client
    import gspread
    seed(fake_sheets, column_count=len(JD_HEADER))
    client = make_client(load_credentials(str(sa_file)), fake_sheets.url)
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        client.open_by_key(BOOK).worksheet("Orders").update([["x"]], "Z1")


def test_the_merchants_options_reach_the_rules(fake_sheets, sa_file, capsys):
    sheet = seed(fake_sheets)
    assert run(fake_sheets, sa_file, "--at-risk-hours", "24", "--families", "shipping") == 0
    status = col(sheet, "Ship status")
    assert sheet.values[4][status] == "即将超时 at_risk", "20 h left, under the 24 h asked for"
    assert run(fake_sheets, sa_file, "--campaign", "double_11_2099") == 2
    assert "double_11_2099" in capsys.readouterr().err


def test_map_names_a_column_as_the_export_command_does_and_column_stays_an_alias(fake_sheets, sa_file):
    rows = [["单据", "钱到账时间"], ["1", "2022-06-16 10:00:00"]]
    for flag in ("--map", "--column"):
        sheet = seed(fake_sheets, [list(r) for r in rows], book=f"1Map{flag.strip('-')}Map0123456789012345678901234")
        assert run(fake_sheets, sa_file, flag, "单据=order_id", flag, "钱到账时间=paid_at",
                   book=f"1Map{flag.strip('-')}Map0123456789012345678901234") == 0
        assert sheet.values[1][col(sheet, "Ship by")] == "2022-06-20 10:00:00", "jingxi 618: a 96-hour day"
