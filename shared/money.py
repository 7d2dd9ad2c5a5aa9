"""Money in yuan: exact decimals, rounded half up to the fen once, at the end (an assumption where the
seeds are silent, stated in shared/data/rules.toml).

An amount given with at most 2 decimals is read as fen (``"129"`` → ``129.00``). One given with
more (``"129.005"``, a spreadsheet's ``33.333333333333336``) is kept exact: every sum, difference
and product is worked out on the exact values and only the result is rounded to the fen, so
(129.005 − 109.00) × 2 owes 40.01, not the 40.02 of rounding the input first. Sentences show
such an input as it was given.

``quantize`` takes its rounding positionally here: as a keyword it costs CPython's decimal
about 300 ns more a call, and every amount of every order goes through it."""
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from .errors import InvalidAmount

FEN: Final = Decimal("0.01")
ZERO: Final = Decimal("0.00")
ZERO_TEXT: Final = "0.00"
# Larger than any order; refusing it keeps every later sum exact and in range.
MAX_AMOUNT: Final = Decimal("1000000000000")
# Longer than any way of writing an amount; refused before any conversion.
MAX_AMOUNT_TEXT: Final = 40
# Exponents (Excel's 1.2E+05) beyond two digits are refused before conversion.
MAX_EXPONENT_DIGITS: Final = 2
# The spaces people type or paste between digits: ASCII, no-break (NBSP), ideographic (U+3000) and the
# thin ones (figure, punctuation, thin, hair, narrow no-break); each is read as one ASCII space.
SPACES: Final = " \xa0\u3000\u2007\u2008\u2009\u200a\u202f"
_FOLD: Final = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "，": ",", "＋": "+", "－": "-",
                       **dict.fromkeys(SPACES, " "), **dict.fromkeys("¥￥\"'=元")})
# The ends an amount may carry; spaces inside it are read by _AMOUNT, never dropped.
_ENDS: Final = " \t\r\n"
# A comma, or a space, only between groups of three digits (one kind per amount): 1,299.50 and
# 1 299.50 yes; 12,50 and 129 00 no.
_AMOUNT: Final = re.compile(r"([+-]?)(\d{1,3}(?:([, ])\d{3})(?:\3\d{3})*|\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?", re.ASCII)


def _unreadable(value: str) -> InvalidAmount:
    return InvalidAmount(f"无法识别的金额 {value[:40]!r}", f"unreadable amount {value[:40]!r}")


def _from_text(value: str) -> Decimal:
    if len(value) > MAX_AMOUNT_TEXT:
        raise InvalidAmount(f"金额文本过长（{len(value)} 个字符）", f"amount text too long ({len(value)} characters)")
    if value.isascii() and value.replace(".", "", 1).isdigit():  # 129.00, 129: most amounts
        return Decimal(value)
    text = value.translate(_FOLD).strip(_ENDS)
    match = _AMOUNT.fullmatch(text)
    if match is None:
        if "," in text:
            raise InvalidAmount(f"金额 {value[:40]!r} 中的逗号只能作千位分隔（如 1,299.50），小数点请用“.”",
                                f"amount {value[:40]!r}: a comma only separates thousands (1,299.50); use '.' for decimals")
        if " " in text:
            raise InvalidAmount(f"金额 {value[:40]!r} 中的空格只能作千位分隔（如 1 299.50），数字之间请勿留空格",
                                f"amount {value[:40]!r}: a space only separates thousands (1 299.50); no spaces between digits")
        raise _unreadable(value)
    sign, whole, _, fraction, exp_sign, exponent = match.groups()
    if not whole and not fraction:
        raise _unreadable(value)
    if exponent is not None and len(exponent.lstrip("0")) > MAX_EXPONENT_DIGITS:
        raise InvalidAmount(f"金额的指数过大 {value[:40]!r}", f"amount exponent too large {value[:40]!r}")
    digits = f"{sign}{whole.replace(',', '').replace(' ', '') or '0'}.{fraction or '0'}"
    return Decimal(digits if exponent is None else f"{digits}e{exp_sign}{exponent}")


def to_money(value) -> Decimal:
    """A yuan amount from a JSON number or string (``"129.00"``, ``129``, ``"¥1,299.5"``, ``"１２９"``).

    Fen when given with at most 2 decimals, else exact (see the module docstring); ``-0`` is 0.00."""
    if isinstance(value, bool) or value is None:
        raise InvalidAmount("不是金额", "not an amount")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        if not -MAX_AMOUNT <= value <= MAX_AMOUNT:
            raise InvalidAmount("金额过大", "amount too large")
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        amount = _from_text(value)
    else:
        raise InvalidAmount("不是金额", "not an amount")
    if not amount.is_finite():
        raise InvalidAmount("金额必须是有限数", "amount must be a finite number")
    if amount.is_signed():
        if amount:
            raise InvalidAmount("金额不能为负", "amount must not be negative")
        amount = amount.copy_abs()
    if amount > MAX_AMOUNT:
        raise InvalidAmount("金额过大", "amount too large")
    rounded = amount.quantize(FEN, ROUND_HALF_UP)
    return rounded if rounded == amount else amount


def fen(amount: Decimal) -> Decimal:
    """Round a result to the fen, half up."""
    return amount.quantize(FEN, ROUND_HALF_UP)


def money_str(amount: Decimal) -> str:
    if amount is ZERO:  # the running totals of most orders never move off ZERO
        return ZERO_TEXT
    return str(amount.quantize(FEN, ROUND_HALF_UP))
