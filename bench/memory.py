"""Export peak memory as the file grows: 1M rows ÷ 100k rows, for CSV, xlsx and .json input.

    .venv/bin/python bench/memory.py [--small 100000] [--large 1000000] [--runs 1]

Each input is made from ``samples/make_sample_export.py``'s export of that many lines: the CSV as
it is, the xlsx with the same cells (xlsxwriter, strings in the shared table as Excel writes
them), the ``.json`` as a list of contract orders (the fields the rules read). Each is annotated
by ``python -m server annotate FILE --format csv`` in a process of its own, measured as
``bench/files.py`` measures (peak: the largest total resident size of the command and its worker
processes, sampled every 20 ms). Small and large runs alternate ``--runs`` times; the figure is
the ratio of the large file's peak to the small one's (target ≤ 1.3×: memory does not follow the
file).
"""
import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from files import ANNOTATE, ROOT, measure, ratio_range  # noqa: E402 - the same measuring as the export bench

TARGET_RATIO = 1.3
KINDS = ("csv", "xlsx", "json")
# The .json orders carry the fields the rules read, under the contract's names.
JSON_FIELDS = {"订单号": "order_id", "订购数量": "quantity", "京东价": "unit_price", "支付方式": "payment_method",
               "下单时间": "placed_at", "付款确认时间": "paid_at", "应付金额": "paid_amount", "订单状态": "order_status",
               "出库时间": "shipped_at", "订单完成时间": "completed_at", "快递揽收时间": "picked_up_at"}


def make_inputs(folder: Path, lines: int, kinds) -> dict:
    made = time.perf_counter()
    source = folder / f"orders-{lines}.csv"
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample_export.py"), "--lines", str(lines),
                    "-o", str(source)], check=True, stderr=subprocess.DEVNULL)
    xlsx, as_json = source.with_suffix(".xlsx"), source.with_suffix(".json")
    import xlsxwriter

    book = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet() if "xlsx" in kinds else None
    with source.open(encoding="gbk", newline="") as f, as_json.open("w", encoding="utf-8") as out:
        rows = csv.reader(f)
        header = next(rows)
        if sheet:
            sheet.write_row(0, 0, header)
        picked = [(header.index(h), name) for h, name in JSON_FIELDS.items() if h in header]
        out.write("[")
        for n, row in enumerate(rows, start=1):
            if sheet:
                sheet.write_row(n, 0, row)
            order = {name: row[i].strip('="\t') for i, name in picked if i < len(row) and row[i]}
            out.write(("," if n > 1 else "") + json.dumps(order, ensure_ascii=False))
        out.write("]")
    book.close()
    print(f"{lines:,} lines: CSV {source.stat().st_size / 2**20:,.0f} MB, xlsx {xlsx.stat().st_size / 2**20:,.0f} MB "
          f"({'made' if sheet else 'not used'}), .json {as_json.stat().st_size / 2**20:,.0f} MB, "
          f"made in {time.perf_counter() - made:.0f} s")
    return {"csv": source, "xlsx": xlsx, "json": as_json}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000, help="lines of the small export")
    parser.add_argument("--large", type=int, default=1_000_000, help="lines of the large export")
    parser.add_argument("--runs", type=int, default=1, help="alternating small / large runs")
    parser.add_argument("--kinds", default=",".join(KINDS), help="input kinds, comma-separated")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        small, large = make_inputs(folder, args.small, kinds), make_inputs(folder, args.large, kinds)
        for kind in kinds:
            peaks = {"small": [], "large": []}
            for _ in range(args.runs):
                for size, inputs in (("small", small), ("large", large)):
                    # The .json orders carry the contract's names: no column to map.
                    options = ANNOTATE[:4] if kind == "json" else ANNOTATE
                    run = measure(["-m", "server", "annotate", str(inputs[kind]), "--format", "csv",
                                   "-o", str(folder / f"out-{kind}.csv"), *options])
                    peaks[size].append(run["peak"])
            ratios = [big / little for little, big in zip(peaks["small"], peaks["large"])]
            verdict = "met" if max(ratios) <= TARGET_RATIO else "missed"
            print(f"{kind}: peak memory {min(peaks['small']) / 2**20:,.0f} MB at {args.small:,} rows, "
                  f"{min(peaks['large']) / 2**20:,.0f} MB at {args.large:,} rows: ratio {ratio_range(ratios)} "
                  f"(target ≤ {TARGET_RATIO}×: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
