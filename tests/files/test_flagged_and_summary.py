"""``--only flagged`` and the xlsx copy's 汇总 Summary sheet, read back with openpyxl."""
import csv
import io
import zipfile
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from server.export_files.annotate import Job, annotate_file
from server.export_files.cli import main
from server.export_files.reader import open_export
from shared import parse_time

AS_OF = "2022-06-20 12:00:00"
HEADER = ["订单号", "商品名称", "付款确认时间", "揽收时间", "应付金额", "满3免3"]
# Jingxi 618 2022 (seed 004: 6月16日至6月18日成交的订单须96小时内完成发货): paid 06-16 is a 96-hour day.
OVERDUE = [["235711131701", "T恤", "2022-06-16 10:00:00", "", "59.00", ""],
           ["235711131701", "袜子", "2022-06-16 10:00:00", "", "59.00", ""]]
AT_RISK = [["235711131702", "凉席", "2022-06-16 13:00:00", "", "159.00", ""]]
PENDING = [["235711131703", "水杯", "2022-06-19 09:00:00", "", "29.00", ""],
           ["235711131706", "毛巾", "2022-06-19 15:30:00", "", "19.00", ""]]
ON_TIME = [["235711131707", "抽纸", "2022-06-02 23:30:00", "2022-06-03 08:00:00", "39.90", ""]]
OWED = [["235711131704", "纸巾", "2022-06-16 10:00:00", "2022-06-16 12:00:00", "6.45", "是"]]
BAD = [["235711131705", "电风扇", "2022-06-31 25:00:00", "", "199.00", ""]]
ROWS = OVERDUE + ON_TIME + AT_RISK + PENDING + OWED + BAD


def write_export(path, rows=ROWS):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([HEADER, *rows])
    path.write_bytes(text.getvalue().encode("gbk"))
    return path


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_bytes()[3:].decode("utf-8"), newline="")))


def ids(rows):
    return [row[0] for row in rows[1:]]


def test_only_flagged_keeps_the_lines_of_orders_needing_attention_and_the_bad_rows(tmp_path, capsys):
    source = write_export(tmp_path / "orders.csv")
    args = [str(source), "--platform", "jingxi", "--as-of", AS_OF, "--format", "csv"]
    assert main([*args, "-o", str(tmp_path / "all.csv")]) == 0
    assert main([*args, "-o", str(tmp_path / "flagged.csv"), "--only", "flagged"]) == 0
    out = capsys.readouterr().out
    everything, flagged = read_csv(tmp_path / "all.csv"), read_csv(tmp_path / "flagged.csv")
    expected = {row[0] for row in OVERDUE + AT_RISK + OWED + BAD}
    assert ids(flagged) == [i for i in ids(everything) if i in expected]
    assert ids(flagged).count(OVERDUE[0][0]) == 2, "every line of a flagged order"
    assert [row for row in everything if row[0] in expected] == flagged[1:], "the rows are the same rows"
    assert "行数 rows: 5（共读取 8 行 of 8 read）" in out


def test_only_flagged_gives_the_same_copy_in_several_processes(tmp_path):
    many = [[f"{row[0]}{n:04d}", *row[1:]] for n in range(400) for row in ROWS]  # ids of their own
    source = write_export(tmp_path / "orders.csv", many)
    export = open_export(source)
    export.close()
    job = Job(source=source, kind="csv", encoding=export.encoding, header=export.header, as_of=parse_time(AS_OF),
              defaults={"platform": "jingxi"}, only_flagged=True)
    outcomes = [annotate_file(job, tmp_path / f"out{n}.csv", "csv", jobs=n, listed_bad_rows=5,
                              on_bad_row=lambda bad: None, on_progress=lambda done: None) for n in (1, 2)]
    assert (tmp_path / "out1.csv").read_bytes() == (tmp_path / "out2.csv").read_bytes()
    assert outcomes[0] == outcomes[1] and outcomes[0].rows == 5 * 400 and outcomes[0].rows_read == 8 * 400


@pytest.fixture
def summary(tmp_path, capsys):
    source = write_export(tmp_path / "orders.csv")
    args = [str(source), "--platform", "jingxi", "--as-of", AS_OF]
    assert main([*args, "-o", str(tmp_path / "copy.csv")]) == 0
    assert main([*args, "-o", str(tmp_path / "copy.xlsx")]) == 0
    printed = capsys.readouterr().out
    book = openpyxl.load_workbook(tmp_path / "copy.xlsx")
    return {"book": book, "sheet": book["汇总 Summary"], "copy": read_csv(tmp_path / "copy.csv"),
            "printed": printed, "path": tmp_path / "copy.xlsx"}


def labelled(sheet):
    """Column A's labels with column B's values."""
    return {row[0]: row[1] for row in sheet.iter_rows(min_col=1, max_col=2, values_only=True) if row[0]}


def test_the_summary_sheet_follows_the_orders_and_counts_orders_by_ship_status(summary):
    assert summary["book"].sheetnames == ["订单 Orders", "汇总 Summary"], "the orders stay the first sheet"
    copy = summary["copy"]
    status_at = copy[0].index("JDPG 发货状态 Ship status")
    per_order = {}
    for row in copy[1:]:
        per_order[row[0]] = row[status_at].split(" ")[-1] if row[status_at] else None
    expected = Counter(per_order.values())
    values = labelled(summary["sheet"])
    assert values["已超时未发货 Overdue"] == expected["overdue"] == 1
    assert values["即将超时 At risk"] == expected["at_risk"] == 1
    assert values["待发货 Pending"] == expected["pending"] == 2
    assert values["按时发货 Shipped on time"] == expected["shipped_on_time"]
    assert values["订单合计 Orders in all"] == len(per_order) == 7


def test_the_summary_sheet_money_is_the_commands_own_totals(summary):
    values = labelled(summary["sheet"])
    printed = summary["printed"]
    owed = Decimal(str(values["应付赔偿 Compensation owed (¥)"])).quantize(Decimal("0.01"))
    assert owed > 0 and f"应付赔偿 compensation owed: ¥{owed}" in printed
    claimed = Decimal(str(values["若被索赔 If claimed (¥)"])).quantize(Decimal("0.01"))
    assert f"若被索赔 if claimed: ¥{claimed}" in printed
    owed_row = next(r for r in summary["sheet"].iter_rows(min_col=1, max_col=2) if r[0].value == "应付赔偿 Compensation owed (¥)")
    assert owed_row[1].number_format == "0.00"
    assert values["有错误的行 Bad rows (an errors cell)"] == 1 and values["已读取的行 Rows read"] == len(ROWS)


def test_the_summary_sheet_charts_orders_due_per_hour_over_the_next_48_hours(summary):
    sheet, copy = summary["sheet"], summary["copy"]
    as_of = datetime(2022, 6, 20, 12)
    table = [row for row in sheet.iter_rows(min_col=5, max_col=6, values_only=True) if isinstance(row[0], datetime)]
    assert [start for start, _ in table] == [as_of + timedelta(hours=k) for k in range(48)]
    status_at, ship_by_at = copy[0].index("JDPG 发货状态 Ship status"), copy[0].index("JDPG 发货截止 Ship by")
    due = Counter()
    for row in {r[0]: r for r in copy[1:]}.values():
        if row[status_at].endswith(("pending", "at_risk")):
            hours = (datetime.fromisoformat(row[ship_by_at]) - as_of) / timedelta(hours=1)
            due[int(hours)] += 1
    assert [count for _, count in table] == [due[k] for k in range(48)]
    assert sum(count for _, count in table) == 3
    chart = sheet._charts[0]
    assert chart.tagname == "barChart" and chart.type == "col"
    series = chart.series[0]
    assert series.val.numRef.f == "'汇总 Summary'!$F$5:$F$52"
    assert series.cat.numRef.f == "'汇总 Summary'!$E$5:$E$52"
    with zipfile.ZipFile(summary["path"]) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
