"""Export inputs built so that memory would follow them: a small xlsx of millions of empty rows and
no ``<dimension>`` (openpyxl sized it by parsing it whole), and ``.json`` input (read whole and
flattened, about 26 times its size). Each runs under an address-space limit it must stay within."""
import json
import os
import subprocess
import sys

import pytest

from tests.support import ROOT
from tests.support.hostile_files import AS_OF, ONE_GB, WRITTEN, header_and_good_rows, raw_xlsx, read_csv, run

HALF_GB = ONE_GB // 2


def _empty_rows(count, per_piece=100_000):
    for _ in range(count // per_piece):
        yield b"<row/>" * per_piece


def test_a_1_mb_xlsx_of_millions_of_empty_rows_and_no_dimension_is_read_within_half_a_gb(tmp_path):
    source = raw_xlsx(tmp_path / "orders.xlsx", [*header_and_good_rows(), *_empty_rows(6_000_000)])
    assert source.stat().st_size < 1 << 20
    result = run(source, "-o", tmp_path / "out.csv", memory_limit=HALF_GB)
    assert result.returncode in WRITTEN, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "no default style" not in result.stderr


def test_an_xlsx_written_without_styles_gives_no_openpyxl_warning(tmp_path):
    source = raw_xlsx(tmp_path / "orders.xlsx", header_and_good_rows())
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.returncode in WRITTEN, result.stderr
    assert "Warning" not in result.stderr and "default style" not in result.stderr


def _orders(count):
    yield "["
    for i in range(count):
        yield ("," if i else "") + json.dumps({"order_id": str(235711131720 + i), "platform": "jingxi",
                                                "paid_at": "2022-06-16 10:00:00", "paid_amount": "129.00",
                                                "item_name": "抽纸 纸巾 三层 120 抽 整箱装",
                                                "warehouse_log": "out " * 400})
    yield "]"


def test_a_json_export_of_100_mb_is_read_within_half_a_gb(tmp_path):
    source = tmp_path / "orders.json"
    with source.open("w", encoding="utf-8") as f:
        for piece in _orders(60_000):
            f.write(piece)
    assert source.stat().st_size > 100 << 20
    result = run(source, "-o", tmp_path / "out.csv", memory_limit=HALF_GB)
    assert result.returncode in WRITTEN, result.stderr[-2000:]


# The command run with its peak resident size written at exit: the high-water mark of the process's
# own memory (VmHWM), not ru_maxrss, which counts what the forking test process held before exec.
_MEASURED = """import atexit, runpy, sys
peak_file = sys.argv.pop(1)
def _peak():
    with open("/proc/self/status") as status, open(peak_file, "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(_peak)
sys.argv[0] = "jdpg"
runpy.run_module("server", run_name="__main__")
"""


def _peak_resident_bytes(source, out, peak_file):
    """The command's peak resident size (its own: a .json is annotated in one process)."""
    done = subprocess.run([sys.executable, "-c", _MEASURED, str(peak_file), "annotate", str(source), "-o", str(out),
                           "--platform", "jingxi", "--as-of", AS_OF], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode in WRITTEN, done.stderr[-2000:]
    return int(peak_file.read_text()) * 1024


def test_a_json_of_400000_orders_peaks_within_8_mb_of_one_of_20000(tmp_path):
    """The lines-apart check remembers every order id met: in a table that grew 8-16 bytes an order
    (about 12 MB more at 400,000 orders, doubling), now within a fixed budget (BoundedSeenIds)."""
    peaks = []
    for count in (20_000, 400_000):
        source = tmp_path / f"orders-{count}.json"
        source.write_text("[" + ",".join(json.dumps({"order_id": str(235711131720 + 7 * i)}) for i in range(count))
                          + "]")
        peaks.append(_peak_resident_bytes(source, tmp_path / "out.csv", tmp_path / "peak"))
    assert peaks[1] - peaks[0] < 8 << 20, [peak >> 20 for peak in peaks]


@pytest.mark.parametrize("text", [
    pytest.param('[{"order_id": "1", "paid_at": "2022-06-16 10:00:00"}, {"order_id": "2", "quantity": %s}]',
                 id="list-order-quantity"),
    pytest.param('{"jingdong_pop_order_enSearch_responce": {"searchorderinfo_result": {"orderInfoList": '
                 '[{"orderId": "1"}, {"orderId": "2", "orderPayment": %s}]}}}', id="jos-envelope-orderPayment"),
    pytest.param('[{"order_id": "1"}, {"order_id": %s}]', id="order-id"),
])
def test_a_5000_digit_integer_in_a_json_file_is_an_error_on_its_order(tmp_path, text):
    source = tmp_path / "orders.json"
    source.write_text(text % ("9" * 5000))
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.returncode in WRITTEN, result.stderr[-2000:]
    assert "internal" not in result.stderr and "Traceback" not in result.stderr
    rows = read_csv(tmp_path / "out.csv")
    errors = rows[0].index("JDPG 错误 Errors")
    assert len(rows) == 3 and rows[2][errors]


def test_a_csv_of_300000_lines_of_one_order_id_is_read_within_half_a_gb_in_runs_that_say_so(tmp_path):
    """An order's lines wait in memory until it ends: one id on every line made memory follow the
    file (a 1M-line book of one id took 2 GB). Runs of ``MAX_ORDER_LINES`` are annotated apart."""
    from shared.rows import MAX_ORDER_LINES

    source = tmp_path / "orders.csv"
    lines = 300_000
    with source.open("w", encoding="utf-8") as f:
        f.write("订单号,商品名称,付款确认时间,订购数量\n")
        for _ in range(lines):
            f.write("235711131720,抽纸 纸巾 三层 120 抽 整箱装 " + "x" * 200 + ",2022-06-16 10:00:00,1\n")
    result = run(source, "-o", tmp_path / "out.csv", "--jobs", "1", memory_limit=HALF_GB)
    assert result.returncode in WRITTEN, result.stderr[-2000:]
    rows = read_csv(tmp_path / "out.csv")
    errors = rows[0].index("JDPG 错误 Errors")
    assert len(rows) == lines + 1
    notes = {row[errors] for row in rows[1:]}
    assert len(notes) == 1 and f"over {MAX_ORDER_LINES:,} lines" in notes.pop()
    # Not said to be apart: the runs of one long order come back by design.
    assert not any("not together" in row[errors] for row in rows[1:])
