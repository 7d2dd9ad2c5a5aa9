"""Writing the annotated copy: the original cells untouched, the core's ``JDPG`` columns after them.

Both writers stream: one row in, one row out, nothing kept. The CSV is UTF-8 with a BOM so
Excel opens it without garbling the Chinese; the xlsx is written by xlsxwriter in
constant-memory mode, with the rows coloured by the core's ``row_status``.

CSV formula injection (OWASP "CSV Injection"): a cell that starts with ``= + - @``, a tab or a
CR is a formula a spreadsheet runs when it opens the CSV. Every such cell of the copy, whatever
the source (CSV, xlsx or .json) and our own, is written with a leading ``'`` (``neutralise``),
except JD's own protections (``="…"``, a tab before digits) and plain numbers. A CSV source's
rows are otherwise copied byte for byte; ``keep_formulas`` (the command's ``--keep-formulas``)
copies its cells as they are.

What an xlsx copy cannot hold is said on the row, in the errors column (``OUTPUT_NOTES``):
text over 32,767 characters is cut there, cells past column 16,384 are left out.
"""
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from shared import BEIJING
from shared.vocabulary import ROW_COLOURS as VOCAB_ROW_COLOURS

from .xlsx_source import cell_text

XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CHARS = 32_767
# Kinds of loss an xlsx copy reports on its rows (and the command in its summary).
OUTPUT_NOTES = {
    "cut": ("单元格超过 32,767 个字符，在 xlsx 中被截断", "cell(s) over 32,767 characters cut in the xlsx"),
    "columns": ("超过第 16,384 列的单元格未写入 xlsx", "cells past column 16,384 left out of the xlsx"),
    "formula": ("公式没有缓存的计算结果，复制为空", "formula cells without a computed value copied empty"),
}
# OWASP's CSV injection guidance: cells starting with these are read as formulas by spreadsheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
WRITE_BUFFER = 1 << 20
# The one palette of row colours (shared/data/vocabulary.toml), as xlsxwriter formats.
ROW_COLOURS = {status: {"bg_color": background, "font_color": font} for status, (background, font) in
               VOCAB_ROW_COLOURS.items()}
# Our columns are typed by their kind in the vocabulary (datetime, number, money, text), so that
# merchants can sort and sum them: a number or an amount is written as an Excel number.
TYPED_KINDS = ("datetime", "number", "money")
_FORMATS = {"datetime": {"num_format": "yyyy-mm-dd hh:mm:ss"}, "money": {"num_format": "0.00"}}
# The seller backend protects long numbers as ="235711131719": Excel shows that formula's
# text. Written back as the same constant formula it stays both byte-identical and readable.
_TEXT_FORMULA = re.compile(r'="[^"]*"')
_NEEDS_QUOTES = re.compile(r'[",\r\n]').search
# A CSV row's text where a cell may start a formula (then its cells are looked at one by one).
_MAYBE_FORMULA = re.compile(r'(?:^|,)"?[=+\-@\t\r]').search
# Left as they are by ``neutralise``: JD's own protections, which spreadsheets read as text
# (a constant string formula, a tab before digits), and plain numbers.
_INERT = re.compile(r'="[^"]*"|\t[0-9]+|[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?')


class OutputError(Exception):
    """The annotated copy cannot be completed, with the reason in Chinese and English."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


class CsvOutput:
    """A CSV copy: every original cell as read, the annotation cells appended.

    A part of a copy written by a worker process (``with_header`` false) has neither the BOM
    nor the header: it is appended to the first part as it is.
    """

    def __init__(self, path, header: list[str], columns, source_kind: str, with_header: bool = True,
                 preamble: list = (), keep_formulas: bool = False):
        # Plain UTF-8 with the BOM written by hand: Python encodes "utf-8" in C but "utf-8-sig"
        # through a Python-level encoder, a cost on every one of a million rows.
        self._file = open(path, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER)
        self._width = len(header)
        self._from_xlsx = source_kind == "xlsx"
        self._neutralise = not (keep_formulas and source_kind == "csv")
        self._annotation, self._annotation_text = None, ""
        if with_header:
            if self._neutralise:
                header = [neutralise(title) for title in header]
            self._file.write("\ufeff")
            for row in preamble:  # the rows above the header (a group row), kept as they were
                self._file.write(csv_record([neutralise(cell) if self._neutralise else cell for cell in row]))
            self._file.write(csv_record(header + [c.title for c in columns]))

    def write(self, cells: list, annotation: list, status: str, text: str | None = None) -> tuple:
        """``text``, when given, is the row as the CSV source has it: written as it is (only
        re-encoded), it keeps every original cell byte for byte and costs no re-quoting.
        Returns the ``OUTPUT_NOTES`` kinds of loss on this row: none for a CSV."""
        width = self._width
        if annotation != self._annotation:  # the lines of one order share theirs
            self._annotation = annotation
            self._annotation_text = csv_record([neutralise(cell) for cell in annotation])
        if self._neutralise and (text is None or _MAYBE_FORMULA(text)):
            safe = [neutralise(v) if isinstance(v, str) else cell_text(v) for v in cells]
            if safe != cells:
                cells, text = safe, None
        if text is not None and len(cells) <= width:
            self._file.write(text.rstrip("\r\n") + "," * (width - len(cells) + 1) + self._annotation_text)
            return ()
        if self._from_xlsx:
            cells = [v if isinstance(v, str) else cell_text(v) for v in cells]
        if len(cells) > width:
            ours = [neutralise(cell) for cell in annotation]
            self._file.write(csv_record(cells[:width] + ours + _beyond_header(cells, width)))
            return ()
        self._file.write(csv_record(cells + [""] * (width - len(cells)))[:-2] + "," + self._annotation_text
                         if width else self._annotation_text)
        return ()

    def close(self) -> None:
        self._file.close()


class XlsxOutput:
    """An xlsx copy: frozen header, filters on, late / at-risk / owed rows coloured."""

    def __init__(self, path, header: list[str], columns, source_kind: str, preamble: list = ()):
        import xlsxwriter

        self._width = len(header)
        self._last_col = self._width + len(columns) - 1
        if self._last_col >= XLSX_MAX_COLUMNS:
            raise OutputError(f"表头有 {self._width:,} 列，加上标注列超过 xlsx 的 {XLSX_MAX_COLUMNS:,} 列：请用 --format csv",
                              f"the header has {self._width:,} columns: with ours that is more than an xlsx "
                              f"sheet's {XLSX_MAX_COLUMNS:,}; use --format csv")
        self._book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self._sheet = self._book.add_worksheet("订单 Orders")
        self._kinds = [c.kind if c.kind in TYPED_KINDS else "value" for c in columns]
        self._errors_at = next(i for i, c in enumerate(columns) if c.key == "errors")
        self._formats = _cell_formats(self._book)
        self._row = self._header_row = len(preamble)
        sheet = self._sheet
        for r, row in enumerate(preamble):  # the rows above the header (a group row), kept as they were
            for c, value in enumerate(row):
                if value:
                    sheet.write_string(r, c, str(value)[:XLSX_MAX_CHARS])
        original_title = self._book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        our_title = self._book.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1, "text_wrap": True})
        if self._width:
            sheet.set_column(0, self._width - 1, 14)
        for i, column in enumerate(columns, start=self._width):
            sheet.set_column(i, i, column.width)
        for i, title in enumerate(header):
            sheet.write_string(self._header_row, i, title[:XLSX_MAX_CHARS], original_title)
        for i, column in enumerate(columns, start=self._width):
            sheet.write_string(self._header_row, i, column.title, our_title)
        sheet.freeze_panes(self._header_row + 1, 0)

    def write(self, cells: list, annotation: list, status: str, text: str | None = None) -> tuple:
        """Returns the ``OUTPUT_NOTES`` kinds of loss on this row, also said in its errors cell."""
        self._row += 1
        row = self._row
        if row >= XLSX_MAX_ROWS:
            raise OutputError(f"xlsx 最多 {XLSX_MAX_ROWS:,} 行，这个文件更长：请用 --format csv",
                              f"an xlsx sheet holds at most {XLSX_MAX_ROWS:,} rows and this file has more: "
                              "use --format csv")
        width = self._width
        beyond = _beyond_header(cells, width)
        notes = _losses(cells, beyond, width + len(self._kinds))
        if notes:
            annotation = list(annotation)
            said = "；".join(f"{OUTPUT_NOTES[k][0]} / {OUTPUT_NOTES[k][1]}" for k in notes)
            errors = annotation[self._errors_at]
            annotation[self._errors_at] = f"{errors}；{said}" if errors else said
        colour = status if status in ROW_COLOURS else "ok"
        formats = self._formats
        plain = formats[(colour, "value")]
        # A coloured row colours its empty cells too, one by one: a row format (set_row) would
        # be kept in memory for every row until the workbook closes.
        sheet = self._sheet
        for col, value in enumerate(cells[:width]):
            if value is not None and value != "":
                self._write_original(row, col, value, plain, formats[(colour, "datetime")])
            elif plain is not None:
                sheet.write_blank(row, col, None, plain)
        if plain is not None:
            for col in range(len(cells), width):
                sheet.write_blank(row, col, None, plain)
        for col, (value, kind) in enumerate(zip(annotation, self._kinds), start=width):
            if value is not None and value != "":
                self._write_annotation(row, col, value, kind, formats[(colour, kind)])
            elif plain is not None:
                sheet.write_blank(row, col, None, plain)
        first = width + len(self._kinds)
        for col, value in enumerate(beyond[:XLSX_MAX_COLUMNS - first], start=first):
            if value is not None and value != "":
                self._write_original(row, col, value, plain, formats[(colour, "datetime")])
        return notes

    def _write_original(self, row: int, col: int, value, fmt, datetime_fmt) -> None:
        sheet = self._sheet
        if isinstance(value, str):
            if value[:2] == '="' and _TEXT_FORMULA.fullmatch(value):
                sheet.write_formula(row, col, value, fmt, value[2:-1])
            else:
                sheet.write_string(row, col, value[:XLSX_MAX_CHARS], fmt)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, fmt)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value, datetime_fmt)
        else:
            sheet.write_string(row, col, cell_text(value)[:XLSX_MAX_CHARS], fmt)

    def _write_annotation(self, row: int, col: int, value, kind: str, fmt) -> None:
        sheet = self._sheet
        if kind == "datetime" and isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                if moment.tzinfo is not None:  # Excel has no time zones: Beijing time, as the sheet shows
                    moment = moment.astimezone(BEIJING).replace(tzinfo=None)
                sheet.write_datetime(row, col, moment, fmt)
                return
        elif kind == "money":
            try:
                amount = Decimal(value)
            except (InvalidOperation, TypeError, ValueError):
                pass
            else:
                # The cell must be a number for Excel to sum it. A yuan amount under 10^13 with
                # 2 decimals has at most 15 significant digits, so the double written here reads
                # back as exactly the same decimal; no arithmetic is done on it.
                sheet.write_number(row, col, float(amount), fmt)
                return
        elif kind == "number" and isinstance(value, str):
            try:
                sheet.write_number(row, col, float(value), fmt)
                return
            except ValueError:
                pass
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, col, value, fmt)
        else:
            sheet.write_string(row, col, str(value)[:XLSX_MAX_CHARS], fmt)

    def add_summary(self, write_summary) -> None:
        """``write_summary(book)`` adds the summary sheet (see ``summary_sheet``) after the orders."""
        write_summary(self._book)

    def close(self) -> None:
        from xlsxwriter.exceptions import XlsxWriterException

        self._sheet.autofilter(self._header_row, 0, self._row, self._last_col)
        try:
            self._book.close()
        except XlsxWriterException as exc:
            raise OutputError(f"无法写入 xlsx 文件（{exc}）", f"the xlsx file cannot be written ({exc})") from None


class NullOutput:
    """No copy at all: the digest reads and annotates a file only for its totals."""

    def write(self, cells, annotation, status, text=None) -> tuple:
        return ()

    def close(self) -> None:
        pass


def _losses(cells: list, beyond: list, first_beyond: int) -> tuple:
    kinds = []
    if any(isinstance(v, str) and len(v) > XLSX_MAX_CHARS for v in cells):
        kinds.append("cut")
    if first_beyond + len(beyond) > XLSX_MAX_COLUMNS:
        kinds.append("columns")
    return tuple(kinds)


def neutralise(cell):
    """A text cell as a spreadsheet will not run it: ``'`` first where it would start a formula."""
    if isinstance(cell, str) and cell[:1] in FORMULA_TRIGGERS and not _INERT.fullmatch(cell):
        return "'" + cell
    return cell


def csv_record(cells) -> str:
    """``cells`` as one CSV record, quoted as the csv module's writer quotes (QUOTE_MINIMAL).

    The csv module's writer takes about 9 µs for an annotation row (its explanations are long
    mixed Chinese and English text); this takes under half of that, for each of a million rows."""
    fields = []
    for cell in cells:
        text = "" if cell is None else str(cell)
        if _NEEDS_QUOTES(text):
            text = '"' + text.replace('"', '""') + '"'
        fields.append(text)
    return ",".join(fields) + "\r\n"


def _beyond_header(cells: list, width: int) -> list:
    """Cells of a row longer than the header, kept after our columns so that ours stay aligned."""
    extra = cells[width:]
    while extra and (extra[-1] is None or extra[-1] == ""):
        extra.pop()
    return extra


def _cell_formats(book) -> dict:
    """(row colour, column kind) -> format; None where Excel's default cell will do."""
    formats = {}
    for colour, props in {**ROW_COLOURS, "ok": {}}.items():
        for kind in ("value", "number", "datetime", "money"):
            merged = {**props, **_FORMATS.get(kind, {})}
            formats[colour, kind] = book.add_format(merged) if merged else None
    return formats


def open_output(fmt: str, path, header: list[str], columns, source_kind: str,
                with_header: bool = True, preamble: list = (), keep_formulas: bool = False
                ) -> CsvOutput | XlsxOutput | NullOutput:
    if fmt == "none":
        return NullOutput()
    if fmt == "csv":
        return CsvOutput(path, header, columns, source_kind, with_header, preamble, keep_formulas)
    return XlsxOutput(path, header, columns, source_kind, preamble)
