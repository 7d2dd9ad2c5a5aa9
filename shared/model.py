"""Domain types: the order as the rules see it, and what the rules say about it.

The input types (``Order`` and its groups) are slotted but not frozen: a frozen 26-field
``__init__`` costs ~7 µs per order, more than most rules; the rules only read them."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .money import ZERO

PLATFORMS = ("jd", "jd_international", "jingxi")
COMPETITORS = ("pdd_billion_subsidy", "tmall")
MERCHANT_TYPES = ("pop", "jd_xiaodian")
PAYMENT_METHODS = ("online", "cod")
SEVERITIES = ("violation", "warning", "info")
FAMILIES = ("shipping", "price", "after_sales", "promotions")


@dataclass(slots=True)
class PriceMatchClaim:
    """买贵双倍赔: what the consumer's claim says about the other platform."""

    competitor_platform: str | None = None
    competitor_paid_amount: Decimal | None = None
    competitor_monthly_sales: int | None = None
    same_product: bool | None = None
    custom_product: bool | None = None
    claimed_at: datetime | None = None
    service_mark: bool | None = None
    merchant_type: str | None = None
    exited_at: datetime | None = None
    jd_paid_amount: Decimal | None = None


@dataclass(slots=True)
class PriceCommitment:
    unit_price: Decimal | None = None
    post_window_lowest_price: Decimal | None = None
    claimed: bool | None = None


@dataclass(slots=True)
class PriceHistory:
    """Prices around the presale monitoring period, for 先涨后降."""

    baseline_price: Decimal | None = None
    peak_price: Decimal | None = None
    activity_price: Decimal | None = None


@dataclass(slots=True)
class PriceProtection:
    days: int | None = None
    unit_price: Decimal | None = None
    lowest_price_after: Decimal | None = None


@dataclass(slots=True)
class RedEnvelope:
    qualifying: bool | None = None
    activity_end: datetime | None = None
    refunded_at: datetime | None = None


@dataclass(slots=True)
class ReturnRequest:
    requested_at: datetime | None = None
    no_reason_excluded: bool | None = None
    user_level: str | None = None
    in_lightning_scope: bool | None = None
    credit_limit: Decimal | None = None
    waybill_uploaded_at: datetime | None = None
    pickup: bool | None = None


@dataclass(slots=True)
class AfterSales:
    delay_report_approved: bool | None = None
    negotiated: bool | None = None


@dataclass(slots=True)
class Services:
    freight_insurance: bool | None = None
    lightning_refund: bool | None = None


@dataclass(slots=True)
class Order:
    order_id: str
    platform: str = "jd"
    campaign: str | None = None
    placed_at: datetime | None = None
    paid_at: datetime | None = None
    payment_method: str | None = None
    order_status: str | None = None
    promised_ship_by: datetime | None = None
    shown_ship_by: datetime | None = None
    shipped_at: datetime | None = None
    picked_up_at: datetime | None = None
    received_at: datetime | None = None
    paid_amount: Decimal | None = None
    quantity: int | None = None
    weight_kg: Decimal | None = None
    subsidy_activity: str | None = None
    subsidy_amount: Decimal | None = None
    price_match: PriceMatchClaim | None = None
    price_commitment: PriceCommitment | None = None
    price_history: PriceHistory | None = None
    price_protection: PriceProtection | None = None
    red_envelope: RedEnvelope | None = None
    return_request: ReturnRequest | None = None
    after_sales: AfterSales | None = None
    services: Services | None = None

    @property
    def concluded_at(self) -> datetime | None:
        """成交时间: payment confirmed; for cash on delivery, the order placed."""
        if self.payment_method == "cod":
            return self.placed_at or self.paid_at
        return self.paid_at

    @property
    def ordered_at(self) -> datetime | None:
        """The time that decides which rules were in force: placed, else paid."""
        return self.placed_at or self.paid_at


class Findings:
    """What the rules found about one order, already in the result's JSON form.

    Rules append plain dicts (see ``rules.context``): the result is built once, as it is
    returned, instead of being built as objects and converted; money totals run alongside."""

    __slots__ = ("ship", "deadlines", "flags", "compensation", "owed", "if_claimed", "losses", "lost",
                 "skipped", "skipped_reasons")

    def __init__(self):
        self.ship = None
        self.deadlines = {}  # name -> ISO 8601 text, formatted once
        self.flags = []
        self.compensation = []
        self.losses = []
        self.skipped = []
        self.skipped_reasons = {}
        self.owed = self.if_claimed = self.lost = ZERO
