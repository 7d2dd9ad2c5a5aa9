"""Texts shaped to make a regular expression backtrack, sent down every path a text takes to the
core's patterns: the API's orders, a JOS ``orderPayment``, rows cells, a store's orders, export
cells and Sheets cells. Each must cost little CPU. The bound is generous (``CPU_BOUND`` seconds of
the process that reads the text) against the seconds to minutes such texts cost when the
amount-note pattern ran on a whole text before any length bound: one 2.4 kB value took 8 s.
"""
import csv
import json
import time

import psutil
import pytest
import requests

from server.export_files import cli
from sheets_addon.__main__ import main as sheets_main
from shared.order_input import parse_order
from standins.google_sheets import FakeSheets, key_pair, service_account_info
from standins.jd_export import JD_HEADER, line

CPU_BOUND = 1.5
AS_OF = "2022-06-20T12:00:00+08:00"
GOOD = {"order_id": "1001", "platform": "jingxi", "paid_at": "2022-06-16 10:00:00",
        "picked_up_at": "2022-06-20 11:00:00", "paid_amount": "129.00"}

# Each is about 2.4 to 4 kB: the amount note's three overlapping parts (amount, digit, spaces),
# its full-width brackets, digits and spaces for the thousands pattern, and a time's spaces.
TEXTS = [
    pytest.param(" " * 1200 + "1" + " " * 1200 + "(x)y", id="amount-note-spaces"),
    pytest.param("\u3000" * 1200 + "1" + "\u3000" * 1200 + "（注）。", id="amount-note-full-width"),
    pytest.param("1 " * 1200 + "(x", id="amount-note-digits-and-spaces"),
    pytest.param("1," * 2000 + "x", id="amount-comma-groups"),
    pytest.param("1 " * 2000 + "x", id="amount-space-groups"),
    pytest.param("2022" + " " * 4000 + "-6-16", id="time-spaces"),
]


def _cpu(pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


class _OwnCpu:
    def __enter__(self):
        self.start = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.process_time() - self.start


@pytest.mark.parametrize("text", TEXTS)
def test_a_backtracking_text_in_the_core_costs_little(text):
    with _OwnCpu() as cpu:
        for name in ("paid_amount", "order_status", "paid_at"):
            order, errors = parse_order({**GOOD, name: text})
            assert order is not None
    assert cpu.seconds < CPU_BOUND, f"{cpu.seconds:.2f} s of CPU"


def _api_cpu(server, path, body):
    pids = server.worker_pids()
    before = _cpu(pids)
    response = requests.post(server.url + path, json=body, timeout=60)
    return response, _cpu(pids) - before


@pytest.mark.parametrize("text", TEXTS)
def test_a_backtracking_text_in_an_api_order_costs_little(hostile_api, text):
    response, seconds = _api_cpu(hostile_api, "/api/v1/orders/annotate",
                                 {"as_of": AS_OF, "orders": [GOOD, {**GOOD, "order_id": "2", "paid_amount": text}]})
    assert response.status_code == 200, response.text[:300]
    assert seconds < CPU_BOUND, f"{seconds:.2f} s of CPU"
    assert "paid_amount" in [e["field"] for e in response.json()["results"][1]["errors"]]


@pytest.mark.parametrize("text", TEXTS)
def test_a_backtracking_text_in_a_jos_order_payment_costs_little(hostile_api, text):
    jos = {"orderId": "3", "orderPayment": text, "paymentConfirmTime": "2022-06-16 10:00:00"}
    response, seconds = _api_cpu(hostile_api, "/api/v1/orders/annotate",
                                 {"as_of": AS_OF, "orders": [GOOD, jos]})
    assert response.status_code == 200, response.text[:300]
    assert seconds < CPU_BOUND, f"{seconds:.2f} s of CPU"
    assert "paid_amount" in [e["field"] for e in response.json()["results"][1]["errors"]]


@pytest.mark.parametrize("text", TEXTS)
def test_a_backtracking_text_in_a_rows_cell_costs_little(hostile_api, text):
    header = ["订单号", "付款确认时间", "订单金额", "平台"]
    rows = [["1", "2022-06-16 10:00:00", "129.00", "京喜"], ["2", "2022-06-16 10:00:00", text, "京喜"]]
    response, seconds = _api_cpu(hostile_api, "/api/v1/rows/annotate", {"as_of": AS_OF, "header": header, "rows": rows})
    assert response.status_code == 200, response.text[:300]
    assert seconds < CPU_BOUND, f"{seconds:.2f} s of CPU"


@pytest.mark.parametrize("text", TEXTS)
def test_a_backtracking_text_in_a_store_order_costs_little(hostile_api, text):
    orders = [GOOD, {**GOOD, "order_id": "2", "paid_amount": text}]
    response, seconds = _api_cpu(hostile_api, "/api/v1/stores/evaluate",
                                 {"as_of": AS_OF, "store": {"platform": "jingxi"}, "orders": orders})
    assert response.status_code == 200, response.text[:300]
    assert seconds < CPU_BOUND, f"{seconds:.2f} s of CPU"


@pytest.mark.parametrize("text", TEXTS)
def test_a_backtracking_text_in_an_export_cell_costs_little(tmp_path, text):
    source = tmp_path / "orders.csv"
    rows = [JD_HEADER,
            line("235711131719", "100012", "保温杯", 1, "2022-06-16 09:58:12", "2022-06-16 10:00:00", "等待出库", "129.00"),
            line("235711131720", "100013", "茶叶", 1, "2022-06-16 09:58:12", "2022-06-16 10:00:00", "等待出库", text)]
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    with _OwnCpu() as cpu:
        code = cli.main([str(source), "-o", str(tmp_path / "out.csv"), "--as-of", "2022-06-20 12:00:00", "--jobs", "1"])
    assert code in (0, 3)  # written (3: a rule family judged no order)
    assert cpu.seconds < CPU_BOUND + 1.0, f"{cpu.seconds:.2f} s of CPU"  # the command's own start included


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """The Sheets API stand-in and a service-account key it knows."""
    private, public = key_pair()
    fake = FakeSheets(public_key_pem=public).start()
    key_file = tmp_path_factory.mktemp("sheets") / "sa.json"
    key_file.write_text(json.dumps(service_account_info(private)))
    yield fake, key_file
    fake.stop()


@pytest.mark.parametrize("text", TEXTS)
def test_a_backtracking_text_in_a_sheets_cell_costs_little(sheets, text):
    """``jdpg sheets annotate`` over real HTTP to the stand-in, which runs in this process: its CPU
    is counted too, within the same bound."""
    fake, key_file = sheets
    book = "1Patterns" + str(abs(hash(text)))[:12] + "abcdefghijklmnopqrstuvwxyz"
    fake.add_spreadsheet(book)
    sheet = fake.add_sheet(book, "Orders", [
        ["订单号", "付款确认时间", "订单金额", "平台"],
        ["1", "2022-06-16 10:00:00", "129.00", "京喜"], ["2", "2022-06-16 10:00:00", text, "京喜"]])
    with _OwnCpu() as cpu:
        code = sheets_main(["annotate", book, "--worksheet", "Orders", "--credentials", str(key_file),
                            "--as-of", "2022-06-20 12:00:00", "--googleapis-base-url", fake.url, "--no-progress"])
    assert code == 0
    assert any(str(v).startswith("JDPG ") for v in sheet.values[0])
    assert cpu.seconds < CPU_BOUND + 1.0, f"{cpu.seconds:.2f} s of CPU"
