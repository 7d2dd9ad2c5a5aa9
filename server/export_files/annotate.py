"""Annotating one export file: read a record, let the rules core annotate it, write it out.

Everything streams. The core groups the adjacent lines of one multi-SKU order before it
yields their annotations, so the original cells wait in a queue until their line comes back.
The copy is written to a hidden temporary file beside the target and renamed into place only
when complete: an interrupted run never leaves a half-written copy under the real name.
"""
import os
import secrets
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .reader import CsvExport, XlsxExport, cell_text
from .writer import open_output

OUR_COLUMN_PREFIX = "JDPG "


@dataclass(frozen=True)
class BadRow:
    """A line the core could not annotate, with the core's reason."""

    line: int
    reason: str


def original_columns(header: list[str]) -> list[int]:
    """Indexes of the merchant's own columns: an annotated file's ``JDPG`` columns are redone."""
    return [i for i, title in enumerate(header) if not title.startswith(OUR_COLUMN_PREFIX)]


def annotate_export(source: CsvExport | XlsxExport, annotator, keep: list[int], out_path: Path, fmt: str, *,
                    on_bad_row: Callable[[BadRow], None], on_progress: Callable[[int], None]) -> int:
    """Write the annotated copy of ``source`` to ``out_path``; returns the number of data rows."""
    header = [source.header[i] for i in keep]
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.name}.{secrets.token_hex(4)}.partial")
    try:
        output = open_output(fmt, partial, header, annotator.columns, source.kind)
        try:
            rows = _write_rows(source, annotator, keep, output, on_bad_row, on_progress)
        finally:
            output.close()
        os.replace(partial, out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rows


def _write_rows(source, annotator, keep, output, on_bad_row, on_progress) -> int:
    waiting = deque()
    errors_at = next(i for i, column in enumerate(annotator.columns) if column.key == "errors")
    project = len(keep) != len(source.header)
    as_text = source.kind == "xlsx"

    def core_rows():
        for line, cells in source.records():
            if project:
                cells = [cells[i] if i < len(cells) else "" for i in keep]
            waiting.append((line, cells))
            yield [cell_text(v) for v in cells] if as_text else cells

    rows = 0
    for annotation, status in annotator.annotate_stream(core_rows()):
        line, cells = waiting.popleft()
        if status == "error":
            on_bad_row(BadRow(line, str(annotation[errors_at])))
        output.write(cells, annotation, status)
        rows += 1
        if not rows & 0x1FFF:
            on_progress(source.progress())
    on_progress(source.progress())
    return rows
