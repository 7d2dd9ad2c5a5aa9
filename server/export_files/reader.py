"""Reading JD order exports (订单导出) as the seller backend writes them, one record at a time.

CSV comes GBK/GB18030 encoded (or UTF-8, with or without BOM); the encoding is found by
strict decodes of a prefix, then the file is streamed. ``.xlsx`` is read with openpyxl's
read-only mode. Cell cleaning (``="…"``, leading tab, ¥) is the rules core's job, not ours:
records come out as the file holds them.
"""
import codecs
import csv
import io
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterator
from zipfile import BadZipFile

PREFIX_BYTES = 1 << 20
READ_BUFFER = 1 << 20
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
        self._record_lines = []
        self._reader = csv.reader(self._recorded(self._text))
        self.header = None
        if start:
            return
        try:
            self.header = next(self._reader, None)
            self._record_lines.clear()
        except (csv.Error, UnicodeDecodeError) as exc:
            self.close()
            raise UnreadableFile(path, f"表头行无法解析：{exc}", f"the header line cannot be parsed: {exc}") from None
        if not self.header:
            self.close()
            raise UnreadableFile(path, "文件是空的，没有表头行", "the file is empty: no header line")
        self._line_offset = 0

    def records(self) -> Iterator[tuple[int, list]]:
        """``(line number, cells)`` per data row; the header is line 1, blank lines are skipped."""
        reader = self._reader
        offset = self._line_offset
        line = reader.line_num
        recorded = self._record_lines
        try:
            for cells in reader:
                if cells:
                    yield offset + line + 1, cells
                recorded.clear()
                line = reader.line_num
        except UnicodeDecodeError:
            bad = _first_undecodable_line(self.path, self.encoding)
            raise BrokenFile(self.path, bad, f"第 {bad} 行不是 {self.encoding} 编码，文件其余部分无法读取",
                             f"line {bad} is not {self.encoding} text; the rest of the file cannot be read") from None

    def _recorded(self, lines):
        """The file's lines, each also kept until its record has been yielded."""
        recorded = self._record_lines
        for text in lines:
            recorded.append(text)
            yield text

    def record_text(self) -> str:
        """The text of the record ``records()`` yielded last, exactly as the file has it (decoded)."""
        return "".join(self._record_lines)

    def progress(self) -> int:
        """Bytes consumed so far (read-ahead included), for the progress bar."""
        return self._binary.tell() - self._start

    def close(self) -> None:
        self._text.close()


class XlsxExport:
    """The first sheet of an ``.xlsx`` export, read row by row (openpyxl read-only)."""

    kind = "xlsx"

    def __init__(self, path: Path):
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        self.path = path
        self.encoding = None
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
            raise UnreadableFile(path, f"不是可读取的 .xlsx 文件（{exc}）",
                                 f"not a readable .xlsx file ({exc})") from None
        sheet = self._book.worksheets[0]
        self.size = sheet.max_row
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        self._line = 0
        first = next(self._rows, None)
        header = [] if first is None else [cell_text(v) for v in first[1]]
        while header and not header[-1]:
            header.pop()
        if not header:
            self.close()
            raise UnreadableFile(path, "第一个工作表是空的，没有表头行", "the first sheet is empty: no header row")
        self.header = header

    def records(self) -> Iterator[tuple[int, list]]:
        for self._line, values in self._rows:
            if any(v is not None and v != "" for v in values):
                yield self._line, list(values)

    def progress(self) -> int:
        return self._line

    def close(self) -> None:
        self._book.close()


def open_export(path) -> CsvExport | XlsxExport:
    """Open an export by its content (not its name): xlsx, CSV, or refuse it."""
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
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 0
    with path.open("rb") as f:
        for line, raw in enumerate(f, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return line
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
