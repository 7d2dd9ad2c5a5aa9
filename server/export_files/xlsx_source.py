"""Reading the first sheet of an ``.xlsx`` order export, row by row (openpyxl read-only).

Before openpyxl parses anything, the shared strings and the sheet are scanned as bytes: a cell
over ``MAX_CELL_BYTES`` of XML text refuses the file, naming the cell. openpyxl is imported on
first use: the CSV path never loads it.
"""
import functools
import itertools
import re
import tempfile
import warnings
import zipfile
from array import array
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterator, NamedTuple
from zipfile import BadZipFile

from shared.headers import MAX_ROWS_ABOVE_HEADER, header_row_index

from .source import BrokenFile, UnreadableFile

MAX_CELL_BYTES = 1 << 20
SCAN_CHUNK = 1 << 20
# Bytes of an xlsx book's shared strings (their UTF-8 text and 8 bytes each for where it ends) kept
# in memory; the strings past it go to unnamed temporary files, read back SPILL_BLOCK bytes at a time.
STRINGS_MEMORY = 8 << 20
SPILL_BLOCK = 1 << 16


class XlsxExport:
    """The first sheet of an ``.xlsx`` export, read row by row (openpyxl read-only).

    Before openpyxl parses anything, the shared strings and the sheet are scanned as bytes for a
    cell over ``MAX_CELL_BYTES`` (refused, naming the cell) and for formula cells that have no
    cached value (the copy can only hold them empty: ``notes`` says so on their rows).
    """

    kind = "xlsx"

    def __init__(self, path: Path):
        from xml.etree.ElementTree import ParseError

        from openpyxl.utils.exceptions import InvalidFileException

        self.path = path
        self.encoding = None
        self.notes = {}
        try:
            reader = _lean_reader_class()(path)
            with warnings.catch_warnings():
                # A book written without styles (most exports made by code) is read the same way.
                warnings.filterwarnings("ignore", message="Workbook contains no default style", category=UserWarning)
                reader.read()
            self._book = reader.wb
            self._strings = reader.shared_strings
            sheet = self._book.worksheets[0]
            scan = reader.scan
        except CellTooLarge as exc:
            raise UnreadableFile(path, f"单元格 {exc.cell} 超过 {MAX_CELL_BYTES:,} 字节，文件未读取（Excel 单元格最多 "
                                       "32,767 个字符）",
                                 f"cell {exc.cell} is over {MAX_CELL_BYTES:,} bytes: the file is not read "
                                 "(an Excel cell holds at most 32,767 characters)") from None
        except (InvalidFileException, BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, ParseError,
                IndexError, TypeError, AttributeError, EOFError) as exc:
            raise UnreadableFile(path, f"不是可读取的 .xlsx 文件（{_short(exc)}）",
                                 f"not a readable .xlsx file ({_short(exc)})") from None
        self.notes = {row: (f"{'、'.join(cells)} 的公式没有缓存的计算结果，复制为空 / formula cell(s) "
                            f"{', '.join(cells)} hold no computed value: copied empty")
                      for row, cells in scan.lost.items()}
        self.size = scan.last_row
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        self._line = 0
        self.preamble = []
        try:
            first = next(self._rows, None)
            if first is not None:
                above = header_row_index([[cell_text(v) for v in row] for row in itertools.islice(
                    sheet.iter_rows(values_only=True), MAX_ROWS_ABOVE_HEADER + 1)])
                for _ in range(above):
                    self.preamble.append([cell_text(v) for v in first[1]])
                    first = next(self._rows, None)
        except _SHEET_ERRORS as exc:
            self.close()
            raise UnreadableFile(path, f"第一个工作表无法读取（{_short(exc)}）",
                                 f"the first sheet cannot be read ({_short(exc)})") from None
        header = [] if first is None else [cell_text(v) for v in first[1]]
        while header and not header[-1]:
            header.pop()
        if not header:
            self.close()
            raise UnreadableFile(path, "第一个工作表是空的，没有表头行", "the first sheet is empty: no header row")
        self.header = header

    def records(self) -> Iterator[tuple[int, list]]:
        try:
            for self._line, values in self._rows:
                if any(v is not None and v != "" for v in values):
                    yield self._line, list(values)
        except _SHEET_ERRORS as exc:
            bad = self._line + 1
            raise BrokenFile(self.path, bad, f"第 {bad} 行起工作表无法读取（{_short(exc)}）",
                             f"the sheet cannot be read from row {bad} on ({_short(exc)})") from None

    def progress(self) -> int:
        return self._line

    def close(self) -> None:
        self._book.close()
        if isinstance(self._strings, StringTable):
            self._strings.close()


class StringTable:
    """An xlsx book's shared strings, compact: one UTF-8 buffer, and where each string ends.

    A book numbers its strings in the order first met, so a sheet read top to bottom asks for them
    mostly in that order, and the texts met early (statuses, products, payment words) are the ones
    asked for again and again. The first ``memory`` bytes of strings stay in memory; the rest, each
    order's own texts (its id, its times), are written to two unnamed temporary files, texts and
    where each ends, and read back a block at a time: memory stays flat in the rows. Where no
    temporary file can be written, they stay in memory as before."""

    __slots__ = ("_blob", "_ends", "_memory", "_spilled", "_texts", "_text_ends", "_pending", "_pending_ends",
                 "_written", "_ends_block", "_ends_first", "_text_block", "_text_first")

    def __init__(self, memory: int = STRINGS_MEMORY):
        self._blob = bytearray()
        self._ends = array("Q")
        self._memory = memory
        self._spilled = 0  # strings in the files
        self._texts = self._text_ends = None
        self._pending = bytearray()
        self._pending_ends = array("Q")
        self._written = 0  # bytes of text in the files and pending
        self._ends_block, self._ends_first = array("Q"), -1
        self._text_block, self._text_first = b"", -1

    def append(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        if self._texts is None:
            if len(self._blob) + 8 * len(self._ends) + len(data) <= self._memory or not self._open_files():
                self._blob += data
                self._ends.append(len(self._blob))
                return
        self._pending += data
        self._written += len(data)
        self._pending_ends.append(self._written)
        self._spilled += 1
        if len(self._pending) >= SPILL_BLOCK or len(self._pending_ends) * 8 >= SPILL_BLOCK:
            self._flush()

    def _open_files(self) -> bool:
        try:
            self._texts = tempfile.TemporaryFile(prefix="jdpg-strings-")
            self._text_ends = tempfile.TemporaryFile(prefix="jdpg-strings-")
        except OSError:
            self._texts = self._text_ends = None
            self._memory = float("inf")
            return False
        return True

    def _flush(self) -> None:
        self._texts.seek(0, 2)
        self._texts.write(self._pending)
        self._text_ends.seek(0, 2)
        self._text_ends.write(self._pending_ends)
        self._pending = bytearray()
        self._pending_ends = array("Q")

    def __len__(self) -> int:
        return len(self._ends) + self._spilled

    def __getitem__(self, index: int) -> str:
        if index < 0:  # an index in the sheet's XML: never counted from the end
            raise IndexError(f"shared string {index} does not exist")
        held = len(self._ends)
        if index < held:
            end = self._ends[index]
            start = self._ends[index - 1] if index else 0
            return self._blob[start:end].decode("utf-8", "surrogatepass")
        index -= held
        if index >= self._spilled:
            raise IndexError(f"shared string {index + held} does not exist")
        if self._pending_ends:
            self._flush()
        start = self._spilled_end(index - 1) if index else 0
        end = self._spilled_end(index)
        block, first = self._text_block, self._text_first
        if not (first <= start and end <= first + len(block)):
            self._texts.seek(start)
            if not first <= start <= first + len(block) + SPILL_BLOCK:  # far from the last: just this text
                return self._texts.read(end - start).decode("utf-8", "surrogatepass")
            block, first = self._texts.read(max(SPILL_BLOCK, end - start)), start  # reading on: a block
            self._text_block, self._text_first = block, first
        return block[start - first:end - first].decode("utf-8", "surrogatepass")

    def _spilled_end(self, index: int) -> int:
        block, first = self._ends_block, self._ends_first
        if first <= index < first + len(block):
            return block[index - first]
        if not first <= index < first + len(block) + SPILL_BLOCK // 8:  # far from the last: just this end
            self._text_ends.seek(8 * index)
            single = array("Q")
            single.frombytes(self._text_ends.read(8))
            return single[0]
        first = index - index % (SPILL_BLOCK // 8)  # reading on: the block holding it
        self._text_ends.seek(8 * first)
        block = array("Q")
        block.frombytes(self._text_ends.read(SPILL_BLOCK))
        self._ends_block, self._ends_first = block, first
        return block[index - first]

    def close(self) -> None:
        for part in (self._texts, self._text_ends):
            if part is not None:
                part.close()


# What openpyxl raises on a sheet whose XML is broken or says impossible things (a column past
# ZZZ, a shared string that is not there, a value of the wrong kind).
_SHEET_ERRORS = (SyntaxError, ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError)


class CellTooLarge(Exception):
    def __init__(self, cell: str):
        super().__init__(cell)
        self.cell = cell


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


@functools.cache
def _lean_reader_class():
    """Made on first use: the CSV path never imports openpyxl."""
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.cell.read_only import EMPTY_CELL
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    string_tag = "{%s}si" % SHEET_MAIN_NS
    data_tag = "{%s}sheetData" % SHEET_MAIN_NS
    row_tag = "{%s}row" % SHEET_MAIN_NS

    class RowsParser(WorkSheetParser):
        """openpyxl's sheet parser reading only the rows, each dropped from the tree once read:
        openpyxl's own clears a row but leaves it in ``<sheetData>`` (~0.1 KB a row kept to the
        end). A values-only reading needs nothing but the rows."""

        def parse(self):
            data = None
            for event, element in iterparse(self.source, events=("start", "end")):
                if event == "start":
                    if data is None and element.tag == data_tag:
                        data = element
                elif element.tag == row_tag:
                    row = self.parse_row(element)
                    if data is not None:
                        data.clear()
                    else:
                        element.clear()
                    yield row

    class SizedSheet(ReadOnlyWorksheet):
        """A read-only sheet sized by the reader from its byte scan, read by ``RowsParser``."""

        def _get_size(self):
            pass

        def _cells_by_row(self, min_col, min_row, max_col, max_row, values_only=False):
            # openpyxl's ReadOnlyWorksheet._cells_by_row (3.1.5), with RowsParser.
            filler = None if values_only else EMPTY_CELL
            max_col = max_col or self.max_column
            max_row = max_row or self.max_row
            empty_row = (filler,) * (max_col + 1 - min_col) if max_col is not None else []
            counter = min_row
            idx = 1
            with self._get_source() as src:
                parser = RowsParser(src, self._shared_strings, data_only=self.parent.data_only,
                                    epoch=self.parent.epoch, date_formats=self.parent._date_formats,
                                    timedelta_formats=self.parent._timedelta_formats)
                for idx, row in parser.parse():
                    if max_row is not None and idx > max_row:
                        break
                    for _ in range(counter, idx):
                        counter += 1
                        yield empty_row
                    if counter <= idx:
                        row = self._get_row(row, min_col, max_col, values_only)
                        counter += 1
                        yield row
            if max_row is not None and max_row < idx:
                for _ in range(counter, max_row + 1):
                    yield empty_row

    class LeanExcelReader(ExcelReader):
        """openpyxl's reader in read-only, values-only mode, with its shared strings kept compact.

        An xlsx cell names its text by index into one table of every distinct text in the book,
        so the table is kept whole while the rows stream: that table was the ~0.2 KB a row an
        export's reading grew by (a Python string object per text, ~60-80 bytes plus the text).
        Here it is one UTF-8 buffer and an offsets array (``StringTable``), ~8 bytes plus the
        text each, up to ``STRINGS_MEMORY``, the rest in temporary files. Strings over ``MAX_CELL_BYTES`` are found by a byte scan first, never parsed."""

        def __init__(self, path):
            super().__init__(path, read_only=True, keep_vba=False, data_only=True, keep_links=False)
            self.oversized_strings = {}

        def read_worksheets(self):
            """The first worksheet only, scanned as bytes first (``_scan_sheet``: a cell too large
            is refused before anything is parsed) and sized from that scan: openpyxl's own sizing
            parses a sheet without a ``<dimension>`` element whole, keeping every row element
            (a 1 MB file of empty rows took a gigabyte), before any check of ours could run."""
            self.scan = None
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                worksheet = SizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                if self.scan is None:  # the first: the one read
                    with self.archive.open(rel.target) as part:
                        self.scan = _scan_sheet(part, self.oversized_strings)
                    if self.scan.dimension:
                        (worksheet._min_column, worksheet._min_row, worksheet._max_column,
                         worksheet._max_row) = range_boundaries(self.scan.dimension)
                self.wb._sheets.append(worksheet)

        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is None:
                return
            name = part.PartName[1:]
            with self.archive.open(name) as src:
                oversized = _oversized_strings(src)
            if oversized:
                self.oversized_strings = oversized
                self.shared_strings = []
                return
            strings = StringTable(STRINGS_MEMORY)
            with self.archive.open(name) as src:
                root = None
                for event, node in iterparse(src, events=("start", "end")):
                    if root is None:
                        root = node
                    elif event == "end" and node.tag == string_tag:
                        strings.append(Text.from_tree(node).content.replace("x005F_", ""))
                        root.clear()
            self.shared_strings = strings

    return LeanExcelReader


_CELL_REF = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})([0-9]{1,7})"')
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)'
                           rb'\s*(</|<(?:\w+:)?v\b[^>]*/>|<(?:\w+:)?v\b[^>]*>[^<]*)')


def _no_value(tail: bytes) -> bool:
    """After a formula: the cell's end, an empty ``<v/>``, or a ``<v>`` holding nothing."""
    return tail == b"</" or tail.endswith(b"/>") or not tail.split(b">", 1)[1].strip()


def _chunks(stream):
    """A part's bytes as regions ending just before a ``<``, so no tag or text is cut in two.
    Yields ``(offset, region)``; a region longer than the limit holds a text longer than it."""
    carry = b""
    offset = 0
    while True:
        chunk = stream.read(SCAN_CHUNK)
        if not chunk:
            if carry:
                yield offset, carry
            return
        text = carry + chunk
        cut = text.rfind(b"<c ")
        if cut <= 0:
            cut = text.rfind(b"<")
        if cut <= 0:
            if len(text) > 2 * MAX_CELL_BYTES:
                yield offset, text
                offset += len(text)
                text = b""
            carry = text
            continue
        yield offset, text[:cut]
        offset += cut
        carry = text[cut:]


def _long_text(region: bytes) -> int:
    """Offset in ``region`` of a text over ``MAX_CELL_BYTES`` (tags excluded), or -1."""
    if len(region) <= MAX_CELL_BYTES:
        return -1
    if max(map(len, region.split(b"<"))) <= MAX_CELL_BYTES:
        return -1
    pos = 0
    for piece in region.split(b"<"):
        if len(piece) > MAX_CELL_BYTES:
            return pos
        pos += len(piece) + 1
    return -1


def _oversized_strings(stream) -> dict:
    """``{shared string index: None}`` for strings over ``MAX_CELL_BYTES`` (byte scan)."""
    found = {}
    index = -1
    for _, region in _chunks(stream):
        at = _long_text(region)
        if at >= 0:
            found[index + region.count(b"<si", 0, at)] = None
        index += region.count(b"<si")
    return found


class SheetScan(NamedTuple):
    # Formula cells without a cached value, ``{row: [cell refs]}``.
    lost: dict
    # The sheet's ``<dimension ref="A1:K20">``, when it has one.
    dimension: str | None
    # The row number of the last cell (the progress bar's total).
    last_row: int


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z$]{1,4}[0-9$]{1,8}(?::[A-Z$]{1,4}[0-9$]{1,8})?)"')


def _scan_sheet(stream, oversized_strings: dict) -> SheetScan:
    """The sheet's bytes read once, in bounded pieces: raises ``CellTooLarge``."""
    lost = {}
    last_ref = "?"
    last_row = 0
    dimension = None
    first = True
    wanted = {str(i).encode() for i in oversized_strings}
    for _, region in _chunks(stream):
        if first:
            first = False
            head = region[:region.find(b"<sheetData")] if b"<sheetData" in region else region[:4096]
            found = _DIMENSION.search(head)
            dimension = found.group(1).decode() if found else None
        at = _long_text(region)
        if at >= 0:
            refs = list(_CELL_REF.finditer(region, 0, at))
            raise CellTooLarge(_ref(refs[-1]) if refs else last_ref)
        if wanted:
            for m in re.finditer(rb'<(?:\w+:)?c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*t="s"[^>]*>\s*<(?:\w+:)?v>\s*'
                                 rb'([0-9]+)\s*<', region):
                if m.group(3) in wanted:
                    raise CellTooLarge(_ref(m))
        if b"<f" in region or b":f" in region:
            for m in _FORMULA_CELL.finditer(region):
                if _no_value(m.group(3)):
                    lost.setdefault(int(m.group(2)), []).append(_ref(m))
        refs = region.rfind(b'c r="')
        if refs >= 0:
            m = _CELL_REF.match(region, region.rfind(b"<", 0, refs + 1))
            if m:
                last_ref = _ref(m)
                last_row = max(last_row, int(m.group(2)))
    if wanted:
        raise CellTooLarge("?")
    return SheetScan(lost, dimension, last_row)


def _ref(match) -> str:
    return match.group(1).decode() + match.group(2).decode()


def cell_text(value) -> str:
    """An xlsx cell as the text the seller backend's CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel keeps every number as a double; an integral one is an id or a count.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)
