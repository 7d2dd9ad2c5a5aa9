"""A large CSV is cut between orders and annotated by several processes: the copy is the same."""
import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from server.export_files.annotate import Job, annotate_file, merge_summaries
from server.export_files.csv_source import CsvExport
from server.export_files.reader import open_export
from server.export_files.split import plan_parts
from shared import BEIJING

AS_OF = datetime(2022, 6, 20, 12, tzinfo=BEIJING)
HEADER = ["订单号", "商品名称", "付款确认时间", "应付金额", "揽收时间", "订单备注"]


def export_text(orders: int) -> str:
    """Orders of one to three lines; some notes hold quotes and line breaks; some rows are bad."""
    rows = [HEADER]
    for n in range(orders):
        paid = f"2022-06-{1 + n % 19:02d} {n % 24:02d}:15:00"
        picked = "" if n % 5 == 0 else f"2022-06-{3 + n % 19:02d} 10:00:00"
        note = '加急\n"别放快递柜"' if n % 7 == 3 else ""
        for sku in range(1 + n % 3):
            bad = n % 41 == 5 and sku == 0
            rows.append([f'="{235711131719 + n}"', f"商品{sku}，规格{n % 4}", "2022-06-3x" if bad else paid,
                         "12.50", picked, note])
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue()


@pytest.fixture(params=["gbk", "utf-8-sig"])
def export(tmp_path, request) -> Path:
    path = tmp_path / "orders.csv"
    path.write_bytes(export_text(600).encode(request.param))
    return path


def read_parts(path, parts, encoding):
    records = []
    for part in parts:
        source = CsvExport(path, encoding=encoding, start=part.start, end=part.end, first_line=part.first_line)
        records.append(list(source.records()))
        source.close()
    return records


def test_parts_cover_the_file_and_cut_only_between_orders(export):
    whole = open_export(export)
    expected = list(whole.records())
    whole.close()
    parts = plan_parts(export, whole.encoding, 0, 4)
    assert len(parts) == 4
    assert parts[0].start == 0 and parts[-1].end == export.stat().st_size
    assert all(a.end == b.start for a, b in zip(parts, parts[1:]))
    pieces = read_parts(export, parts, whole.encoding)
    assert [record for piece in pieces for record in piece] == expected, "same records, same line numbers"
    for before, after in zip(pieces, pieces[1:]):
        assert before[-1][1][0] != after[0][1][0], "an order's lines stay in one part"


def test_a_cut_never_falls_inside_a_quoted_cell_with_a_line_break(tmp_path):
    rows = [["订单号", "订单备注"]] + [[str(n), "第一行\n第二行\n" * 40] for n in range(400)]
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    path = tmp_path / "notes.csv"
    path.write_bytes(text.getvalue().encode("gbk"))
    parts = plan_parts(path, "gb18030", 0, 3)
    assert len(parts) == 3
    pieces = read_parts(path, parts, "gb18030")
    assert [cells for piece in pieces for _, cells in piece] == rows[1:]


@pytest.mark.parametrize("jobs", [2, 3])
def test_annotating_in_several_processes_writes_the_same_copy_byte_for_byte(export, tmp_path, jobs):
    source = open_export(export)
    source.close()
    job = Job(source=export, kind="csv", encoding=source.encoding, header=source.header, as_of=AS_OF,
              defaults={"platform": "jingxi"})
    heard = {1: [], jobs: []}
    outcomes = {}
    for n in (1, jobs):
        outcomes[n] = annotate_file(job, tmp_path / f"out{n}.csv", "csv", jobs=n, listed_bad_rows=5,
                                    on_bad_row=heard[n].append, on_progress=lambda done: None)
    assert (tmp_path / f"out{jobs}.csv").read_bytes() == (tmp_path / "out1.csv").read_bytes()
    assert outcomes[jobs] == outcomes[1]
    assert heard[jobs] == heard[1] and len(heard[1]) == 5
    bad_orders = [n for n in range(600) if n % 41 == 5]
    assert outcomes[1].summary["errors"] == len(bad_orders)
    assert outcomes[1].bad_count == sum(1 + n % 3 for n in bad_orders), "every line of a bad order is bad"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv", "out1.csv", f"out{jobs}.csv"]


def test_summaries_of_parts_add_up_exactly():
    parts = [{"orders": 2, "late": 1, "compensation_total": "0.10", "losses_total": "5.00"},
             {"orders": 3, "late": 0, "compensation_total": "0.20", "losses_total": "0.00"}]
    assert merge_summaries(parts) == {"orders": 5, "late": 1, "compensation_total": "0.30", "losses_total": "5.00"}


def test_records_over_the_limits_are_bad_rows_in_every_part_and_the_rest_go_on(tmp_path):
    from server.export_files.csv_source import MAX_CELL_CHARS

    lines = export_text(16_000).split("\r\n")
    huge = [f'23571199900{k},"{"x" * (MAX_CELL_CHARS + 1)}",2022-06-16 10:00:00,1.00,,' for k in range(2)]
    for k, at in enumerate((len(lines) // 6, len(lines) * 5 // 6)):  # one in each part
        while lines[at].count('"') % 2:  # never inside a quoted note
            at += 1
        lines.insert(at, huge[k])
    path = tmp_path / "orders.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    source = open_export(path)
    source.close()
    parts = plan_parts(path, source.encoding, 0, 2)
    assert len(parts) == 2
    job = Job(source=path, kind="csv", encoding=source.encoding, header=source.header, as_of=AS_OF,
              defaults={"platform": "jingxi"})
    heard = {1: [], 2: []}
    outcomes = {n: annotate_file(job, tmp_path / f"out{n}.csv", "csv", jobs=n, listed_bad_rows=1000,
                                 on_bad_row=heard[n].append, on_progress=lambda done: None) for n in (1, 2)}
    assert (tmp_path / "out2.csv").read_bytes() == (tmp_path / "out1.csv").read_bytes()
    assert outcomes[2] == outcomes[1] and heard[2] == heard[1]
    text = "\r\n".join(lines)
    physical = [text.count("\n", 0, text.index(line)) + 1 for line in huge]
    assert [bad.line for bad in heard[1] if "not read" in bad.reason] == physical
    assert parts[0].end < text.encode("gb18030").index(huge[1].encode()), "the second is in the second part"
    assert outcomes[1].rows == len(lines) - 2, "every other row is written (all but the header and the end)"
