"""A ``.json`` file of orders read as a table: contract orders, JOS order objects, or a whole JOS
response envelope (``shared.jos``), one row per order with the contract's field names as the header.

The annotated copy then has one column per field the orders hold, then our columns, as a
spreadsheet shows an export. Nested groups become ``group.field`` columns (``price_match.claimed_at``).

A list of orders (the file is ``[…]`` or ``{"orders": […], …}``) is streamed, one order at a time,
twice: once for the header (the fields the orders hold), once for the rows; memory stays flat
whatever the number of orders. Anything else (a JOS envelope: one page, at most 100 orders; a
single order) is read whole, up to ``MAX_WHOLE_JSON_BYTES``. A whole number of more than 40
digits is kept as its text, for the order's reader to refuse on its field (Python would refuse
the whole file past 4,300 digits).
"""
import json
import re
from pathlib import Path
from typing import Iterator

from shared.fields import FIELDS
from shared.jos import JosError, NotOrders, envelope_orders, from_jos, is_jos_order

from .source import UnreadableFile

# A list of orders is streamed (memory flat in its size): the bound is against a file that is not an
# export at all, not against memory.
MAX_JSON_BYTES = 1 << 30
MAX_WHOLE_JSON_BYTES = 16 << 20
# One order's JSON text; past it, the file is refused (an order is a few hundred characters).
MAX_ORDER_CHARS = 16 << 20
# Distinct fields (columns) the orders may hold between them.
MAX_COLUMNS = 1000
READ_CHARS = 1 << 20
_ORDER = {f.path: i for i, f in enumerate(FIELDS)}
_LIST_START = re.compile(r'[ \t\r\n]*(?:\[|\{[ \t\r\n]*"orders"[ \t\r\n]*:[ \t\r\n]*\[)')
_SPACE = re.compile(r"[ \t\r\n]*")


def _whole_number(text: str):
    return int(text) if len(text) <= 40 else text


_DECODER = json.JSONDecoder(parse_int=_whole_number)


def looks_like_json(path: Path) -> bool:
    with path.open("rb") as f:
        start = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start[:1] in (b"[", b"{")


def _orders(data) -> list:
    if isinstance(data, dict):
        if isinstance(data.get("orders"), list):
            return data["orders"]
        listed = envelope_orders(data)
        return listed if listed is not None else [data]
    if isinstance(data, list):
        return data
    return []


def _flat(order) -> dict:
    """One order as ``{field path: value}``; a JOS object is first read into contract fields."""
    if is_jos_order(order):
        order, _ = from_jos(order)
    if not isinstance(order, dict):
        return {}
    flat = {}
    for key, value in order.items():
        if isinstance(value, dict):
            for part, inner in value.items():
                flat[f"{key}.{part}"] = inner
        else:
            flat[key] = value
    return flat


def _unreadable(path, problem) -> UnreadableFile:
    text = str(problem)[:80]
    return UnreadableFile(path, f"不是可读取的 JSON 文件（{text}）", f"not a readable JSON file ({text})")


def _listed_orders(path: Path) -> Iterator:
    """The elements of the file's list of orders, one at a time (see the module docstring)."""
    with path.open(encoding="utf-8-sig") as f:
        buf = f.read(READ_CHARS)
        pos = _LIST_START.match(buf).end()
        eof = len(buf) < READ_CHARS
        want = READ_CHARS
        count = 0
        after_item = False
        while True:
            pos = _SPACE.match(buf, pos).end()
            if pos < len(buf):
                char = buf[pos]
                if char == "]":
                    return
                if after_item:
                    if char != ",":
                        raise _unreadable(path, f"expected ',' or ']' after order {count}")
                    pos, after_item = pos + 1, False
                    continue
                try:
                    item, end = _DECODER.raw_decode(buf, pos)
                    if end < len(buf) or eof:
                        yield item
                        count += 1
                        pos, after_item, want = end, True, READ_CHARS
                        continue
                except json.JSONDecodeError as exc:
                    if eof:
                        raise _unreadable(path, f"order {count + 1}: {exc}") from None
                except (ValueError, RecursionError) as exc:
                    raise _unreadable(path, f"order {count + 1}: {exc}") from None
                if len(buf) - pos > MAX_ORDER_CHARS:
                    raise UnreadableFile(path, f"第 {count + 1} 个订单的 JSON 超过 {MAX_ORDER_CHARS:,} 个字符，或者文件已损坏",
                                         f"order {count + 1} is over {MAX_ORDER_CHARS:,} characters of JSON, or the "
                                         "file is broken")
            elif eof:
                raise _unreadable(path, "the list of orders does not end")
            more = f.read(want)
            eof = len(more) < want
            buf, pos, want = buf[pos:] + more, 0, want * 2


class JsonExport:
    """Orders from a JSON file, with the same reading interface as ``CsvExport`` and ``XlsxExport``."""

    kind = "json"
    encoding = None
    preamble = []

    def __init__(self, path: Path):
        self.path = path
        self._line = 0
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise UnreadableFile(path, f"JSON 文件超过 {MAX_JSON_BYTES >> 20} MB，请改用 CSV",
                                 f"the JSON file is over {MAX_JSON_BYTES >> 20} MB: use CSV")
        try:
            with path.open(encoding="utf-8-sig") as f:
                self._streamed = _LIST_START.match(f.read(4096)) is not None
            if self._streamed:
                self._orders = lambda: _listed_orders(path)
            else:
                self._orders = self._whole(path, size)
            names = set()
            self.size = 0
            for order in self._orders():
                names.update(_flat(order))
                self.size += 1
                if len(names) > MAX_COLUMNS:
                    raise UnreadableFile(path, f"订单中的字段超过 {MAX_COLUMNS} 个，无法作为表格读取",
                                         f"the orders hold over {MAX_COLUMNS} distinct fields: not readable as a table")
        except UnicodeDecodeError as exc:
            raise _unreadable(path, exc) from None
        except (JosError, NotOrders) as exc:
            raise UnreadableFile(path, exc.message, exc.message_en) from None
        if not self.size:
            raise UnreadableFile(path, "JSON 文件里没有订单", "the JSON file holds no orders")
        self.header = sorted(names, key=lambda n: (_ORDER.get(n, len(_ORDER)), n))

    @staticmethod
    def _whole(path: Path, size: int):
        if size > MAX_WHOLE_JSON_BYTES:
            raise UnreadableFile(path, f"超过 {MAX_WHOLE_JSON_BYTES >> 20} MB 的 JSON 文件须是订单列表（[…] 或 "
                                       '{"orders": […]}），请改用这种形式或 CSV',
                                 f"a JSON file over {MAX_WHOLE_JSON_BYTES >> 20} MB must be a list of orders ([…] or "
                                 '{"orders": […]}): use that form, or CSV')
        try:
            orders = _orders(_DECODER.decode(path.read_text(encoding="utf-8-sig")))
        except (ValueError, RecursionError) as exc:
            raise _unreadable(path, exc) from None
        return lambda: iter(orders)

    def records(self) -> Iterator[tuple[int, list]]:
        header = self.header
        try:
            for self._line, order in enumerate(self._orders(), start=1):
                row = _flat(order)
                yield self._line, [("" if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                                   for v in (row.get(name) for name in header)]
        except UnicodeDecodeError as exc:
            raise _unreadable(self.path, exc) from None

    def progress(self) -> int:
        return self._line

    def close(self) -> None:
        self._orders = lambda: iter(())
