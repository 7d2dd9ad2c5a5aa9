"""The one mapping from spreadsheet / JD export headers to contract fields, used by every client.

JD's order export (订单导出) writes one row per SKU line with Chinese headers; merchants'
own sheets use the contract's English names. The synonyms come from the field table
(``shared/data/fields.toml``). Several headers may name one field: the first in its list that
the sheet has wins.
"""
from difflib import get_close_matches

from .cells import PROTECTION
from .fields import FIELDS

# field path -> headers that mean it, most preferred first (from the field table).
HEADER_SYNONYMS = {f.path: (*f.headers, f.path) for f in FIELDS}
# Fields summed over the SKU lines of one order; every other field is read from its first line.
LINE_SUMMED = frozenset({"quantity"})
KNOWN_FIELDS = frozenset(f.path for f in FIELDS)
REQUIRED_FIELDS = ("order_id",)
_HEADER_TO_FIELD = {}
for _field, _headers in HEADER_SYNONYMS.items():
    for _rank, _header in enumerate(_headers):
        _HEADER_TO_FIELD[_header.lower()] = (_field, _rank)


# Rows an export may have above its header: the after-sales export (自主售后 服务单导出) writes a group
# row (服务单信息 / 申请信息 / 审核信息 …) above the real header.
MAX_ROWS_ABOVE_HEADER = 5
_ID_HEADERS = frozenset(h.lower() for h in HEADER_SYNONYMS["order_id"] + ("服务单号",))


def header_row_index(rows: list) -> int:
    """Which of an export's first rows is its header: the first that names 订单号 (or another
    order-id header) or 服务单号; the first row when none does (a header mapped by the merchant)."""
    for index, row in enumerate(rows[:MAX_ROWS_ABOVE_HEADER + 1]):
        if any(clean_header(cell).lower() in _ID_HEADERS for cell in row):
            return index
    return 0


class BadColumnMap(ValueError):
    """A ``表头=字段`` item that is malformed or names no field, with the reason in both languages."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def closest_field(text: str):
    """The field ``text`` most likely meant: the one a header or label of that text means
    (付款时间 → paid_at), else the closest contract name (pickup_at → picked_up_at); None when
    nothing is close."""
    known = _HEADER_TO_FIELD.get(text.strip().lower())
    if known is not None:
        return known[0]
    close = get_close_matches(text.strip().lower(), sorted(KNOWN_FIELDS), n=1, cutoff=0.6)
    return close[0] if close else None


def parse_column_map(items) -> dict:
    """``["揽收时间=picked_up_at", …]`` as ``{header: field path}``: the one reading of a merchant's
    own column names, for every client (the export command's ``--map``, the Sheets command's ``--column``)."""
    mapping = {}
    for item in items:
        header, sep, field = str(item).partition("=")
        header, field = header.strip(), field.strip()
        if not sep or not header or not field:
            raise BadColumnMap(f"应为 表头=字段，收到 {item!r}", f"expected HEADER=field, got {item!r}")
        if field not in KNOWN_FIELDS:
            guess = closest_field(field)
            zh = f"，是不是 {guess}？" if guess else ""
            en = f"; did you mean {guess}?" if guess else ""
            raise BadColumnMap(f"{item!r}：未知字段 {field!r}{zh}（全部字段见 docs/supported-inputs.md）",
                               f"{item!r}: unknown field {field!r}{en} (every field: docs/supported-inputs.md)")
        mapping[header] = field
    return mapping


def add_map_argument(parser) -> None:
    """``--map 表头=字段`` (repeatable; ``--column`` is the same option): the one spelling of a
    merchant's own column names on every command line, read by ``parse_column_map``."""
    parser.add_argument("--map", "--column", dest="map", action="append", default=[], metavar="表头=字段",
                        help="把自定义列映射到字段 map a column of yours to a field, e.g. 揽收时间=picked_up_at "
                             "(repeatable; --column is the same)")


def clean_header(text) -> str:
    """A header cell unwrapped as any cell is (``shared.cells``), and a byte-order mark dropped."""
    return str(text if text is not None else "").strip(PROTECTION + "\ufeff")


def map_header(header, column_map=None) -> tuple[dict, list]:
    """``({column index: field path}, [unmapped header texts])`` for a header row.

    ``column_map`` maps a merchant's own header text to a field path (``揽收时间=picked_up_at``)
    and wins over the built-in synonyms.
    """
    chosen = {}
    unmapped = []
    extra = {clean_header(k).lower(): v for k, v in (column_map or {}).items()}
    for index, raw in enumerate(header):
        text = clean_header(raw)
        key = text.lower()
        if key in extra:
            field, rank = extra[key], -1
        elif key in _HEADER_TO_FIELD:
            field, rank = _HEADER_TO_FIELD[key]
        else:
            if text:
                unmapped.append(text)
            continue
        if field not in chosen or rank < chosen[field][1]:
            if field in chosen:
                unmapped.append(clean_header(header[chosen[field][0]]))
            chosen[field] = (index, rank)
        else:
            unmapped.append(text)
    return {index: field for field, (index, _) in chosen.items()}, unmapped


def field_plan(columns: dict) -> tuple:
    """``(index, group, key)`` per mapped column, worked out once per header: ``group`` is
    ``None`` for a top-level field and the group's name for a grouped one (``price_match.x``)."""
    plan = []
    for index, field in columns.items():
        group, dot, key = field.partition(".")
        plan.append((index, group, key) if dot else (index, None, field))
    return tuple(plan)


def row_to_raw(plan: tuple, row, base: dict | None = None) -> dict:
    """One row as a contract-shaped order dict (grouped fields nested); ``plan`` from ``field_plan``,
    ``base`` values the row's cells add to (defaults for fields no column holds)."""
    raw = dict(base) if base else {}
    width = len(row)
    for index, group, key in plan:
        if index >= width:
            continue
        value = row[index]  # passed on as it is: the core's parsers unwrap ="…" and tabs themselves
        if value is None or (isinstance(value, str) and not value.strip(PROTECTION)):  # clean_cell, inlined
            continue
        if group is None:
            raw[key] = value
        else:
            raw.setdefault(group, {})[key] = value
    return raw
