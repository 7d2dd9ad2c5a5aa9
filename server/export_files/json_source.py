"""A ``.json`` file of orders read as a table: contract orders, JOS order objects, or a whole JOS
response envelope (``shared.jos``), one row per order with the contract's field names as the header.

The annotated copy then has one column per field the orders hold, then our columns, as a
spreadsheet shows an export. Nested groups become ``group.field`` columns (``price_match.claimed_at``).
"""
import json
from pathlib import Path
from typing import Iterator

from shared.fields import FIELDS
from shared.jos import JosError, NotOrders, envelope_orders, from_jos, is_jos_order

from .source import UnreadableFile

# A JSON export of a few hundred thousand orders fits well below this; larger ones belong in CSV.
MAX_JSON_BYTES = 256 << 20
_ORDER = {f.path: i for i, f in enumerate(FIELDS)}


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


class JsonExport:
    """Orders from a JSON file, with the same reading interface as ``CsvExport`` and ``XlsxExport``."""

    kind = "json"
    encoding = None
    preamble = []

    def __init__(self, path: Path):
        self.path = path
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise UnreadableFile(path, f"JSON 文件超过 {MAX_JSON_BYTES >> 20} MB，请改用 CSV",
                                 f"the JSON file is over {MAX_JSON_BYTES >> 20} MB: use CSV")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise UnreadableFile(path, f"不是可读取的 JSON 文件（{str(exc)[:80]}）",
                                 f"not a readable JSON file ({str(exc)[:80]})") from None
        try:
            rows = [_flat(order) for order in _orders(data)]
        except (JosError, NotOrders) as exc:
            raise UnreadableFile(path, exc.message, exc.message_en) from None
        if not rows:
            raise UnreadableFile(path, "JSON 文件里没有订单", "the JSON file holds no orders")
        names = {name for row in rows for name in row}
        self.header = sorted(names, key=lambda n: (_ORDER.get(n, len(_ORDER)), n))
        self._rows = [[row.get(name) for name in self.header] for row in rows]
        self.size = len(self._rows)
        self._line = 0

    def records(self) -> Iterator[tuple[int, list]]:
        for self._line, cells in enumerate(self._rows, start=1):
            yield self._line, [("" if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                               for v in cells]

    def progress(self) -> int:
        return self._line

    def close(self) -> None:
        self._rows = []
