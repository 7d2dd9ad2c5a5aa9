"""Export peak memory as the file grows: 1M rows ÷ 100k rows, for CSV, xlsx and .json input.

    .venv/bin/python bench/memory.py [--small 100000] [--large 1000000] [--runs 1] [--inputs DIR]

Each input is made from ``samples/make_sample_export.py``'s export of that many lines: the CSV as
it is; the xlsx with the same cells twice, ``xlsx`` with inline strings (as xlsxwriter's
constant-memory mode and POI's streaming writer write them) and ``xlsx-shared`` with every text in
the book's shared-strings table (as Excel saves a book); the ``.json`` as a list of contract
orders (the fields the rules read). Each is annotated by ``python -m server annotate FILE --format
csv`` in a process of its own, on each build of the rules core (pure Python, and compiled where
built), measured as ``bench/files.py`` measures (peak: the largest total resident size of the
command and its worker processes, sampled every 20 ms). Small and large runs alternate ``--runs``
times; the figure is the ratio of the large file's peak to the small one's (target ≤ 1.3×: memory
does not follow the file). ``--inputs`` keeps the made inputs in DIR and reuses them.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import ExitStack
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
import builds  # noqa: E402
from files import ANNOTATE, ROOT, measure, ratio_range  # noqa: E402 - the same measuring as the export bench

TARGET_RATIO = 1.3
KINDS = ("csv", "xlsx", "xlsx-shared", "json")
# The .json orders carry the fields the rules read, under the contract's names.
JSON_FIELDS = {"订单号": "order_id", "订购数量": "quantity", "京东价": "unit_price", "支付方式": "payment_method",
               "下单时间": "placed_at", "付款确认时间": "paid_at", "应付金额": "paid_amount", "订单状态": "order_status",
               "出库时间": "shipped_at", "订单完成时间": "completed_at", "快递揽收时间": "picked_up_at"}


def make_inputs(folder: Path, lines: int, kinds) -> dict:
    source = folder / f"orders-{lines}.csv"
    paths = {"csv": source, "xlsx": source.with_suffix(".xlsx"), "json": source.with_suffix(".json"),
             "xlsx-shared": source.with_name(f"{source.stem}-shared.xlsx")}
    if all(paths[kind].exists() for kind in kinds):
        return paths
    made = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample_export.py"), "--lines", str(lines),
                    "-o", str(source)], check=True, stderr=subprocess.DEVNULL)
    import xlsxwriter

    book = xlsxwriter.Workbook(str(paths["xlsx"]), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet() if "xlsx" in kinds else None
    with ExitStack() as stack:
        f = stack.enter_context(source.open(encoding="gbk", newline=""))
        out = stack.enter_context(paths["json"].open("w", encoding="utf-8"))
        shared = stack.enter_context(SharedStringsBook(paths["xlsx-shared"])) if "xlsx-shared" in kinds else None
        rows = csv.reader(f)
        header = next(rows)
        if sheet:
            sheet.write_row(0, 0, header)
        if shared:
            shared.write_row(header)
        picked = [(header.index(h), name) for h, name in JSON_FIELDS.items() if h in header]
        out.write("[")
        for n, row in enumerate(rows, start=1):
            # A CSV's protected cells (="…", a leading tab) are plain text in a book.
            row = [cell.strip('="\t') for cell in row]
            if sheet:
                for column, text in enumerate(row):
                    sheet.write_string(n, column, text)
            if shared:
                shared.write_row(row)
            order = {name: row[i] for i, name in picked if i < len(row) and row[i]}
            out.write(("," if n > 1 else "") + json.dumps(order, ensure_ascii=False))
        out.write("]")
    book.close()
    print(f"{lines:,} lines: " + ", ".join(f"{kind} {paths[kind].stat().st_size / 2**20:,.0f} MB" for kind in kinds)
          + f", made in {time.perf_counter() - made:.0f} s")
    return paths


class SharedStringsBook:
    """An xlsx whose texts are all in the shared-strings table, each distinct text once, numbered in
    the order first met (as Excel saves a book), written part by part."""

    def __init__(self, path: Path):
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}><sheetData>'.encode())
        self._strings = {}
        self._row = 0

    def write_row(self, cells) -> None:
        self._row += 1
        parts = [f'<row r="{self._row}">']
        for column, text in enumerate(cells):
            if text:
                index = self._strings.setdefault(text, len(self._strings))
                parts.append(f'<c r="{_column(column)}{self._row}" t="s"><v>{index}</v></c>')
        parts.append("</row>")
        self._sheet.write("".join(parts).encode())

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._sheet.write(b"</sheetData></worksheet>")
        self._sheet.close()
        with self._zip.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN} uniqueCount="{len(self._strings)}">'.encode())
            for text in self._strings:
                part.write(f"<si><t>{escape(text)}</t></si>".encode())
            part.write(b"</sst>")
        for name, text in BOOK_PARTS.items():
            self._zip.writestr(name, text)
        self._zip.close()


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
BOOK_PARTS = {
    "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types"><Default '
                           'Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                           '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                           f'workbook.xml" ContentType="{_SML}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
                           f'sheet1.xml" ContentType="{_SML}.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
                           f'xml" ContentType="{_SML}.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships"><Relationship '
                   f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {MAIN} xmlns:r="{_REL}"><sheets><sheet '
                       'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/'
                                  f'relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/'
                                  f'sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/sharedStrings" Target='
                                  '"sharedStrings.xml"/></Relationships>',
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000, help="lines of the small export")
    parser.add_argument("--large", type=int, default=1_000_000, help="lines of the large export")
    parser.add_argument("--runs", type=int, default=1, help="alternating small / large runs")
    parser.add_argument("--kinds", default=",".join(KINDS), help="input kinds, comma-separated")
    parser.add_argument("--inputs", type=Path, help="keep the inputs in this folder, and reuse them")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with ExitStack() as stack:
        folder = args.inputs or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        folder.mkdir(parents=True, exist_ok=True)
        small, large = make_inputs(folder, args.small, kinds), make_inputs(folder, args.large, kinds)
        for kind in kinds:
            for build in builds.available():
                peaks = {"small": [], "large": []}
                for _ in range(args.runs):
                    for size, inputs in (("small", small), ("large", large)):
                        # The .json orders carry the contract's names: no column to map.
                        options = ANNOTATE[:4] if kind == "json" else ANNOTATE
                        run = measure(["-m", "server", "annotate", str(inputs[kind]), "--format", "csv",
                                       "-o", str(folder / f"out-{kind}.csv"), *options], build)
                        peaks[size].append(run["peak"])
                ratios = [big / little for little, big in zip(peaks["small"], peaks["large"])]
                verdict = "met" if max(ratios) <= TARGET_RATIO else "missed"
                print(f"[{build}] {kind}: peak memory {min(peaks['small']) / 2**20:,.0f} MB at {args.small:,} rows, "
                      f"{min(peaks['large']) / 2**20:,.0f} MB at {args.large:,} rows: ratio {ratio_range(ratios)} "
                      f"(target ≤ {TARGET_RATIO}×: {verdict}; load average {os.getloadavg()[0]:.2f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
