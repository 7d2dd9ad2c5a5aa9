"""Coverage: for each rule family run, how many orders it could judge, and why not the others.

An order is *judged* by a family when none of the family's rules was skipped for a gap
(``rules.context.GAPS``): a value it needs was not given (``missing_value``), could not be read
(``unreadable``), or the order's status word is not one we know (``unknown_status``). A rule that
had nothing to judge is no gap: an order whose status says there is nothing to ship (cancelled,
locked, deleted …), an order with no price-match claim, no price history, no price protection.
So, per family (docs/interfaces.md says the same):

- ``shipping``: a ship status was worked out, or the status says there is nothing to ship (and a
  subsidy the order is in could be checked);
- ``price``: every price rule that applies had its values (a price-match claim complete, a
  campaign's price commitment with both prices, price protection with its payment time);
- ``after_sales``: a shipped or returned order's 7-day window could be worked out (its sign-for
  time), and a lightning-refund check had its values;
- ``promotions``: an order inside a 满3免3 campaign said whether it qualifies, with its amounts.

Each order not judged counts once per family, under the first gap of the family's rules (in rule
order), named by its first field: the reasons' ``orders`` add up to ``not_judged``. Where the
merchant's header is known (rows, files), a ``missing_value`` whose field no column holds is a
``missing_column``, a reason names the merchant's column, and a missing column gets the closest
header of the file as a suggestion (from the field table's synonyms). Counting is a dict update
per gap; the words are made once per reason, when the summary is read.
"""
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Final

from .fields import BY_PATH
from .messages import phrase, say, sentences
from .rules import after_sales, price, promotions, shipping

FAMILY_RULES: Final = {"shipping": shipping.RULES, "price": price.RULES,
                "after_sales": after_sales.RULES, "promotions": promotions.RULES}
FAMILY_OF: Final = {rule.rule_id: family for family, rules in FAMILY_RULES.items() for rule in rules}
CODES = ("missing_column", "missing_value", "unreadable", "unknown_status")
# How a reason tells the merchant to name a column of theirs: the rows API's ``column_map``
# (default) or a command's ``--map``; ``{header}`` and ``{field}`` are filled.
MAP_HINT = 'column_map {{"{header}": "{field}"}}'
# Words that say what kind of value a header holds, not which: left out when headers are compared.
_GENERIC = ("时间", "日期", "时刻", "金额", "编号", "_at", "time", "date", "amount")
_TIME_WORDS = ("时间", "日期", "时刻", "time", "date", "_at")
_SIMILAR = 0.5


@dataclass(frozen=True)
class HeaderInfo:
    """What a header row tells coverage: the column holding each field, the columns no field took,
    the fields given without a column (defaults), and how the client says "map this column"."""

    columns: dict  # field path -> the merchant's header text
    unmapped: tuple = ()
    given: frozenset = frozenset()
    map_hint: str = MAP_HINT
    suggestions: dict = field(default_factory=dict, compare=False)  # field -> closest header, found once

    def suggest(self, path: str):
        if path not in self.suggestions:
            self.suggestions[path] = closest_header(path, self.unmapped)
        return self.suggestions[path]


def count_gaps(gaps: dict, result: dict) -> None:
    """Adds ``result``'s gaps to ``gaps``, ``{(family, code, field): orders}``: one per family."""
    skipped = result["skipped"]
    if not skipped:
        return
    reasons = result["skipped_reasons"]
    seen: tuple = ()
    for rule in skipped:
        reason = reasons[rule]
        gap = reason.get("gap")
        if gap is None:
            continue
        family = FAMILY_OF[rule]
        if family in seen:
            continue
        seen += (family,)
        missing = reason["missing"]
        key = (family, gap, missing[0] if missing else None)
        gaps[key] = gaps.get(key, 0) + 1


def count_unread_order(gaps: dict, result: dict, families) -> None:
    """An order with no readable id (``order_id`` null) is judged by no family."""
    errors = result["errors"]
    missing = bool(errors) and errors[0]["message_en"] == "order_id is missing"
    key_gap = "missing_value" if missing else "unreadable"
    for family in families:
        key = (family, key_gap, "order_id")
        gaps[key] = gaps.get(key, 0) + 1


def coverage(orders: int, families, gaps: dict, header: HeaderInfo | None = None) -> dict:
    """``summary.coverage``: ``{family: {orders, judged, not_judged, reasons: [...]}}``, families in
    the order run, reasons most orders first."""
    out = {}
    for family in families:
        reasons = []
        for (fam, code, path), count in gaps.items():
            if fam == family:
                reasons.append(_reason(family, code, path, count, header))
        reasons.sort(key=lambda r: -r["orders"])
        not_judged = sum(r["orders"] for r in reasons)
        out[family] = {"orders": orders, "judged": orders - not_judged, "not_judged": not_judged, "reasons": reasons}
    return out


def _reason(family: str, code: str, path, count: int, header: HeaderInfo | None) -> dict:
    column = header.columns.get(path) if header is not None and path is not None else None
    if code == "missing_value" and header is not None and path is not None and column is None \
            and path not in header.given:
        code = "missing_column"
    reason = {"code": code, "field": path, "column": column, "orders": count}
    if code == "missing_column":
        suggestion = header.suggest(path)
        if suggestion is not None:
            reason["suggest"] = {"header": suggestion, "field": path}
    return render_reason(family, reason, header.map_hint if header is not None else MAP_HINT)


def render_reason(family: str, reason: dict, map_hint: str = MAP_HINT) -> dict:
    """``reason`` with its ``message`` / ``message_en``, made from its other keys only (so reasons
    merged from parts of a file are worded again from their sums)."""
    code, path, column = reason["code"], reason["field"], reason["column"]
    known = BY_PATH.get(path)
    label = {"zh": known.zh, "en": f"{known.en} ({path})"} if known else {"zh": str(path), "en": str(path)}
    params = {"orders": str(reason["orders"]), "family": phrase("family." + family)}
    if code == "missing_column":
        params["label"] = label
        suggestion = reason.get("suggest")
        if suggestion is not None:
            params["header"] = suggestion["header"]
            params["fix"] = map_hint.format(header=suggestion["header"], field=path)
            said = say("coverage_missing_column_suggest", **params)
        else:
            params["headers"] = " / ".join(known.headers[:2] if known and known.headers else (str(path),))
            said = say("coverage_missing_column", **params)
    else:
        params["column"] = ({"zh": f"“{column}”列", "en": f"column '{column}'"} if column else
                            {"zh": f"{label['zh']}（{path}）", "en": label["en"]})
        said = say("coverage_" + code, **params)
    reason["message"], reason["message_en"] = sentences(said)
    return reason


def merge_coverage(coverages: list, map_hint: str = MAP_HINT) -> dict:
    """The coverage of a whole run from its parts' (a file annotated by several processes)."""
    out = {}
    for part in coverages:
        for family, entry in part.items():
            total = out.setdefault(family, {"orders": 0, "judged": 0, "not_judged": 0, "reasons": {}})
            for count in ("orders", "judged", "not_judged"):
                total[count] += entry[count]
            for reason in entry["reasons"]:
                key = (reason["code"], reason["field"], reason["column"])
                kept = total["reasons"].get(key)
                if kept is None:
                    total["reasons"][key] = {k: v for k, v in reason.items() if k not in ("message", "message_en")}
                else:
                    kept["orders"] += reason["orders"]
    for family, total in out.items():
        reasons = [render_reason(family, r, map_hint) for r in total["reasons"].values()]
        total["reasons"] = sorted(reasons, key=lambda r: -r["orders"])
    return out


def _stem(text: str) -> str:
    text = text.lower()
    for word in _GENERIC:
        text = text.replace(word, "")
    return text.strip(" _-()（）")


def closest_header(path: str, headers) -> str | None:
    """The header among ``headers`` most like a name of field ``path`` (its synonyms, its label,
    its contract name), compared without the words that only say a value's kind (时间, 日期 …);
    None when none is alike. A time field only takes a header that names a time."""
    known = BY_PATH.get(path)
    if known is None:
        return None
    names = {_stem(n) for n in (*known.headers, known.zh, known.path)} - {""}
    best, best_score = None, _SIMILAR
    for header in headers:
        text = str(header)
        if known.kind == "time" and not any(word in text.lower() for word in _TIME_WORDS):
            continue
        stem = _stem(text)
        if not stem:
            continue
        score = max(SequenceMatcher(None, name, stem).ratio() for name in names)
        if score > best_score:
            best, best_score = text, score
    return best
