"""The xlsx copy's second sheet, 汇总 Summary: the file at a glance.

Orders by ship status, the money (owed, if claimed, subsidy lost), what the copy could not hold,
and the orders due in each of the next 48 hours from "as of", as a table and a native Excel
column chart drawn from that table (so it stays an Excel chart the merchant can restyle).
The orders sheet stays first: a copy annotated again reads its first sheet.
"""
from decimal import Decimal

from shared.vocabulary import SHIP_STATUS, VOCAB

from .tally import HOURS_AHEAD, STATUS_ORDER
from .writer import OUTPUT_NOTES

SHEET_NAME = "汇总 Summary"
# Words for the two tally rows that are not ship statuses.
OTHER_STATUS = {"nothing_to_ship": ("无需发货（已取消、锁定等）", "Nothing to ship (cancelled, locked …)"),
                "not_judged": ("无法判断发货时效", "Ship-by not judged"),
                "error": ("无法读取订单号", "No readable order id")}
# Each money row and the rule families whose rules make it.
MONEY_ROWS = (("compensation_total", "应付赔偿", "Compensation owed (¥)", ("price", "promotions")),
              ("if_claimed_total", "若被索赔", "If claimed (¥)", ("price", "promotions")),
              ("losses_total", "补贴损失", "Subsidy lost (¥)", ("shipping",)))
HOUR_TABLE_ROW = 3  # where the hourly table starts (0-based), beside the counts
NOT_MEASURED = "—"
HOUR_TABLE_COL = 4


def _write_coverage(sheet, row: int, coverage: dict, head) -> int:
    """The coverage table: per family run, orders judged and not, then each reason with its
    count. Returns the last row written."""
    sheet.write_string(row, 0, "判断覆盖 Coverage", head)
    sheet.write_string(row, 1, "可判断 Judged", head)
    sheet.write_string(row, 2, "无法判断 Not judged", head)
    for family, entry in coverage.items():
        row += 1
        words = VOCAB["phrases"]["family"][family]
        sheet.write_string(row, 0, f"{words['zh']} {words['en']}")
        sheet.write_number(row, 1, entry["judged"])
        sheet.write_number(row, 2, entry["not_judged"])
        for reason in entry["reasons"]:
            row += 1
            sheet.write_string(row, 0, f"  {reason['message']} / {reason['message_en']}")
            sheet.write_number(row, 2, reason["orders"])
    return row


def status_label(status: str) -> tuple[str, str]:
    if status in SHIP_STATUS:
        return SHIP_STATUS[status]["zh"], SHIP_STATUS[status]["en"]
    return OTHER_STATUS[status]


class _Cells:
    """Cells gathered first, then written row by row: a constant-memory workbook (the orders
    sheet needs one) ignores a write to a row above the last one written."""

    def __init__(self):
        self.cells = {}

    def __getattr__(self, method):
        def gather(row, col, *args):
            self.cells[row, col] = (method, args)
        return gather

    def write_to(self, sheet) -> None:
        for (row, col), (method, args) in sorted(self.cells.items()):
            getattr(sheet, method)(row, col, *args)


def write_summary_sheet(book, outcome) -> None:
    """Adds the sheet to an xlsxwriter workbook; ``outcome`` is the file's ``annotate.Outcome``."""
    tally, summary = outcome.tally, outcome.summary
    real_sheet = book.add_worksheet(SHEET_NAME)
    sheet = _Cells()
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1})
    money = book.add_format({"num_format": "0.00"})
    hour = book.add_format({"num_format": "mm-dd hh:mm"})
    real_sheet.set_column(0, 0, 34)
    real_sheet.set_column(1, 1, 12)
    real_sheet.set_column(HOUR_TABLE_COL, HOUR_TABLE_COL, 16)
    real_sheet.set_column(HOUR_TABLE_COL + 1, HOUR_TABLE_COL + 1, 12)
    as_of = tally.as_of.replace(tzinfo=None)
    sheet.write_string(0, 0, "汇总 Summary", title)
    sheet.write_string(1, 0, "以此时间为准 As of (Beijing time)", bold)
    sheet.write_datetime(1, 1, as_of, book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}))

    coverage = summary.get("coverage", {})
    loud = [r for entry in coverage.values() for r in entry["reasons"]
            if r["code"] == "missing_column" or 2 * r["orders"] > entry["orders"]]
    if loud:  # what could not be judged leads, loudly, with the fix
        alarm = book.add_format({"bold": True, "font_color": "#C00000"})
        sheet.write_string(2, 0, f"！！ {loud[0]['message']} / {loud[0]['message_en']}", alarm)

    row = HOUR_TABLE_ROW
    sheet.write_string(row, 0, "发货状态 Ship status", head)
    sheet.write_string(row, 1, "订单 Orders", head)
    shipping = coverage.get("shipping")
    # Not measured ("—"), never 0: shipping not run, or no order's deadline could be worked out.
    unmeasured = bool(coverage) and (shipping is None or (shipping["orders"] and not shipping["judged"]))
    for status in STATUS_ORDER:
        row += 1
        zh, en = status_label(status)
        sheet.write_string(row, 0, f"{zh} {en}")
        if unmeasured and status not in ("not_judged", "error"):
            sheet.write_string(row, 1, NOT_MEASURED)
        else:
            sheet.write_number(row, 1, tally.by_status.get(status, 0))
    row += 1
    sheet.write_string(row, 0, "订单合计 Orders in all", bold)
    sheet.write_number(row, 1, summary["orders"], bold)

    row = _write_coverage(sheet, row + 2, coverage, head)

    row += 2
    sheet.write_string(row, 0, "金额 Money", head)
    sheet.write_string(row, 1, "¥", head)
    for key, zh, en, families in MONEY_ROWS:
        row += 1
        sheet.write_string(row, 0, f"{zh} {en}")
        run = [coverage[f] for f in families if f in coverage]
        if coverage and (not run or all(e["orders"] and not e["judged"] for e in run)):
            sheet.write_string(row, 1, NOT_MEASURED)
            continue
        # A 2-decimal yuan amount under 10^13 reads back from the double exactly.
        sheet.write_number(row, 1, float(Decimal(summary[key])), money)

    row += 2
    sheet.write_string(row, 0, "行 Rows", head)
    sheet.write_string(row, 1, "", head)
    counts = [("已读取的行 Rows read", outcome.rows_read), ("已写入的行 Rows written", outcome.rows),
              ("有错误的行 Bad rows (an errors cell)", outcome.bad_count)]
    counts += [(f"{OUTPUT_NOTES[kind][0]} / {OUTPUT_NOTES[kind][1]}", outcome.notes.get(kind, 0)) for kind in OUTPUT_NOTES]
    for label, count in counts:
        row += 1
        sheet.write_string(row, 0, label)
        sheet.write_number(row, 1, count)

    top = HOUR_TABLE_ROW
    sheet.write_string(top, HOUR_TABLE_COL, "时段开始 Hour from", head)
    sheet.write_string(top, HOUR_TABLE_COL + 1, "待发货到期 Due", head)
    for k, (start, count) in enumerate(zip(tally.hour_starts(), tally.due_by_hour), start=top + 1):
        sheet.write_datetime(k, HOUR_TABLE_COL, start.replace(tzinfo=None), hour)
        sheet.write_number(k, HOUR_TABLE_COL + 1, count)
    chart = book.add_chart({"type": "column"})
    chart.add_series({
        "name": "待发货到期订单 Orders due",
        "categories": [SHEET_NAME, top + 1, HOUR_TABLE_COL, top + HOURS_AHEAD, HOUR_TABLE_COL],
        "values": [SHEET_NAME, top + 1, HOUR_TABLE_COL + 1, top + HOURS_AHEAD, HOUR_TABLE_COL + 1],
        "fill": {"color": "#F4B183"}, "gap": 30})
    chart.set_title({"name": f"未来 {HOURS_AHEAD} 小时每小时到期的待发货订单 Orders due per hour, next {HOURS_AHEAD} h"})
    chart.set_x_axis({"name": "北京时间 Beijing time", "num_format": "mm-dd hh:mm", "date_axis": False})
    chart.set_y_axis({"name": "订单 Orders", "min": 0})
    chart.set_legend({"none": True})
    chart.set_size({"width": 900, "height": 360})
    sheet.write_to(real_sheet)
    real_sheet.insert_chart(top, HOUR_TABLE_COL + 3, chart)
