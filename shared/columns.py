"""The annotation columns written beside a merchant's data (rows API, Sheets, export files).

Columns, titles and labels come from the vocabulary (``shared/data/vocabulary.toml``). Every
title starts with its prefix (``JDPG ``) so clients recognise their own columns and never touch
others. Cells are made by key, so a new column can never shift another one's cells.
"""
from dataclasses import dataclass

from .beijing_time import sheet_text
from .money import ZERO_TEXT
from .vocabulary import DEADLINES, PREFIX, SHIP_STATUS, VOCAB

# Info flags shown in the explanation anyway: each changes what the merchant owes or must do.
EXPLAINED_INFO = frozenset({"RED_ENVELOPE_SHARE", "PRICE_MATCH_CLAIM_EXPIRED", "SHIP_PROMISE_DIFFERS"})
_SHIP_TIME_UNKNOWN = VOCAB["ui"]["ship_time_unknown_reason"]


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


def _errors_text(errors: list) -> str:
    return "；".join(f"{e['field']}: {e['message']} / {e['message_en']}" for e in errors)


def _explanation(result: dict) -> str:
    """Why: the flags that matter, then why a rule could not be worked out (a missing column)."""
    parts = [f"{f['message']} / {f['message_en']}" for f in result["flags"]
             if f["severity"] != "info" or f["code"] in EXPLAINED_INFO]
    ship = result["ship"]
    if ship is not None and ship["status"] == "shipped_time_unknown":
        parts.append(f"{_SHIP_TIME_UNKNOWN['zh']} / {_SHIP_TIME_UNKNOWN['en']}")
    reasons = result.get("skipped_reasons", {})
    parts += [f"{reasons[r]['message']} / {reasons[r]['message_en']}" for r in result["skipped"] if r in reasons]
    return "；".join(parts)


def annotation_row(result: dict) -> list:
    """The annotation cells for one order result, in ``COLUMNS`` order."""
    ship = result["ship"]
    cells = dict.fromkeys(COLUMN_KEYS, "")
    if ship:
        cells["ship_by"] = sheet_text(ship["deadline"])
        cells["ship_status"] = f"{SHIP_STATUS[ship['status']]['zh']} {ship['status']}"
        if ship["late_by_hours"] is not None:
            cells["late_by_hours"] = ship["late_by_hours"]
    cells["flags"] = ", ".join(f["code"] for f in result["flags"])
    if result["order_id"] is not None or not result["errors"]:
        cells["compensation"] = result["compensation"]["total"]
        cells["if_claimed"] = result["compensation"]["if_claimed_total"]
    cells["deadlines"] = "；".join(f"{DEADLINES[k]['zh']} {sheet_text(v)}" for k, v in result["deadlines"].items()
                                  if k != "ship_by" and k in DEADLINES)
    cells["explanation"] = _explanation(result)
    cells["errors"] = _errors_text(result["errors"])
    return [cells[key] for key in COLUMN_KEYS]


