"""Reading a CSV order export (订单导出) as the seller backend writes it, one record at a time.

It comes GBK/GB18030 encoded (or UTF-8, with or without BOM); the encoding is found by strict
decodes of a prefix, then the file is streamed. Cell cleaning (``="…"``, leading tab, ¥) is the
rules core's job, not ours: records come out as the file holds them.

Sizes are bounded so that one hostile cell cannot take the machine's memory: a cell over
``MAX_CELL_CHARS``, a physical line over ``MAX_LINE_CHARS`` or a record (line breaks inside
quotes) over ``MAX_RECORD_CHARS`` makes it a bad record (reported by line number, the rest read on).
"""
import codecs
import csv
import io
import itertools
from pathlib import Path
from typing import Iterator

from shared.headers import MAX_ROWS_ABOVE_HEADER, header_row_index

from .source import BadRecord, BrokenFile, UnreadableFile

PREFIX_BYTES = 1 << 20
READ_BUFFER = 1 << 20
# Excel itself holds at most 32,767 characters a cell; these bounds leave room for more while
# keeping one record's memory small. Named here so that a merchant's odd file can be allowed.
MAX_CELL_CHARS = 1 << 20
MAX_LINE_CHARS = 8 << 20
MAX_RECORD_CHARS = 16 << 20
# Tried in this order: UTF-8 first because GBK text is almost never valid UTF-8, while
# GB18030 (the GBK superset the seller backend writes) accepts most UTF-8 byte sequences.
CSV_ENCODINGS = ("utf-8", "gb18030")


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
