"""Marshmallow schemas: they validate request envelopes and generate the OpenAPI document.

Orders inside a batch are documented as ``Order`` but checked one by one by the rules core
(``LenientNested``), so one bad order gets its own field errors and the rest are annotated;
responses are built by the core and documented here (the API tests validate them against it).
"""
from marshmallow import INCLUDE, Schema, ValidationError, fields, pre_load, validate

from shared import InputError, parse_time
from shared.options import AT_RISK_HOURS_MAX, DETAILS
from shared.coverage import CODES as COVERAGE_CODES
from shared.rules.context import GAPS

from .errors import ApiError
from shared.fields import GROUP_MEMBERS, GROUPS, TOP_LEVEL
from shared.jos import JosError, NotOrders, envelope_orders
from shared.model import FAMILIES, SEVERITIES, SHIP_STATUSES
from shared.vocabulary import FLAG_GROUPS

MONEY_DOC = {"description": "Yuan: a string or a number, e.g. \"129.00\" or 129.5",
             "oneOf": [{"type": "string"}, {"type": "number"}]}
WORDS_DOC = ("With options.detail lean, instead of message/message_en: {code, params?}, the template "
             "messages.<code> of the vocabulary (GET /api/v1/vocabulary) and its parameters (see docs/interfaces.md).")
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


class OpenSchema(Schema):
    """Order parts: fields a client adds beyond these are ignored, never refused."""

    class Meta:
        unknown = INCLUDE


def _documented(f) -> fields.Field:
    """The marshmallow field documenting one field of the table (``shared/data/fields.toml``)."""
    doc = f"{f.zh} — {f.doc}"
    if f.kind in ("money", "decimal"):
        return Money(metadata={**MONEY_DOC, "description": f"{doc} {MONEY_DOC['description']}"})
    if f.kind == "time":
        return Time(metadata={**TIME_DOC, "description": f"{doc} {TIME_DOC['description']}"})
    if f.kind == "bool":
        return fields.Boolean(metadata={"description": doc})
    if f.kind == "count":
        return fields.Integer(validate=validate.Range(min=0, max=f.max), metadata={"description": doc})
    if f.kind == "code":
        return fields.String(validate=validate.OneOf(f.choices), metadata={"description": doc})
    return fields.String(required=f.path == "order_id", metadata={"description": doc})


GROUP_SCHEMAS = {group: OpenSchema.from_dict({f.name: _documented(f) for f in members},
                                             name="".join(p.title() for p in group.split("_")) + "Schema")
                 for group, members in GROUP_MEMBERS.items()}
OrderSchema = OpenSchema.from_dict(
    {**{f.name: _documented(f) for f in TOP_LEVEL},
     **{group: fields.Nested(schema, metadata={"description": GROUPS[group]}) for group, schema in GROUP_SCHEMAS.items()}},
    name="OrderSchema")


class OptionsSchema(Schema):
    at_risk_hours = fields.Float(validate=validate.Range(min=0, max=AT_RISK_HOURS_MAX),
                                 metadata={"description": "Hours before the deadline a pending order counts as at risk."})
    families = fields.List(fields.String(validate=validate.OneOf(FAMILIES)), validate=validate.Length(min=1),
                           metadata={"description": "Rule families to run (default all); the summary then adds "
                                                    "totals per family (`summary.families`)."})
    detail = fields.String(validate=validate.OneOf(DETAILS), metadata={
        "description": "`full` (default): every flag, money item and skip reason with its `message` and "
                       "`message_en`. `lean`: each carries its `words` (a message code and parameters) instead, "
                       "for the client to render from the vocabulary; nothing else differs. Rows always "
                       "hold sentences (their explanation column)."})
    campaign = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "A campaign id (`GET /api/v1/campaigns`) for orders that name none; an unknown id "
                       "is refused (422). Like an order's own `campaign`, it applies only inside its window."})


class AnnotateRequestSchema(Schema):
    """Orders in the contract's fields or as JOS order objects; the body may also be a whole JOS
    response envelope (``jingdong_pop_order_enSearch_responce`` …), whose ``orderInfoList`` is read."""

    as_of = AsOf(metadata={"description": "Default: the server's current time."})
    orders = LenientList(LenientNested(OrderSchema), required=True,
                         metadata={"description": "Contract orders, or JOS orderInfoList elements (orderId, …)."})
    options = fields.Nested(OptionsSchema)

    @pre_load
    def jos_envelope(self, data, **kwargs):
        if not isinstance(data, dict) or "orders" in data:
            return data
        try:
            orders = envelope_orders(data)
        except JosError as e:
            raise ApiError(422, "jos_error_response", e.message, e.message_en, {"code": e.code}) from None
        except NotOrders as e:
            raise ApiError(422, "jos_not_orders", e.message, e.message_en) from None
        if orders is None:
            return data
        return {"orders": orders, **{k: data[k] for k in ("as_of", "options") if k in data}}


class RowsRequestSchema(Schema):
    as_of = AsOf()
    header = fields.List(fields.Raw(allow_none=True), required=True)
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True)
    defaults = fields.Dict(keys=fields.String(), values=fields.Raw(),
                           metadata={"description": "Values for fields the rows leave empty, e.g. {\"platform\": \"jingxi\"}"})
    column_map = fields.Dict(keys=fields.String(), values=fields.String(),
                             metadata={"description": "Own header text → contract field path, e.g. {\"揽收时间\": \"picked_up_at\"}"})
    options = fields.Nested(OptionsSchema)
    earlier_order_ids = fields.List(fields.Raw(allow_none=True), metadata={
        "description": "A table sent in parts: the order-id cells of the table's rows above these, as the id "
                       "column holds them. An order whose id is among them is annotated apart, with the note "
                       "an id that comes back later gets (the one grouping rule: adjacent lines of one id)."})
    continues = fields.Boolean(metadata={
        "description": "A table sent in parts: more rows follow these. The last order (from "
                       "`last_order_row`), whose lines may go on in the next part, is then neither annotated "
                       "nor counted: `rows` and `row_status` stop before it (unless it is the only order), "
                       "and the next part starts with it."})


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
    jos_field = fields.String(metadata={"description": "For a JOS order: the JOS field the value was read from."})


class FlagSchema(Schema):
    code = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    rule = fields.String(required=True)
    group = fields.String(validate=validate.OneOf(FLAG_GROUPS),
                          metadata={"description": "Which badge shows it: ship, promise, money, deadline or own."})
    message = fields.String(metadata={"description": "With options.detail full (the default)."})
    message_en = fields.String(metadata={"description": "With options.detail full (the default)."})
    words = fields.Dict(metadata={"description": WORDS_DOC})
    facts = fields.Dict()


class MoneyItemSchema(Schema):
    rule = fields.String(required=True)
    amount = fields.String(required=True, metadata={"pattern": r"^\d+\.\d{2}$"})
    payer = fields.String()
    payee = fields.String()
    status = fields.String(validate=validate.OneOf(("owed", "if_claimed")))
    message = fields.String()
    message_en = fields.String()
    words = fields.Dict(metadata={"description": WORDS_DOC})
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
    status = fields.String(required=True, validate=validate.OneOf(SHIP_STATUSES))
    late_by_hours = fields.Float(allow_none=True)
    hours_left = fields.Float(allow_none=True)
    rule = fields.String()
    basis = fields.String()
    shipped_basis = fields.String(allow_none=True)
    platform_deadline = fields.String()
    shown_ship_by = fields.String(allow_none=True)
    at_risk_hours = fields.Float(metadata={"description": "The at-risk threshold this result used (hours)."})


class SkipSchema(Schema):
    message = fields.String()
    message_en = fields.String()
    words = fields.Dict(metadata={"description": WORDS_DOC})
    missing = fields.List(fields.String())
    gap = fields.String(validate=validate.OneOf(GAPS), metadata={
        "description": "Present when the order could not be judged for want of these values (summary.coverage)."})


class OrderResultSchema(Schema):
    order_id = fields.String(required=True, allow_none=True)
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True)
    warnings = fields.List(fields.Nested(ErrorItemSchema), metadata={
        "description": "Values read with a remark, e.g. an amount JD marks 仅供参考 (provisional)."})
    campaign = fields.String(allow_none=True)
    ship = fields.Nested(ShipSchema, allow_none=True, required=True)
    deadlines = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    flags = fields.List(fields.Nested(FlagSchema), required=True)
    compensation = fields.Nested(CompensationSchema, required=True)
    losses = fields.Nested(LossesSchema)
    skipped = fields.List(fields.String(), required=True)
    skipped_reasons = fields.Dict(keys=fields.String(), values=fields.Nested(SkipSchema))
    source = fields.Dict(metadata={"description": "For a JOS order object: {format: jos, used: [...], ignored: [...]}; "
                                                  "ignored lists at most 50 keys, each clipped to 64 characters, and "
                                                  "ignored_more counts the others."})


class CoverageReasonSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(COVERAGE_CODES))
    field = fields.String(allow_none=True, metadata={"description": "The contract field (paid_at)."})
    column = fields.String(allow_none=True, metadata={"description": "The merchant's column holding it (rows only)."})
    orders = fields.Integer(required=True)
    suggest = fields.Dict(metadata={"description": "missing_column: the closest header of the file, {header, field}."})
    message = fields.String(required=True)
    message_en = fields.String(required=True)


class FamilyCoverageSchema(Schema):
    orders = fields.Integer(required=True)
    judged = fields.Integer(required=True)
    not_judged = fields.Integer(required=True)
    reasons = fields.List(fields.Nested(CoverageReasonSchema), required=True)


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
    families = fields.Dict(keys=fields.String(validate=validate.OneOf(FAMILIES)), values=fields.Dict(),
                           metadata={"description": "With options.families: violations, warnings and money per family."})
    coverage = fields.Dict(keys=fields.String(validate=validate.OneOf(FAMILIES)),
                           values=fields.Nested(FamilyCoverageSchema),
                           metadata={"description": "Per family run: orders judged, and why the others were not "
                                                    "(docs/interfaces.md). A count not measured is never 0."})


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
    mapping = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "Header text (clipped to 40 characters) → field path."})
    unmapped = fields.List(fields.String(), metadata={
        "description": "Header texts no field took: the first 50, each clipped to 40 characters."})
    unmapped_more = fields.Integer(metadata={"description": "How many more header texts no field took, past 50."})
    summary = fields.Nested(SummarySchema, required=True)
    last_order_row = fields.Integer(allow_none=True, metadata={
        "description": "Index in `rows` of the last order's first line (null: no row has an order id). "
                       "A client sending a table in parts sends the next part from this row, so that no "
                       "order is cut, with `earlier_order_ids` naming the rows above it. With `continues`, "
                       "`rows` stop there (unless the last order is the only one)."})


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


class VocabularySchema(Schema):
    prefix = fields.String(required=True)
    rules = fields.Dict(required=True)
    flags = fields.Dict(required=True)
    ship_status = fields.Dict(required=True)
    row_status = fields.Dict(required=True)
    deadlines = fields.Dict(required=True)

    class Meta:
        unknown = INCLUDE


class HealthSchema(Schema):
    status = fields.String(required=True)
    rules_version = fields.String()
    campaigns = fields.Integer()
    queue = fields.Dict(metadata={"description": "with a watch queue (JDPG_WATCH_QUEUE): depth (jobs waiting), "
                                                 "running, oldest_job_age_seconds (null: none waits); or error"})


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    message_en = fields.String(required=True)
    details = fields.Raw()
    request_id = fields.String()


class ApiErrorSchema(Schema):
    """The one error shape: {"error": {code, message, message_en, details}}."""

    error = fields.Nested(ErrorBodySchema, required=True)
