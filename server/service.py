"""The thin service between HTTP and the rules core: request data in, core results out."""
from datetime import datetime

from flask import current_app, g

from shared import BEIJING, annotate_batch

from shared.beijing_time import iso
from shared.options import BadOption, Options
from shared.order_input import parse_order
from shared.rows import RowAnnotator, UnmappableHeader
from shared.store import evaluate_store

from .errors import ApiError, clip


def engine():
    return current_app.extensions["jdpg.engine"]


def settings():
    return current_app.extensions["jdpg.settings"]


def now() -> datetime:
    return datetime.now(BEIJING)


def _options(data) -> Options:
    """The request's ``options``, checked once (the campaign against the calendar in use)."""
    given = data.get("options") or {}
    try:
        return Options(families=given.get("families"), at_risk_hours=given.get("at_risk_hours", settings().at_risk_hours),
                       campaign=given.get("campaign"), detail=given.get("detail") or "full",
                       ).check_campaign(engine().calendar)
    except BadOption as e:
        raise ApiError(422, "invalid_request", e.message, e.message_en, {"options": {e.option: [e.message_en]}}) from None


def check_batch(count: int) -> None:
    g.order_count = count
    limit = settings().max_orders
    if count > limit:
        raise ApiError(413, "too_many_orders", f"一次最多 {limit} 个订单，收到 {count} 个",
                       f"at most {limit} orders per request, got {count}", {"limit": limit, "received": count})


def annotate_orders(data) -> dict:
    orders = data["orders"]
    check_batch(len(orders))
    as_of = data.get("as_of") or now()
    results, summary = annotate_batch(engine(), orders, as_of=as_of, options=_options(data))
    return {"as_of": iso(as_of), "rules_version": engine().catalog.version, "results": results, "summary": summary}


def annotate_rows(data) -> dict:
    rows = data["rows"]
    check_batch(len(rows))
    as_of = data.get("as_of") or now()
    options = _options(data)
    try:
        annotator = RowAnnotator(data["header"], engine=engine(), as_of=as_of, defaults=data.get("defaults"),
                                 column_map=data.get("column_map"), options=options,
                                 earlier_ids=data.get("earlier_order_ids") or ())
    except UnmappableHeader as e:
        raise ApiError(422, "unmapped_header", e.message, e.message_en,
                       {"missing": e.missing, **_listed("header", data["header"])}) from None
    last = annotator.last_order_begins(rows)
    if data.get("continues") and last:  # the last order may go on in the next part: not annotated here
        rows = rows[:last]
    annotated = annotator.annotate_table(rows)
    return {"as_of": iso(as_of), "rules_version": engine().catalog.version,
            "columns": [{"key": c.key, "title": c.title} for c in annotator.columns],
            "header": [c.title for c in annotator.columns],
            "rows": [a for a, _ in annotated], "row_status": [s for _, s in annotated],
            "mapping": {clip(h): f for h, f in annotator.mapping.items()}, **_listed("unmapped", annotator.unmapped),
            "summary": annotator.summary, "last_order_row": last}


# Header texts an answer lists (each clipped); past these, ``<name>_more`` counts the rest.
LISTED_HEADERS = 50


def _listed(name: str, texts: list) -> dict:
    listed = {name: [clip(t) for t in texts[:LISTED_HEADERS]]}
    if len(texts) > LISTED_HEADERS:
        listed[f"{name}_more"] = len(texts) - LISTED_HEADERS
    return listed


ECHO_ID_CHARS = 64


def _echo_id(raw):
    """An order's id as an error echoes it: text clipped, a number as it is, anything else not echoed."""
    value = raw.get("order_id") if isinstance(raw, dict) else None
    if isinstance(value, str):
        return clip(value, ECHO_ID_CHARS)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def evaluate(data) -> dict:
    raw_orders = data.get("orders") or []
    products = data["store"].get("products")
    check_batch(len(raw_orders) + (len(products) if isinstance(products, list) else 0))
    as_of = data.get("as_of") or now()
    orders, order_errors = [], []
    for index, raw in enumerate(raw_orders):
        order, errors = parse_order(raw)
        if errors:
            order_errors.append({"index": index, "order_id": _echo_id(raw), "errors": errors})
        else:
            orders.append(order)
    report = evaluate_store(engine(), data["store"], orders, as_of=as_of, period=data.get("period"))
    report["order_errors"] = order_errors
    return report
