"""Where to cut a CSV export so that worker processes can annotate its parts side by side.

A cut falls between two records (never inside a quoted cell holding a line break) and between
two orders (never between the SKU lines of one order, which the core groups as it streams).
In GBK, GB18030 and UTF-8 the bytes of ``"`` and of a line break never occur inside a
multi-byte character, so record ends are found on the raw bytes, without decoding the file:
a line break preceded by an even number of quotes ends a record.
"""
import csv
from dataclasses import dataclass
from pathlib import Path

from shared.cells import clean_cell

CHUNK = 1 << 22
# An order's lines are adjacent and few; if a megabyte after a target holds no change of
# order id, that target is dropped and its neighbours' parts grow instead.
WINDOW = 1 << 20


@dataclass(frozen=True)
class Part:
    """Bytes ``[start, end)`` of the file, whose first record is on physical line ``first_line``."""

    start: int
    end: int
    first_line: int


def plan_parts(path: Path, encoding: str, id_column: int, count: int) -> list[Part]:
    """Up to ``count`` parts of about equal size covering the file, the header in the first."""
    size = path.stat().st_size
    text_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    cuts = [(0, 1)]
    with path.open("rb") as f:
        pos = quotes = lines = 0
        for k in range(1, count):
            target = size * k // count
            while pos < target:
                chunk = f.read(min(CHUNK, target - pos))
                quotes += chunk.count(b'"')
                lines += chunk.count(b"\n")
                pos += len(chunk)
            window = f.read(WINDOW)
            f.seek(pos)
            found = _order_boundary(window, quotes & 1, text_encoding, id_column)
            if found is not None and pos + found > cuts[-1][0]:
                cuts.append((pos + found, lines + window.count(b"\n", 0, found) + 1))
    ends = [start for start, _ in cuts[1:]] + [size]
    return [Part(start, end, first_line) for (start, first_line), end in zip(cuts, ends)]


def _order_boundary(window: bytes, inside_quotes: int, encoding: str, id_column: int) -> int | None:
    """Offset in ``window`` of the first record start whose order id differs from the record before."""
    ends = []
    previous = 0
    newline = window.find(b"\n")
    while newline != -1:
        inside_quotes ^= window.count(b'"', previous, newline) & 1
        if not inside_quotes:
            ends.append(newline + 1)
        previous = newline
        newline = window.find(b"\n", newline + 1)
    last_id = None
    for k, (start, end) in enumerate(zip(ends, ends[1:])):
        order_id = _order_id(window[start:end], encoding, id_column)
        if k and order_id != last_id:
            return start
        last_id = order_id
    return None


def _order_id(record: bytes, encoding: str, id_column: int):
    try:
        cells = next(csv.reader([record.decode(encoding)]), [])
    except (UnicodeDecodeError, csv.Error):
        return None
    return clean_cell(cells[id_column]) if id_column < len(cells) else None
