"""The one table of the order's fields, loaded from ``data/fields.toml``.

Each field has a contract path (``paid_at``, ``price_match.claimed_at``), a kind (how its value
is read: see ``KINDS``), a doc line, the spreadsheet / JD export headers that mean it, and labels.
The order model (``shared.model``), its parser (``shared.order_input``), the API's schemas
(``server.schemas``), the header mapping (``shared.headers``), the JavaScript clients' field
labels and ``docs/supported-inputs.md`` are all made from it. To add a field, add it there.
"""
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .build import DATA_DIR
from .errors import DataFileError

FIELDS_FILE = DATA_DIR / "fields.toml"
# The value lists a ``code:<list>`` field chooses from (the words for them are in order_input).
CHOICES: Final = {
    "platforms": ("jd", "jd_international", "jingxi"),
    "payment_methods": ("online", "cod"),
    "competitors": ("pdd_billion_subsidy", "tmall"),
    "merchant_types": ("pop", "jd_xiaodian"),
}
KINDS = {
    "id": "order id: text or a whole number",
    "text": "text",
    "status": "an order status word or JOS orderState code (docs/supported-inputs.md)",
    "time": "a time: ISO 8601, 2022-06-01 10:15:00, 2022/6/1 10:15, 2022年6月1日 10:15 (JOS payloads: also epoch "
            "milliseconds); Beijing time without an offset",
    "money": "yuan: a JSON string or number (\"129.00\", 129.5, \"¥1,299.00\")",
    "decimal": "a non-negative decimal number",
    "count": "a non-negative whole number",
    "bool": "true/false (also 是/否, 1/0, yes/no)",
    "level": "a level such as S2",
    "pickup": "true/false, or a return method (上门取件 = true, 客户发货 = false)",
}


@dataclass(frozen=True, slots=True)
class Field:
    path: str
    group: str | None
    name: str
    kind: str
    listed: str | None  # for a code: the name of its value list in CHOICES
    choices: tuple | None
    max: int | None
    doc: str
    headers: tuple
    zh: str
    en: str
    used: bool


def _field(path, i, raw: dict) -> Field:
    where = f"field[{i}]"
    for key in ("path", "kind", "zh", "en", "doc"):
        if not isinstance(raw.get(key), str):
            raise DataFileError(path, f"{where}.{key}", "missing or not text")
    kind, _, listed = raw["kind"].partition(":")
    if kind == "code":
        if listed not in CHOICES:
            raise DataFileError(path, f"{where}.kind", f"unknown list {listed!r}")
    elif kind not in KINDS:
        raise DataFileError(path, f"{where}.kind", f"unknown kind {raw['kind']!r}")
    group, dot, name = raw["path"].partition(".")
    headers = raw.get("headers", [])
    if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
        raise DataFileError(path, f"{where}.headers", "must be a list of texts")
    code = kind == "code"
    return Field(raw["path"], group if dot else None, name if dot else raw["path"], kind,
                 listed if code else None, CHOICES[listed] if code else None, raw.get("max"), raw["doc"], tuple(headers),
                 raw["zh"], raw["en"], raw.get("used", True))


def load_fields(path: Path = FIELDS_FILE) -> tuple[tuple, dict]:
    """``(fields, groups)``: every field in table order, and each group's doc line."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    groups = data.get("groups", {})
    fields = tuple(_field(path, i, raw) for i, raw in enumerate(data.get("field", [])))
    seen, headers = set(), {}
    for entry in fields:
        if entry.path in seen:
            raise DataFileError(path, entry.path, "listed twice")
        seen.add(entry.path)
        for header in entry.headers:
            if headers.setdefault(header.lower(), entry.path) != entry.path:
                raise DataFileError(path, f"{entry.path}.headers", f"{header!r} already means {headers[header.lower()]}")
        if entry.group is not None and entry.group not in groups:
            raise DataFileError(path, entry.path, f"unknown group {entry.group!r}")
    return fields, groups


FIELDS, GROUPS = load_fields()
BY_PATH: Final = {f.path: f for f in FIELDS}
TOP_LEVEL: Final = tuple(f for f in FIELDS if f.group is None)
GROUP_MEMBERS: Final = {g: tuple(f for f in FIELDS if f.group == g) for g in GROUPS}
