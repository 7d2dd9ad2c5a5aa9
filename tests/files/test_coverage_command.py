"""Never a false all-clear: ``jdpg annotate`` says what it could not judge, first, with the fix.

The sample export with 付款确认时间 renamed 付款日期 (or dropped) used to end "late: 1 … at risk: 0"
with exit 0, where the same file with JD's header gives 28 late and 4 at risk.
"""
import csv
import io

import openpyxl

from server.export_files.cli import EXIT_GAP, main
from tests.support.exports import SAMPLE, read_csv_output

AS_OF = "2022-06-20 12:00:00"


def _sample(tmp_path, rename=None, drop=None):
    with open(SAMPLE, encoding="gbk", newline="") as f:
        header, *rows = list(csv.reader(f))
    if rename:
        header = [rename.get(h, h) for h in header]
    if drop:
        cut = header.index(drop)
        header = header[:cut] + header[cut + 1:]
        rows = [r[:cut] + r[cut + 1:] for r in rows]
    text = io.StringIO(newline="")
    csv.writer(text).writerows([header, *rows])
    path = tmp_path / "orders.csv"
    path.write_bytes(text.getvalue().encode("gbk"))
    return path


def test_a_renamed_payment_column_leads_the_closing_lines_with_the_fix(tmp_path, capsys):
    source = _sample(tmp_path, rename={"付款确认时间": "付款日期"})
    code = main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "out.xlsx")])
    printed = capsys.readouterr().out
    first = printed.splitlines()[0]
    assert first.startswith("！！ ") and "单无法判断发货时效：表头中没有付款时间列。是不是“付款日期”？可用 --map 付款日期=paid_at" in first
    assert "Use --map 付款日期=paid_at" in printed.splitlines()[1]
    assert "单无法判断，见上" in printed  # the late and at-risk counts say how many orders they leave out
    assert code == 0  # two cancelled orders were judged: nothing to ship
    assert main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "out.xlsx"), "--strict"]) == EXIT_GAP

    # The fix the line gives works: every deadline is back.
    capsys.readouterr()
    assert main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "fixed.xlsx"), "--map", "付款日期=paid_at",
                 "--families", "shipping"]) == 0
    fixed = capsys.readouterr().out
    assert "超时 late: 28 " in fixed and "即将超时 at risk: 4" in fixed and "发货时效：表头" not in fixed


def test_the_summary_sheet_shows_coverage_and_leads_with_the_gap(tmp_path):
    source = _sample(tmp_path, rename={"付款确认时间": "付款日期"})
    main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "out.xlsx")])
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["汇总 Summary"]
    assert sheet["A3"].value.startswith("！！ ") and "--map 付款日期=paid_at" in sheet["A3"].value
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_col=1, max_col=3, values_only=True) if r[0]}
    judged, not_judged = rows["发货时效 the ship-by deadline"]
    assert judged + not_judged == 79 and not_judged >= 75
    assert rows["无法判断发货时效 Ship-by not judged"][0] == not_judged
    assert any(str(label).startswith(f"  {not_judged} 单无法判断发货时效") for label in rows)


def test_a_dropped_column_no_order_could_use_exits_3_and_shows_dashes_not_zeros(tmp_path, capsys):
    source = _sample(tmp_path, drop="付款确认时间")
    out = tmp_path / "out.csv"
    # Without the column, every order to ship lacks its deadline; cancelled ones are still judged.
    assert main([str(source), "--as-of", AS_OF, "-o", str(out), "--families", "shipping"]) == 0
    printed, err = capsys.readouterr()
    assert "表头中没有付款时间列" in printed.splitlines()[0]
    # Only orders that are waiting: none can be judged, so counts are "—", never 0.
    with open(source, encoding="gbk", newline="") as f:
        header, *rows = list(csv.reader(f))
    status = header.index("订单状态")
    waiting = [r for r in rows if r[status] == "等待出库"]
    text = io.StringIO(newline="")
    csv.writer(text).writerows([header, *waiting])
    source.write_bytes(text.getvalue().encode("gbk"))
    assert main([str(source), "--as-of", AS_OF, "-o", str(out), "--families", "shipping"]) == EXIT_GAP
    printed, err = capsys.readouterr()
    assert "超时 late: — " in printed and "即将超时 at risk: —（无法判断发货时效" in printed
    assert "补贴损失 subsidy lost: —" in printed and "at risk: 0" not in printed
    assert f"退出码 {EXIT_GAP}" in err
    copy = read_csv_output(out)
    status_cells = [r[copy[0].index("JDPG 发货状态 Ship status")] for r in copy[1:]]
    assert set(status_cells) == {"无法判断发货时效 not_judged"}, "no blank cell that reads as nothing to do"


def test_families_not_run_are_dashes_not_zeros(tmp_path, capsys):
    source = _sample(tmp_path)
    assert main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "out.csv"), "--families", "price"]) == 0
    printed = capsys.readouterr().out
    assert "超时 late: — " in printed and "未运行" in printed


def test_unreadable_values_alone_are_bad_rows_not_exit_3(tmp_path, capsys):
    source = tmp_path / "orders.csv"
    source.write_bytes("订单号,付款确认时间,订单状态\r\n1,2022-06-31 25:00:00,等待出库\r\n".encode("gbk"))
    assert main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "out.csv"), "--families", "shipping"]) == 0
    printed = capsys.readouterr().out
    assert "有错误的行 bad rows: 1" in printed and "超时 late: — " in printed
    assert main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "out.csv"), "--families", "shipping",
                 "--strict"]) == EXIT_GAP
