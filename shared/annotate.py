"""annotate_order: one order and an explicit ``as_of`` in, its deadlines, flags and money out."""
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from decimal import Decimal
from typing import Final

from .campaigns import Calendar
from .catalog import Catalog
from .coverage import FAMILY_RULES, HeaderInfo, count_gaps, count_unread_order, coverage
from .model import FAMILIES, Findings, Order
from .money import ZERO, ZERO_TEXT, money_str
from .jos import JOS_NAME, from_jos, is_jos_order
from .messages import bilingual, say
from .options import DEFAULT, Options
from .order_input import after_now, parse_order
from .rules.context import Context, skip
from .vocabulary import RULES as RULE_WORDS

# Contexts kept for reuse: a batch needs one per campaign; a long-running server sees many as_of values.
CONTEXTS_KEPT: Final = 256
_UNKNOWN_CAMPAIGN: Final = ("未知的活动 {!r}", "unknown campaign {!r}")
_OTHER_PLATFORM: Final = ("活动 {!r} 属于平台 {}，订单平台为 {}", "campaign {!r} is for platform {}, the order is {}")


@lru_cache(maxsize=16)
def rules_of(families: tuple | None) -> tuple:
    """The rule functions of ``families`` (None: every family), in order (``RuleFunction``s);
    ``options.families`` itself is the key, so no property is read per order."""
    return tuple(rule for family in families or FAMILIES for rule in FAMILY_RULES[family])


class Engine:
    """The rule data (catalog, calendar) bound once; ``annotate`` is pure in its arguments."""

    def __init__(self, catalog: Catalog, calendar: Calendar):
        self.catalog = catalog
        self.calendar = calendar
        self.params = catalog.params
        self._contexts = {}

    def context(self, as_of: datetime, options: Options, campaign) -> Context:
        """The rules' context, made once per (as_of, threshold, campaign, detail) and reused across a batch."""
        hours = options.at_risk_hours
        key = (as_of, hours, campaign.id if campaign else None, options.detail)
        ctx = self._contexts.get(key)
        if ctx is None:
            if len(self._contexts) >= CONTEXTS_KEPT:
                self._contexts.clear()
            params = self.params if hours is None else self.params.with_overrides(at_risk_hours=hours)
            ctx = self._contexts[key] = Context(as_of, params, self.catalog, self.calendar, campaign,
                                                options.detail == "lean")
        return ctx

    def resolve_campaign(self, order: Order):
        """(campaign, error): the order's named campaign, else the one in force when it concluded.

        A named campaign (``order.campaign``, rows' ``defaults.campaign``, the API's
        ``options.campaign``, the commands' ``--campaign``) applies only to an order concluded
        inside its window: outside it the order gets the campaign in force at its own time (usually none: the platform default), as if no
        campaign had been named, and SHIP-DEADLINE says so with an info flag (``CAMPAIGN_OUTSIDE_WINDOW``)."""
        at = order.concluded_at or order.ordered_at
        if order.campaign is not None:
            campaign = self.calendar.get(order.campaign)
            if campaign is None:
                zh, en = _UNKNOWN_CAMPAIGN
                return None, {"field": "campaign", "message": zh.format(order.campaign), "message_en": en.format(order.campaign)}
            if campaign.platform != order.platform:
                zh, en = _OTHER_PLATFORM
                return None, {"field": "campaign", "message": zh.format(campaign.id, campaign.platform, order.platform),
                              "message_en": en.format(campaign.id, campaign.platform, order.platform)}
            if at is None or campaign.contains(at):
                return campaign, None
        return (self.calendar.find(order.platform, at) if at is not None else None), None

    def annotate(self, order: Order, *, as_of: datetime, options: Options = DEFAULT, errors=()) -> dict:
        """The order's result. ``errors`` are the values its parser could not read; the rules
        reading one of those fields (``order.invalid``) are skipped and name it, the others run.
        ``options.detail`` "lean": flags, money items and skip reasons carry their ``words`` instead
        of ``message`` / ``message_en`` (``shared.messages``); nothing else differs.
        ``options.campaign`` is the campaign of an order that names none."""
        if order.campaign is None and options.campaign is not None:
            order = replace(order, campaign=options.campaign)
        campaign, error = self.resolve_campaign(order)
        invalid = order.invalid
        if error is not None:
            errors = [*errors, error]
            invalid = invalid | {"campaign"}
        ctx = self.context(as_of, options, campaign)
        out = Findings()
        out.lean = ctx.lean
        for run, rule_id, reads in rules_of(options.families):
            if invalid:
                unread = sorted(p for p in invalid if p in reads or p.partition(".")[0] in reads)
                if unread:
                    skip_unreadable(out, rule_id, unread)
                    continue
            run(order, ctx, out)
        return to_result(order.order_id, campaign, out, list(errors), [*order.warnings, *after_now(order, ctx.as_of, ctx.as_of_iso)])

    def annotate_raw(self, raw, *, as_of: datetime, defaults=None, options: Options = DEFAULT) -> dict:
        """One order as a client sent it: contract fields, or a JOS order object (``shared.jos``),
        whose result then says which JOS fields were used (``source``)."""
        source = None
        if is_jos_order(raw):
            raw, source = from_jos(raw)
        order, errors = parse_order(raw, defaults=defaults)
        if order is None:  # not an object, or no readable order id
            result = error_result(None, errors)
        else:
            result = self.annotate(order, as_of=as_of, options=options, errors=errors)
        if source is not None:
            result["source"] = source
            for key in ("errors", "warnings"):  # name JD's own field too (new dicts: some are shared)
                result[key] = [{**item, "jos_field": JOS_NAME[item["field"]]} if item["field"] in JOS_NAME else item
                               for item in result[key]]
        return result


def skip_unreadable(out: Findings, rule_id: str, fields: list) -> None:
    """The rule is not evaluated because a value it needs could not be read (see ``errors``)."""
    words = RULE_WORDS[rule_id]
    skip(out, rule_id, tuple(fields),
         say("skip_unreadable", names=", ".join(fields), rule=bilingual(words["short"], words["short_en"])), "unreadable")


def to_result(order_id, campaign, out: Findings, errors: list, warnings: list) -> dict:
    return {
        "order_id": order_id,
        "errors": errors,
        "warnings": warnings,
        "campaign": campaign.id if campaign else None,
        "ship": out.ship,
        "deadlines": out.deadlines,
        "flags": out.flags,
        "compensation": {"total": money_str(out.owed), "if_claimed_total": money_str(out.if_claimed),
                         "items": out.compensation},
        "losses": {"total": money_str(out.lost), "items": out.losses},
        "skipped": out.skipped,
        "skipped_reasons": out.skipped_reasons,
    }


def error_result(order_id, errors) -> dict:
    return {"order_id": order_id, "errors": errors, "warnings": [], "campaign": None, "ship": None, "deadlines": {},
            "flags": [],
            "compensation": {"total": ZERO_TEXT, "if_claimed_total": ZERO_TEXT, "items": []},
            "losses": {"total": ZERO_TEXT, "items": []}, "skipped": [], "skipped_reasons": {}}


class Summary:
    """Running totals over annotated results, as the API's ``summary``, with its ``coverage``
    (``shared.coverage``) of the families ``run``."""

    __slots__ = ("orders", "violations", "warnings", "compensation", "if_claimed", "losses",
                 "late", "overdue", "at_risk", "errors", "families", "run", "gaps")

    def __init__(self, families: dict | None = None, run: tuple = FAMILIES):
        """``families``: rule id → family, to total money and flags per family as well."""
        self.orders = self.violations = self.warnings = self.late = self.overdue = self.at_risk = self.errors = 0
        self.compensation = self.if_claimed = self.losses = ZERO
        self.families = None if families is None else (families, {})
        self.run = run
        self.gaps = {}

    def add(self, result: dict) -> None:
        self.orders += 1
        if result["errors"]:
            self.errors += 1
            if result["order_id"] is None:
                count_unread_order(self.gaps, result, self.run)
        count_gaps(self.gaps, result)
        if self.families is not None:
            self._add_by_family(result)
        for f in result["flags"]:
            if f["severity"] == "violation":
                self.violations += 1
            elif f["severity"] == "warning":
                self.warnings += 1
        ship = result["ship"]
        if ship is not None:
            status = ship["status"]
            if status == "shipped_late":
                self.late += 1
            elif status == "overdue":
                self.overdue += 1
            elif status == "at_risk":
                self.at_risk += 1
        compensation, losses = result["compensation"], result["losses"]["total"]  # most owe nothing: no sums
        if compensation["total"] != ZERO_TEXT:
            self.compensation += Decimal(compensation["total"])
        if compensation["if_claimed_total"] != ZERO_TEXT:
            self.if_claimed += Decimal(compensation["if_claimed_total"])
        if losses != ZERO_TEXT:
            self.losses += Decimal(losses)

    def _add_by_family(self, result: dict) -> None:
        family_of, totals = self.families
        for f in result["flags"]:
            if f["severity"] != "info":
                entry = _family_totals(totals, family_of[f["rule"]])
                entry[f["severity"] + "s"] += 1
        for item in result["compensation"]["items"]:
            entry = _family_totals(totals, family_of[item["rule"]])
            key = "compensation" if item["status"] == "owed" else "if_claimed"
            entry[key] += Decimal(item["amount"])
        for item in result["losses"]["items"]:
            _family_totals(totals, family_of[item["rule"]])["losses"] += Decimal(item["amount"])

    def to_dict(self, header: HeaderInfo | None = None) -> dict:
        """``header``: the merchant's header, when known (rows), for the coverage's reasons."""
        out = {"orders": self.orders, "violations": self.violations, "warnings": self.warnings,
               "compensation_total": money_str(self.compensation), "if_claimed_total": money_str(self.if_claimed),
               "losses_total": money_str(self.losses), "late": self.late, "overdue": self.overdue,
               "at_risk": self.at_risk, "errors": self.errors,
               "coverage": coverage(self.orders, self.run, self.gaps, header)}
        if self.families is not None:
            out["families"] = {family: {"violations": t["violations"], "warnings": t["warnings"],
                                        "compensation_total": money_str(t["compensation"]),
                                        "if_claimed_total": money_str(t["if_claimed"]),
                                        "losses_total": money_str(t["losses"])}
                               for family, t in self.families[1].items()}
        return out


def _family_totals(totals: dict, family: str) -> dict:
    entry = totals.get(family)
    if entry is None:
        entry = totals[family] = {"violations": 0, "warnings": 0, "compensation": ZERO, "if_claimed": ZERO,
                                  "losses": ZERO}
    return entry


def annotate_batch(engine, raws, *, as_of: datetime, defaults=None,
                   options: Options = DEFAULT) -> tuple[list, dict]:
    """Every order's result and the batch's summary. ``options.families`` limits the rules run
    and adds the summary's totals per family. ``engine``: an ``Engine``, or a wrapper of its
    interface (``annotate_raw``, ``catalog``), so it is not annotated: compiled code would refuse
    any other class."""
    by_family = options.families is not None
    summary = Summary({rid: r.family for rid, r in engine.catalog.rules.items()} if by_family else None,
                      options.families or FAMILIES)
    results = []
    for raw in raws:
        result = engine.annotate_raw(raw, as_of=as_of, defaults=defaults, options=options)
        summary.add(result)
        results.append(result)
    return results, summary.to_dict()
