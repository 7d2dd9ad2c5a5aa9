"""The annotation columns written beside a merchant's data (rows API, Sheets, export files).

Columns, titles and labels come from the vocabulary (``shared/data/vocabulary.toml``). Every
title starts with its prefix (``JDPG ``) so clients recognise their own columns and never touch
others. Cells are made by key, so a new column can never shift another one's cells.
"""
from dataclasses import dataclass

from .beijing_time import sheet_text
from .messages import bilingual, listed, say, sentences
from .money import ZERO_TEXT
from .vocabulary import DEADLINES, FLAGS, PREFIX, RULES, SHIP_STATUS, VOCAB

# Info flags shown in the explanation anyway: each changes what the merchant owes or must do.
EXPLAINED_INFO = frozenset({"RED_ENVELOPE_SHARE", "PRICE_MATCH_CLAIM_EXPIRED", "SHIP_PROMISE_DIFFERS"})
_SHIP_TIME_UNKNOWN = VOCAB["ui"]["ship_time_unknown_reason"]
# The ship status cell of an order whose deadline could not be worked out (coverage says why).
_NOT_JUDGED = f"{VOCAB['ui']['cannot_tell_ship']['zh']} not_judged"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str
    width: int


COLUMNS = tuple(Column(c["key"], f"{PREFIX}{c['zh']} {c['en']}", c["kind"], c["width"]) for c in VOCAB["columns"])
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
EMPTY_ROW = [""] * len(COLUMNS)


def row_status(result: dict) -> str:
    """What colour a row gets: late, at_risk, owed, error (a value could not be read) or ok."""
    ship = result["ship"]
    status = ship["status"] if ship else None
    if status is not None and SHIP_STATUS[status]["row"] != "ok":
        return SHIP_STATUS[status]["row"]
    money = result["compensation"]
    if money["total"] != ZERO_TEXT or money["if_claimed_total"] != ZERO_TEXT or result["losses"]["total"] != ZERO_TEXT:
        return "owed"
    return "error" if result["errors"] else "ok"


def _named(field: str, header) -> str:
    """A field as the merchant knows it: the column of their header holding it, else its name."""
    if header is not None:
        column = header.columns.get(field)
        if column:
            return column
    return field


def _errors_text(errors: list, header=None) -> str:
    """Each error naming the merchant's column, or the JOS field of a JOS order, else our field."""
    return "；".join(f"{e.get('jos_field') or _named(e['field'], header)}: {e['message']} / {e['message_en']}"
                    for e in errors)


def _flag_words(flags: list) -> str:
    """The flags' labels (``发货超时、补贴损失 / Shipped late, Subsidy forfeited``): words people read;
    their codes stay in the API's results (and the ship status column ends with its code, for filters)."""
    if not flags:
        return ""
    words = [FLAGS[f["code"]] for f in flags]
    return f"{'、'.join(w['zh'] for w in words)} / {', '.join(w['en'] for w in words)}"


def _file_wide(reason: dict, header) -> bool:
    """A skip for want of fields no column of the file holds: true of every row, so said once in
    the summary's coverage, not on each row."""
    return header is not None and reason.get("gap") == "missing_value" and all(
        field not in header.columns and field not in header.given for field in reason["missing"])


def _explanation(result: dict, header=None) -> str:
    """Why: the flags that matter, then why a rule could not be worked out. Values that could not
    be read are said once (naming the merchant's columns and every rule they stopped); what holds
    for the whole file (a column it does not have) is left to the summary."""
    parts = [f"{f['message']} / {f['message_en']}" for f in result["flags"]
             if f["severity"] != "info" or f["code"] in EXPLAINED_INFO]
    ship = result["ship"]
    if ship is not None and ship["status"] == "shipped_time_unknown":
        parts.append(f"{_SHIP_TIME_UNKNOWN['zh']} / {_SHIP_TIME_UNKNOWN['en']}")
    reasons = result.get("skipped_reasons", {})
    unread, stopped = [], []
    for rule in result["skipped"]:
        reason = reasons.get(rule)
        if reason is None:
            continue
        if reason.get("gap") == "unreadable":
            unread += [f for f in reason["missing"] if f not in unread]
            stopped.append(rule)
        elif not _file_wide(reason, header):
            parts.append(f"{reason['message']} / {reason['message_en']}")
    parts += [f"{w['message']} / {w['message_en']}" for w in result["warnings"]]
    if unread:
        words = say("skip_unreadable", names=", ".join(_named(f, header) for f in unread),
                    rule=listed([bilingual(RULES[r]["short"], RULES[r]["short_en"]) for r in stopped], "comma"))
        parts.append(" / ".join(sentences(words)))
    return "；".join(parts)


def annotation_row(result: dict, header=None) -> list:
    """The annotation cells for one order result, in ``COLUMNS`` order; ``header``
    (``coverage.HeaderInfo``) names the merchant's columns in errors and explanations."""
    ship = result["ship"]
    cells: dict = dict.fromkeys(COLUMN_KEYS, "")  # text cells, and hours late as a number
    if ship:
        cells["ship_by"] = sheet_text(ship["deadline"])
        cells["ship_status"] = f"{SHIP_STATUS[ship['status']]['zh']} {ship['status']}"
        if ship["late_by_hours"] is not None:
            cells["late_by_hours"] = ship["late_by_hours"]
    elif "gap" in result["skipped_reasons"].get("SHIP-DEADLINE", ()):
        cells["ship_status"] = _NOT_JUDGED  # never a blank that reads as "nothing to do"
    cells["flags"] = _flag_words(result["flags"])
    if result["order_id"] is not None or not result["errors"]:
        cells["compensation"] = result["compensation"]["total"]
        cells["if_claimed"] = result["compensation"]["if_claimed_total"]
    cells["deadlines"] = "；".join(f"{DEADLINES[k]['zh']} {sheet_text(v)}" for k, v in result["deadlines"].items()
                                  if k != "ship_by" and k in DEADLINES)
    cells["explanation"] = _explanation(result, header)
    cells["errors"] = _errors_text(result["errors"], header)
    return [cells[key] for key in COLUMN_KEYS]


