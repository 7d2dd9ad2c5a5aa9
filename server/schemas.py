"""Marshmallow schemas: they validate request envelopes and generate the OpenAPI document.

Orders inside a batch are documented as ``Order`` but checked one by one by the rules core
(``LenientNested``), so one bad order gets its own field errors and the rest are annotated;
responses are built by the core and documented here (the API tests validate them against it).
"""
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from shared import InputError, parse_time
from shared.model import COMPETITORS, MERCHANT_TYPES, PAYMENT_METHODS, PLATFORMS, SEVERITIES

MONEY_DOC = {"description": "Yuan: a string or a number, e.g. \"129.00\" or 129.5",
             "oneOf": [{"type": "string"}, {"type": "number"}]}
TIME_DOC = {"description": "ISO 8601, or the JD export form 2022-06-01 10:15:00 (Beijing time without an offset)",
            "type": "string"}


class Money(fields.Raw):
    pass


class Time(fields.Raw):
    pass


class AsOf(fields.String):
    """A time of the request itself (``as_of``, a period's bounds), checked by the core's parser.

    Documented as RFC 3339 ``date-time``; the JD export form ``2022-06-20 12:00:00`` is accepted too.
    """

    def __init__(self, **kwargs):
        metadata = {"format": "date-time", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            parsed = parse_time(value, sentinels=False)
        except InputError as e:
            raise ValidationError(f"{e.message} / {e.message_en}") from None
        if parsed is None:
            raise ValidationError("as_of 不能为空 / as_of must be a time")
        return parsed


class LenientNested(fields.Nested):
    """Documented as the nested schema; passed through untouched for the core to check."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return value


class LenientList(fields.List):
    """A list documented with its items' schema; only its being a list is checked here, and its
    items are passed on as they are (one call, not one per item: batches hold thousands)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise self.make_error("invalid")
        return value


def _money(description=""):
    return Money(metadata={**MONEY_DOC, "description": f"{description} {MONEY_DOC['description']}".strip()})


def _time(description=""):
    return Time(metadata={**TIME_DOC, "description": f"{description} {TIME_DOC['description']}".strip()})


def _bool(description=""):
    return fields.Boolean(metadata={"description": description})


class OpenSchema(Schema):
    """Order parts: fields a client adds beyond these are ignored, never refused."""

    class Meta:
        unknown = INCLUDE


class PriceMatchSchema(OpenSchema):
    competitor_platform = fields.String(validate=validate.OneOf(COMPETITORS))
    competitor_paid_amount = _money("What the consumer paid on the other platform.")
    competitor_monthly_sales = fields.Integer()
    same_product = _bool()
    custom_product = _bool()
    claimed_at = _time()
    service_mark = _bool("The item carries the 买贵双倍赔 mark.")
    merchant_type = fields.String(validate=validate.OneOf(MERCHANT_TYPES))
    exited_at = _time("When the merchant left the price-match activity.")
    jd_paid_amount = _money("JD paid amount incl. beans/E-card/balance, if not paid_amount.")


class PriceCommitmentSchema(OpenSchema):
    unit_price = _money()
    post_window_lowest_price = _money()
    claimed = _bool()


class PriceHistorySchema(OpenSchema):
    baseline_price = _money()
    peak_price = _money()
    activity_price = _money()


class PriceProtectionSchema(OpenSchema):
    days = fields.Integer()
    unit_price = _money()
    lowest_price_after = _money()


class RedEnvelopeSchema(OpenSchema):
    qualifying = _bool("The user completed 3 qualifying orders (满3免3).")
    activity_end = _time()
    refunded_at = _time()


class ReturnRequestSchema(OpenSchema):
    requested_at = _time()
    no_reason_excluded = _bool()
    user_level = fields.String(metadata={"description": "魔镜 level, e.g. S2"})
    in_lightning_scope = _bool()
    credit_limit = _money()
    waybill_uploaded_at = _time()
    pickup = _bool()


class AfterSalesSchema(OpenSchema):
    delay_report_approved = _bool()
    negotiated = _bool()


class ServicesSchema(OpenSchema):
    freight_insurance = _bool()
    lightning_refund = _bool()


class OrderSchema(OpenSchema):
    order_id = fields.String(required=True)
    platform = fields.String(validate=validate.OneOf(PLATFORMS), metadata={"description": "default jd"})
    campaign = fields.String(metadata={"description": "a campaign id; default: found from platform and payment time"})
    placed_at = _time()
    paid_at = _time()
    payment_method = fields.String(validate=validate.OneOf(PAYMENT_METHODS))
    order_status = fields.String(metadata={"description": "JD text (等待出库, 等待确认收货, 已完成, 已取消…) or a code"})
    promised_ship_by = _time("The merchant's own promised ship time.")
    shown_ship_by = _time("The ship-by time JD shows on the order.")
    shipped_at = _time()
    picked_up_at = _time()
    received_at = _time()
    paid_amount = _money()
    quantity = fields.Integer()
    weight_kg = _money("Parcel weight in kg.")
    subsidy_activity = fields.String()
    subsidy_amount = _money()
    price_match = fields.Nested(PriceMatchSchema)
    price_commitment = fields.Nested(PriceCommitmentSchema)
    price_history = fields.Nested(PriceHistorySchema)
    price_protection = fields.Nested(PriceProtectionSchema)
    red_envelope = fields.Nested(RedEnvelopeSchema)
    return_request = fields.Nested(ReturnRequestSchema)
    after_sales = fields.Nested(AfterSalesSchema)
    services = fields.Nested(ServicesSchema)


class OptionsSchema(Schema):
    at_risk_hours = fields.Float(validate=validate.Range(min=0, max=240),
                                 metadata={"description": "Hours before the deadline a pending order counts as at risk."})


class AnnotateRequestSchema(Schema):
    as_of = AsOf(metadata={"description": "Default: the server's current time."})
    orders = LenientList(LenientNested(OrderSchema), required=True)
    options = fields.Nested(OptionsSchema)


class RowsRequestSchema(Schema):
    as_of = AsOf()
    header = fields.List(fields.Raw(allow_none=True), required=True)
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True)
    defaults = fields.Dict(keys=fields.String(), values=fields.Raw(),
                           metadata={"description": "Values for fields the rows leave empty, e.g. {\"platform\": \"jingxi\"}"})
    column_map = fields.Dict(keys=fields.String(), values=fields.String(),
                             metadata={"description": "Own header text → contract field path, e.g. {\"揽收时间\": \"picked_up_at\"}"})
    options = fields.Nested(OptionsSchema)


class PeriodSchema(Schema):
    start = AsOf()
    end = AsOf()


class StoreRequestSchema(Schema):
    as_of = AsOf()
    store = fields.Dict(required=True, metadata={"description": "Store facts (see README)"})
    orders = LenientList(LenientNested(OrderSchema), load_default=list)
    period = fields.Nested(PeriodSchema, metadata={"description": "default: the span of the orders' payment times"})


# Responses (documentation; the core builds them).
class ErrorItemSchema(Schema):
    field = fields.String()
    message = fields.String()
    message_en = fields.String()


class FlagSchema(Schema):
    code = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    rule = fields.String(required=True)
    message = fields.String(required=True)
    message_en = fields.String(required=True)
    facts = fields.Dict()


class MoneyItemSchema(Schema):
    rule = fields.String(required=True)
    amount = fields.String(required=True, metadata={"pattern": r"^\d+\.\d{2}$"})
    payer = fields.String()
    payee = fields.String()
    status = fields.String(validate=validate.OneOf(("owed", "if_claimed")))
    message = fields.String()
    message_en = fields.String()
    facts = fields.Dict()


class CompensationSchema(Schema):
    total = fields.String(required=True)
    if_claimed_total = fields.String()
    items = fields.List(fields.Nested(MoneyItemSchema), required=True)


class LossesSchema(Schema):
    total = fields.String(required=True)
    items = fields.List(fields.Nested(MoneyItemSchema), required=True)


class ShipSchema(Schema):
    deadline = fields.String(required=True)
    hours_allowed = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ("shipped_on_time", "shipped_late", "pending", "at_risk", "overdue", "shipped_time_unknown")))
    late_by_hours = fields.Float(allow_none=True)
    hours_left = fields.Float(allow_none=True)
    rule = fields.String()
    basis = fields.String()
    shipped_basis = fields.String(allow_none=True)
    platform_deadline = fields.String()
    shown_ship_by = fields.String(allow_none=True)


class SkipSchema(Schema):
    message = fields.String()
    message_en = fields.String()
    missing = fields.List(fields.String())


class OrderResultSchema(Schema):
    order_id = fields.String(required=True, allow_none=True)
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True)
    campaign = fields.String(allow_none=True)
    ship = fields.Nested(ShipSchema, allow_none=True, required=True)
    deadlines = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    flags = fields.List(fields.Nested(FlagSchema), required=True)
    compensation = fields.Nested(CompensationSchema, required=True)
    losses = fields.Nested(LossesSchema)
    skipped = fields.List(fields.String(), required=True)
    skipped_reasons = fields.Dict(keys=fields.String(), values=fields.Nested(SkipSchema))


class SummarySchema(Schema):
    orders = fields.Integer(required=True)
    violations = fields.Integer(required=True)
    warnings = fields.Integer(required=True)
    compensation_total = fields.String(required=True)
    if_claimed_total = fields.String()
    losses_total = fields.String()
    late = fields.Integer()
    overdue = fields.Integer()
    at_risk = fields.Integer()
    errors = fields.Integer()


class AnnotateResponseSchema(Schema):
    as_of = fields.String(required=True)
    rules_version = fields.String()
    results = fields.List(fields.Nested(OrderResultSchema), required=True)
    summary = fields.Nested(SummarySchema, required=True)


class ColumnSchema(Schema):
    key = fields.String()
    title = fields.String()


class RowsResponseSchema(Schema):
    as_of = fields.String(required=True)
    rules_version = fields.String()
    columns = fields.List(fields.Nested(ColumnSchema), required=True)
    header = fields.List(fields.String(), required=True)
    rows = fields.List(fields.List(fields.Raw()), required=True)
    row_status = fields.List(fields.String(validate=validate.OneOf(("late", "at_risk", "owed", "error", "ok", "blank"))),
                             required=True)
    mapping = fields.Dict(keys=fields.String(), values=fields.String())
    unmapped = fields.List(fields.String())
    summary = fields.Nested(SummarySchema, required=True)


class MetricSchema(Schema):
    rule = fields.String(required=True)
    metric = fields.String(required=True)
    value = fields.Raw(allow_none=True)
    target = fields.Raw(allow_none=True)
    condition = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(("ok", "at_risk", "failing", "unknown")))
    period = fields.Dict(allow_none=True)
    reason = fields.String(required=True)
    reason_en = fields.String(required=True)
    facts = fields.Dict()


class StoreResponseSchema(Schema):
    as_of = fields.String(required=True)
    campaign = fields.String(allow_none=True)
    status = fields.String(required=True)
    metrics = fields.List(fields.Nested(MetricSchema), required=True)
    errors = fields.List(fields.Dict())
    order_errors = fields.List(fields.Dict())


class CampaignsResponseSchema(Schema):
    campaigns = fields.List(fields.Dict(), required=True)


class RulesResponseSchema(Schema):
    version = fields.String(required=True)
    rules = fields.List(fields.Dict(), required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)
    rules_version = fields.String()
    campaigns = fields.Integer()


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    message_en = fields.String(required=True)
    details = fields.Raw()
    request_id = fields.String()


class ApiErrorSchema(Schema):
    """The one error shape: {"error": {code, message, message_en, details}}."""

    error = fields.Nested(ErrorBodySchema, required=True)
