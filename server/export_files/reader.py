"""Reading JD order exports (订单导出) as the seller backend writes them, one record at a time.

CSV comes GBK/GB18030 encoded (or UTF-8, with or without BOM); the encoding is found by
strict decodes of a prefix, then the file is streamed. ``.xlsx`` is read with openpyxl's
read-only mode. Cell cleaning (``="…"``, leading tab, ¥) is the rules core's job, not ours:
records come out as the file holds them.

Sizes are bounded so that one hostile cell cannot take the machine's memory: a CSV cell over
``MAX_CELL_CHARS``, a physical line over ``MAX_LINE_CHARS`` or a record (line breaks inside
quotes) over ``MAX_RECORD_CHARS`` makes it a bad record
(reported by line number, the rest read on); an xlsx cell over ``MAX_CELL_BYTES`` of XML text
refuses the file before it is parsed, naming the cell.
"""
import codecs
import csv
import functools
import io
import itertools
import re
import zipfile
from array import array
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterator
from zipfile import BadZipFile

from shared.headers import MAX_ROWS_ABOVE_HEADER, header_row_index

PREFIX_BYTES = 1 << 20
READ_BUFFER = 1 << 20
# Excel itself holds at most 32,767 characters a cell; these bounds leave room for more while
# keeping one record's memory small. Named here so that a merchant's odd file can be allowed.
MAX_CELL_CHARS = 1 << 20
MAX_LINE_CHARS = 8 << 20
MAX_RECORD_CHARS = 16 << 20
MAX_CELL_BYTES = 1 << 20
SCAN_CHUNK = 1 << 20
# Tried in this order: UTF-8 first because GBK text is almost never valid UTF-8, while
# GB18030 (the GBK superset the seller backend writes) accepts most UTF-8 byte sequences.
CSV_ENCODINGS = ("utf-8", "gb18030")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class UnreadableFile(Exception):
    """An export refused before any work, with the reason in Chinese and English."""

    def __init__(self, path, message: str, message_en: str):
        super().__init__(f"{path}: {message_en}")
        self.path = str(path)
        self.message = message
        self.message_en = message_en


class BrokenFile(Exception):
    """An export that stops being readable part way through (a mixed encoding, say)."""

    def __init__(self, path, line: int, message: str, message_en: str):
        super().__init__(f"{path}: line {line}: {message_en}")
        self.path = str(path)
        self.line = line
        self.message = message
        self.message_en = message_en

    def __reduce__(self):
        # Raised in a worker process, it travels back to the command whole.
        return BrokenFile, (self.path, self.line, self.message, self.message_en)


class BadRecord:
    """A record that could not be read (a cell or line over the limits); the rest of the file can."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


class _LineTooLong(Exception):
    pass


class _RecordTooLong(Exception):
    pass


class _Lines:
    """The text's physical lines, each at most ``MAX_LINE_CHARS`` long, counted, and kept until
    their record has been yielded (``forget``), for the verbatim copy. A longer line is skipped to
    its end and raises ``_LineTooLong``; a record (quoted line breaks) growing past
    ``MAX_RECORD_CHARS`` raises ``_RecordTooLong``. Iteration can go on after either (the csv
    reader resets itself); the lines left of a too-long record are read as records of their own."""

    def __init__(self, text):
        self._readline = text.readline
        self.count = 0
        self.recorded = []
        self._recorded_chars = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._readline(MAX_LINE_CHARS)
        if not line:
            raise StopIteration
        self.count += 1
        if len(line) == MAX_LINE_CHARS and line[-1] not in "\r\n":
            while True:
                rest = self._readline(MAX_LINE_CHARS)
                if not rest or rest[-1] in "\r\n":
                    break
            self.forget()
            raise _LineTooLong
        self._recorded_chars += len(line)
        if self._recorded_chars > MAX_RECORD_CHARS:
            self.forget()
            raise _RecordTooLong
        self.recorded.append(line)
        return line

    def forget(self) -> None:
        self.recorded.clear()
        self._recorded_chars = 0


class _ByteRange(io.RawIOBase):
    """A file read from its current position up to (not including) byte ``end``."""

    def __init__(self, raw, end: int):
        self._raw = raw
        self._left = end - raw.tell()

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer) -> int:
        size = min(len(buffer), self._left)
        if size <= 0:
            return 0
        got = self._raw.readinto(memoryview(buffer)[:size])
        self._left -= got
        return got

    def close(self) -> None:
        self._raw.close()
        super().close()


class CsvExport:
    """A CSV export opened for streaming; ``records()`` yields each data row once.

    Opened whole, it reads the header first. Opened on a byte range (``start``, ``end``: record
    boundaries found by ``split.plan_parts``) it reads only the records there, numbered from
    ``first_line``, so that worker processes can share one file.
    """

    kind = "csv"

    def __init__(self, path: Path, *, encoding: str | None = None, start: int = 0, end: int | None = None,
                 first_line: int = 1):
        self.path = path
        self.encoding = encoding or detect_encoding(path)
        self.size = (end if end is not None else path.stat().st_size) - start
        self._start = start
        self._line_offset = first_line - 1
        raw = path.open("rb", buffering=0)
        raw.seek(start)
        self._binary = io.BufferedReader(raw if end is None else _ByteRange(raw, end), READ_BUFFER)
        # The BOM is only at the start of the file.
        text_encoding = "utf-8" if start and self.encoding == "utf-8-sig" else self.encoding
        self._text = io.TextIOWrapper(self._binary, encoding=text_encoding, newline="", errors="strict")
        csv.field_size_limit(MAX_CELL_CHARS)
        self._lines = _Lines(self._text)
        self._reader = csv.reader(self._lines)
        self.header = None
        self.preamble = []
        if start:
            return
        try:
            above = header_row_index(_first_records(path, text_encoding))
            self.preamble = [next(self._reader) for _ in range(above)]
            self.header = next(self._reader, None)
            self._lines.forget()
        except (_LineTooLong, _RecordTooLong):
            self.close()
            raise UnreadableFile(path, f"表头行超过 {MAX_LINE_CHARS:,} 个字符，无法解析",
                                 f"the header line is over {MAX_LINE_CHARS:,} characters: it cannot be parsed") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            self.close()
            raise UnreadableFile(path, f"表头行无法解析：{exc}", f"the header line cannot be parsed: {exc}") from None
        if not self.header:
            self.close()
            raise UnreadableFile(path, "文件是空的，没有表头行", "the file is empty: no header line")
        self._line_offset = 0

    def records(self) -> Iterator[tuple[int, list | BadRecord]]:
        """``(line number, cells)`` per data row; the header is line 1, blank lines are skipped.

        A record over the size limits comes as ``(line, BadRecord)`` and the reading goes on."""
        reader = self._reader
        offset = self._line_offset
        lines = self._lines
        forget = lines.forget
        while True:
            line = lines.count
            try:
                for cells in reader:
                    if cells:
                        yield offset + line + 1, cells
                    forget()
                    line = lines.count
                return
            except UnicodeDecodeError:
                bad = _first_undecodable_line(self.path, self.encoding)
                raise BrokenFile(self.path, bad, f"第 {bad} 行不是 {self.encoding} 编码，文件其余部分无法读取",
                                 f"line {bad} is not {self.encoding} text; the rest of the file cannot be read") from None
            except _LineTooLong:
                reason = (f"这一行超过 {MAX_LINE_CHARS:,} 个字符，未读取 / the line is over {MAX_LINE_CHARS:,} "
                          "characters: not read")
            except _RecordTooLong:
                reason = (f"这条记录超过 {MAX_RECORD_CHARS:,} 个字符（引号内的换行），未读取 / the record is over "
                          f"{MAX_RECORD_CHARS:,} characters (line breaks inside quotes): not read")
            except csv.Error as exc:
                reason = (f"这一行无法按 CSV 读取（{_csv_problem(exc)}），未读取 / the record cannot be read as CSV "
                          f"({exc}): not read")
            forget()
            yield offset + line + 1, BadRecord(reason)

    def record_text(self) -> str:
        """The text of the record ``records()`` yielded last, exactly as the file has it (decoded)."""
        return "".join(self._lines.recorded)

    def progress(self) -> int:
        """Bytes consumed so far (read-ahead included), for the progress bar."""
        return self._binary.tell() - self._start

    def close(self) -> None:
        self._text.close()


def _first_records(path: Path, encoding: str) -> list:
    """The first records of a CSV, read on their own to find its header row; none when unreadable
    (the main reader then reports the problem)."""
    try:
        with path.open(encoding=encoding, newline="", errors="strict") as f:
            lines = _Lines(f)  # bounded: a hostile first line is not read whole here either
            return list(itertools.islice(csv.reader(itertools.islice(lines, 64)), MAX_ROWS_ABOVE_HEADER + 1))
    except (csv.Error, UnicodeDecodeError, OSError, _LineTooLong, _RecordTooLong):
        return []


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"有单元格超过 {MAX_CELL_CHARS:,} 个字符"
    return str(exc)


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
            reader.read()
            self._book = reader.wb
            sheet = self._book.worksheets[0]
            with reader.archive.open(sheet._worksheet_path) as part:
                scan = _scan_sheet(part, reader.oversized_strings)
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
                      for row, cells in scan.items()}
        self.size = sheet.max_row
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


class StringTable:
    """An xlsx book's shared strings, compact: one UTF-8 buffer, and where each string ends."""

    __slots__ = ("_blob", "_ends")

    def __init__(self):
        self._blob = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> None:
        self._blob += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._blob))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if index < 0:  # an index in the sheet's XML: never counted from the end
            raise IndexError(f"shared string {index} does not exist")
        end = self._ends[index]
        start = self._ends[index - 1] if index else 0
        return self._blob[start:end].decode("utf-8", "surrogatepass")


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
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    string_tag = "{%s}si" % SHEET_MAIN_NS

    class LeanExcelReader(ExcelReader):
        """openpyxl's reader in read-only, values-only mode, with its shared strings kept compact.

        An xlsx cell names its text by index into one table of every distinct text in the book,
        so the table is kept whole while the rows stream: that table was the ~0.2 KB a row an
        export's reading grew by (a Python string object per text, ~60-80 bytes plus the text).
        Here it is one UTF-8 buffer and an offsets array (``StringTable``), ~8 bytes plus the
        text each. Strings over ``MAX_CELL_BYTES`` are found by a byte scan first, never parsed."""

        def __init__(self, path):
            super().__init__(path, read_only=True, keep_vba=False, data_only=True, keep_links=False)
            self.oversized_strings = {}

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
            strings = StringTable()
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


def _scan_sheet(stream, oversized_strings: dict) -> dict:
    """Formula cells without a cached value, ``{row: [cell refs]}``; raises ``CellTooLarge``."""
    lost = {}
    last_ref = "?"
    wanted = {str(i).encode() for i in oversized_strings}
    for _, region in _chunks(stream):
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
    if wanted:
        raise CellTooLarge("?")
    return lost


def _ref(match) -> str:
    return match.group(1).decode() + match.group(2).decode()


def open_export(path) -> CsvExport | XlsxExport:
    """Open an export by its content (not its name): xlsx, a JSON file of orders (JOS payloads too),
    CSV, or refuse it."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise UnreadableFile(path, f"无法打开文件（{exc.strerror}）", f"cannot open the file ({exc.strerror})") from None
    if magic == _XLS_MAGIC:
        raise UnreadableFile(path, "旧版 Excel .xls 文件无法读取，请在 Excel 中另存为 .xlsx 或 CSV",
                             "old Excel .xls files are not supported: save it as .xlsx or CSV in Excel")
    if magic == _XLSX_MAGIC:
        return XlsxExport(path)
    from .json_orders import JsonExport, looks_like_json  # it reads like the others, and raises UnreadableFile

    if looks_like_json(path):
        return JsonExport(path)
    return CsvExport(path)


def detect_encoding(path: Path) -> str:
    """The encoding a strict decode of the file's first megabyte accepts, or refuse the file."""
    with path.open("rb") as f:
        prefix = f.read(PREFIX_BYTES)
        whole = len(prefix) < PREFIX_BYTES
    if prefix.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif b"\x00" in prefix:
        candidates = ()
    else:
        candidates = CSV_ENCODINGS
    for encoding in candidates:
        try:
            codecs.getincrementaldecoder(encoding)("strict").decode(prefix, final=whole)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(path, "无法识别文件编码（支持 GBK/GB18030、UTF-8），或者它不是 CSV 文本文件",
                         "unknown encoding (GBK/GB18030 and UTF-8 are supported), or not a CSV text file")


def _first_undecodable_line(path: Path, encoding: str) -> int:
    """The physical line holding the first byte ``encoding`` cannot decode, read in bounded pieces."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with path.open("rb") as f:
        while piece := f.readline(READ_BUFFER):
            try:
                decoder.decode(piece)
            except UnicodeDecodeError:
                return line
            if piece.endswith(b"\n"):
                line += 1
    return line


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
