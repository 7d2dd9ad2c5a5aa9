"""Money in yuan: exact decimals, 2 places (fen), rounded half up (RULES.md assumption).

``quantize`` takes its rounding positionally here: as a keyword it costs CPython's decimal
about 300 ns more a call, and every amount of every order goes through it."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InvalidAmount

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
ZERO_TEXT = "0.00"
# Larger than any order; refusing it keeps every later sum exact and in range.
MAX_AMOUNT = Decimal("1000000000000")
_STRIP = str.maketrans("", "", "¥￥,， \t\"'=元")


def to_money(value) -> Decimal:
    """A yuan amount from a JSON number or string (``"129.00"``, ``129``, ``"¥1,299.5"``)."""
    if isinstance(value, bool) or value is None:
        raise InvalidAmount("不是金额", "not an amount")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            amount = Decimal(value.translate(_STRIP))
        except InvalidOperation:
            raise InvalidAmount(f"无法识别的金额 {value[:40]!r}", f"unreadable amount {value[:40]!r}") from None
    else:
        raise InvalidAmount("不是金额", "not an amount")
    if not amount.is_finite():
        raise InvalidAmount("金额必须是有限数", "amount must be a finite number")
    if amount < 0:
        raise InvalidAmount("金额不能为负", "amount must not be negative")
    if amount > MAX_AMOUNT:
        raise InvalidAmount("金额过大", "amount too large")
    return amount.quantize(FEN, ROUND_HALF_UP)


def fen(amount: Decimal) -> Decimal:
    """Round an intermediate result to the fen, half up."""
    return amount.quantize(FEN, ROUND_HALF_UP)


def money_str(amount: Decimal) -> str:
    if amount is ZERO:  # the running totals of most orders never move off ZERO
        return ZERO_TEXT
    return str(amount.quantize(FEN, ROUND_HALF_UP))
