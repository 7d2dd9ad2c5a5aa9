"""Turn an order as clients send it (contract field names) into an ``Order``.

Every field is read on its own by the parser of its kind (``shared.fields``). A value that
cannot be read gives one ``{field, message}`` error and is left out, and the field is named in
``Order.invalid``: only the rules that need it are skipped, the rest of the order is still
worked out. Only an order that is not an object, or has no readable order id, gets no ``Order``.
"""
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

from .beijing_time import parse_time, sheet_text, sheet_time
from .cells import clean_cell
from .errors import InputError, InvalidBoolean, InvalidNumber, InvalidText, UnknownValue
from .fields import BY_PATH, CHOICES, GROUP_MEMBERS, TOP_LEVEL
from .messages import bilingual, fixed, say, sentences
from .model import GROUP_TYPES, Order
from .money import MAX_AMOUNT_TEXT, to_money
from .vocabulary import STATUS_PLATFORMS, STATUS_PREFIXES, STATUS_WORDS

# JD's words (and JOS's) for the codes the contract uses.
CODE_WORDS: Final = {
    "platforms": {"京东": "jd", "京东商城": "jd", "京东国际": "jd_international", "京喜": "jingxi"},
    "payment_methods": {"在线支付": "online", "货到付款": "cod", "4-在线支付": "online", "1-货到付款": "cod",
                        "4": "online", "1": "cod"},
    "competitors": {"拼多多百亿补贴": "pdd_billion_subsidy", "天猫": "tmall"},
    "merchant_types": {"京东小店": "jd_xiaodian", "第三方": "pop"},
}
CODE_NAMES: Final = {"platforms": ("平台", "platform"), "payment_methods": ("支付方式", "payment method"),
              "competitors": ("比价平台", "competitor platform"), "merchant_types": ("商家类型", "merchant type")}
# Longer texts are refused before any conversion: no field of a JD order needs more.
MAX_TEXT: Final = 500
MAX_NUMBER_TEXT: Final = 40
AMOUNTS_KEPT: Final = 4096
_amounts: Final[dict] = {}
_TRUE: Final = {"true", "1", "yes", "y", "是", "有", "已开通", "开通", "√"}
_FALSE: Final = {"false", "0", "no", "n", "否", "无", "未开通", ""}
_PICKUP: Final = {"上门取件": True, "上门取退": True, "京东上门取件": True, "客户发货": False, "自行寄回": False,
           "客户自行寄回": False, "送至门店": False}
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９．", "0123456789.")


def shown(value, limit: int = 40) -> str:
    """A value as an error message quotes it: its text, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _text(value):
    if value is None:
        return None
    if isinstance(value, (dict, list, bool)):
        raise InvalidText("应为文本", "expected text")
    text = clean_cell(value if isinstance(value, str) else str(value))
    if len(text) > MAX_TEXT:
        raise InvalidText(f"文本过长（{len(text)} 字符，最多 {MAX_TEXT}）", f"text too long ({len(text)} characters, at most {MAX_TEXT})")
    return text or None


def parse_text(value):
    """A text value (at most ``MAX_TEXT`` characters), or None when empty."""
    return _text(value)


def parse_order_id(value):
    """An order id: text without control characters, or a whole JSON number (JD's ids are digits)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = _text(value)
    if text is not None and not text.isprintable() and _CONTROL.search(text):
        raise InvalidNumber(f"订单号含控制字符 {shown(text)}", f"the order id holds a control character {shown(text)}")
    return text


def _code(listed):
    choices = CHOICES[listed]
    words = CODE_WORDS[listed]
    what, what_en = CODE_NAMES[listed]

    def parse(value):
        text = _text(value)
        if text is None:
            return None
        code = words.get(text) or text.lower()
        if code not in choices:
            raise UnknownValue(f"未知的{what} {shown(text)}（可选：{', '.join(choices)}）",
                               f"unknown {what_en} {shown(text)} (one of: {', '.join(choices)})")
        return code
    return parse


def _competitor(value):
    """A listed platform's code (拼多多百亿补贴, 天猫); any other platform's name is kept as given,
    and PRICE-MATCH reports it as not a listed platform (nothing owed), not as an input error."""
    text = _text(value)
    if text is None:
        return None
    code = CODE_WORDS["competitors"].get(text) or text.lower()
    return code if code in CHOICES["competitors"] else text


def parse_bool(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (dict, list)):
        raise InvalidBoolean("应为是/否", "expected true/false")
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else None
    raise InvalidBoolean(f"应为是/否，收到 {shown(text, 20)}", f"expected true/false, got {shown(text, 20)}")


def parse_pickup(value):
    """返回方式 (上门取件 / 客户发货 …) or a plain true/false."""
    if isinstance(value, str) and clean_cell(value) in _PICKUP:
        return _PICKUP[clean_cell(value)]
    return parse_bool(value)


def parse_int(value, maximum: int = 10**9):
    """A non-negative whole number up to ``maximum``; long or exponent-laden texts are refused
    before they are converted (``"1e1000000"`` would otherwise build a million-digit number)."""
    if type(value) is int:
        number = value
    elif value is None:
        return None
    elif isinstance(value, (bool, dict, list)):
        raise InvalidNumber("应为整数", "expected a whole number")
    else:
        text = clean_cell(value if isinstance(value, str) else repr(value)).translate(_FULL_WIDTH).replace(",", "")
        if not text:
            return None
        if text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_TEXT:
            number = int(text)
        else:
            try:
                if len(text) > MAX_NUMBER_TEXT:
                    raise InvalidOperation
                parsed = Decimal(text)
                if not parsed.is_finite() or parsed.adjusted() > 18 or parsed != parsed.to_integral_value():
                    raise InvalidOperation
            except InvalidOperation:
                raise InvalidNumber(f"应为整数，收到 {shown(text, 20)}", f"expected a whole number, got {shown(text, 20)}") from None
            number = int(parsed)
    if not 0 <= number <= maximum:
        raise InvalidNumber(f"应为 0 到 {maximum} 之间的整数", f"expected a whole number from 0 to {maximum}")
    return number


def parse_status(value):
    """The meaning of a status word (``to_ship``, ``shipped``, ``deleted`` …); a word not in the
    table is kept as it is, and the rules say they do not know it (never read as "to ship")."""
    text = _text(value)
    if text is None:
        return None
    for prefix, meaning in STATUS_PREFIXES.items():
        if text.startswith(prefix):
            return meaning
    return STATUS_WORDS.get(text) or STATUS_WORDS.get(text.lower()) or text


# JD's export writes a provisional amount as 36.80（系统计算中，该值仅供参考）: the number, then a note.
# The pattern is linear (no two of its parts can take the same character: the amount stops at the
# first opening bracket, the note at the first closing one), and only runs on a text short enough
# to be an amount and a note; a longer one goes whole to the amount reader, which refuses it.
MAX_NOTE: Final = 60
MAX_NOTED_AMOUNT: Final = MAX_AMOUNT_TEXT + MAX_NOTE + 8
_AMOUNT_NOTE: Final = re.compile(r"([^（(]*)[（(]([^）)]{1,%d})[）)]\s*" % MAX_NOTE)


def amount_note(value):
    """``(amount text, note)`` for an amount followed by a bracketed note, else ``(value, None)``."""
    if isinstance(value, str) and len(value) <= MAX_NOTED_AMOUNT and ("（" in value or "(" in value):
        match = _AMOUNT_NOTE.fullmatch(value)
        if match:
            amount = match.group(1).strip()
            if any(c.isdigit() for c in amount):
                return amount, match.group(2)
    return value, None


def _money(value):
    """An amount; each distinct text is read once (prices repeat across a merchant's orders)."""
    if isinstance(value, str):
        amount = _amounts.get(value)
        if amount is None:
            if not clean_cell(value):
                return None
            amount = to_money(value)
            if len(_amounts) >= AMOUNTS_KEPT:
                _amounts.clear()
            _amounts[value] = amount
        return amount
    return None if value is None else to_money(value)


def _decimal(value):
    amount = _money(value)
    return None if amount is None else Decimal(amount)


def _upper(value):
    text = _text(value)
    return text.upper() if text else None


_KIND_PARSERS: Final = {"text": _text, "status": parse_status, "time": parse_time, "money": _money, "decimal": _decimal,
                 "bool": parse_bool, "level": _upper, "pickup": parse_pickup}


# Kinds whose values come from a few words (平台, 支付方式, 订单状态, 是/否 …): each field reads each
# distinct text once, as ``_money`` does amounts; a text it cannot read is refused each time.
_FEW_WORDS: Final = frozenset({"code", "status", "bool", "level", "pickup"})
WORDS_KEPT: Final = 256


def _read_once(parse):
    """``parse``, remembering what each text it has read gives (the last ``WORDS_KEPT`` texts; a
    refused text is not remembered). Other values (numbers, booleans, lists) are read each time."""
    remembered = lru_cache(maxsize=WORDS_KEPT)(parse)

    def parse_text_once(value):
        return remembered(value) if type(value) is str else parse(value)
    return parse_text_once


def _parser(f):
    if f.kind == "code":
        return _read_once(_competitor if f.listed == "competitors" else _code(f.listed))
    if f.kind == "count":
        maximum = f.max or 10**9
        return lambda value: parse_int(value, maximum)
    parse = _KIND_PARSERS[f.kind]
    return _read_once(parse) if f.kind in _FEW_WORDS else parse


parse_platform = _code("platforms")
_FIELDS: Final = {f.name: _parser(f) for f in TOP_LEVEL if f.name != "order_id"}
_GROUPS: Final = {group: (GROUP_TYPES[group], {f.name: _parser(f) for f in members})
           for group, members in GROUP_MEMBERS.items()}
_MISSING_ID: Final = {"field": "order_id", "message": "缺少订单号", "message_en": "order_id is missing"}
_BAD_ID: Final = {"field": "order_id", "message": "订单号应为文本或整数", "message_en": "order_id must be text or a whole number"}


_MONEY_FIELDS: Final = frozenset(f.name for f in TOP_LEVEL if f.kind == "money")


def _note_warning(field: str, note: str) -> dict:
    return {"field": field, "message": f"金额附注“{note}”：已按数字读取，可能变动",
            "message_en": f"the amount carries the note '{note}': read as its number, it may still change"}


# Times that cannot lie after the time of the check: a payment "ahead" is a typo or a wrong as_of,
# and would make a late order look pending. Warned of, naming the field; the rules still run.
AFTER_NOW_CHECKED: Final = ("placed_at", "paid_at", "picked_up_at", "shipped_at")
# Each checked field's name as the warning says it, made once.
_CHECKED_NAMES: Final = {name: fixed(bilingual(BY_PATH[name].zh, BY_PATH[name].en)) for name in AFTER_NOW_CHECKED}


def after_now(order: Order, as_of, as_of_iso: str) -> list:
    """Warnings for the order's times after ``as_of`` (``AFTER_NOW_CHECKED``), usually none;
    ``as_of_iso`` is ``as_of`` formatted once for the batch (``Context.as_of_iso``)."""
    warnings = []
    as_of_text = None
    for name in AFTER_NOW_CHECKED:
        at = getattr(order, name)
        if at is not None and at > as_of:
            if as_of_text is None:
                as_of_text = sheet_text(as_of_iso)
            zh, en = sentences(say("time_after_now", field=_CHECKED_NAMES[name], time=sheet_time(at), as_of=as_of_text))
            warnings.append({"field": name, "message": zh, "message_en": en})
    return warnings


def _error(field, e: InputError) -> dict:
    return {"field": field, "message": e.message, "message_en": e.message_en}


def parse_order(raw, *, defaults=None) -> tuple[Order | None, list]:
    """``(order, errors)``: ``order`` is None only when ``raw`` is not an object or has no readable
    order id; otherwise every readable field is set and each unreadable one is an error.
    ``defaults`` fill fields the order leaves empty."""
    if not isinstance(raw, dict):
        return None, [{"field": "", "message": "订单必须是 JSON 对象", "message_en": "an order must be a JSON object"}]
    given_id = raw.get("order_id")
    try:
        order_id = parse_order_id(given_id)
    except InputError as e:  # an overlong id: that order's error, not the batch's
        return None, [_error("order_id", e)]
    if order_id is None:
        return None, [_MISSING_ID if given_id is None or given_id == "" else _BAD_ID]
    errors = []
    invalid = []
    warnings = []
    values = {}
    present = raw
    if defaults:
        fill = {k: v for k, v in defaults.items() if k in _FIELDS and raw.get(k) in (None, "")}
        if fill:
            present = {**raw, **fill}
    for name, value in present.items():
        if value is None:
            continue
        parse = _FIELDS.get(name)
        if parse is not None:
            if name in _MONEY_FIELDS and isinstance(value, str) and ("（" in value or "(" in value):
                value, note = amount_note(value)
                if note:
                    warnings.append(_note_warning(name, note))
            try:
                parsed = parse(value)
            except InputError as e:
                errors.append(_error(name, e))
                invalid.append(name)
                continue
            if parsed is not None:
                values[name] = parsed
            continue
        group_spec = _GROUPS.get(name)
        if group_spec is None:
            continue
        if not isinstance(value, dict):
            errors.append({"field": name, "message": "应为 JSON 对象", "message_en": "must be a JSON object"})
            invalid.append(name)
            continue
        kind, spec = group_spec
        parts = {}
        for key, part in value.items():
            parse = spec.get(key)
            if parse is None or part is None:
                continue
            try:
                parsed = parse(part)
            except InputError as e:
                errors.append(_error(f"{name}.{key}", e))
                invalid.append(f"{name}.{key}")
                continue
            if parsed is not None:
                parts[key] = parsed
        values[name] = kind(**parts)
    status_word = present.get("order_status")
    if "platform" not in values and "platform" not in invalid and isinstance(status_word, str):
        platform = STATUS_PLATFORMS.get(clean_cell(status_word))
        if platform:  # 等待境外出库 is JD International's word
            values["platform"] = platform
    if invalid:
        values["invalid"] = frozenset(invalid)
    if warnings:
        values["warnings"] = tuple(warnings)
    return Order(order_id=order_id, **values), errors
