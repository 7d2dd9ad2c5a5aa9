"""The annotation columns written beside a merchant's data (rows API, Sheets, export files).

Every title starts with ``JDPG `` so clients recognise their own columns and never touch others.
"""
from dataclasses import dataclass

from .beijing_time import sheet_text
from .money import ZERO_TEXT

PREFIX = "JDPG "
STATUS_LABELS = {
    "shipped_on_time": "按时发货", "shipped_late": "超时发货", "pending": "待发货", "at_risk": "即将超时",
    "overdue": "已超时未发货", "shipped_time_unknown": "已发货（时间未知）"}
DEADLINE_LABELS = {"ship_by": ("发货截止", "ship by"), "price_match_claim_by": ("买贵双倍赔申请截止", "price-match claim by"),
                   "return_by": ("7天无理由退货截止", "return by"),
                   "red_envelope_settlement_end": ("满3免3结算截止", "red-envelope settlement ends"),
                   "price_protection_until": ("价保截止", "price protection until")}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str


COLUMNS = tuple(Column(key, PREFIX + title) for key, title in (
    ("ship_by", "发货截止 Ship by"), ("ship_status", "发货状态 Ship status"),
    ("late_by_hours", "超时小时 Hours late"), ("flags", "标记 Flags"),
    ("compensation", "应赔金额 Owed (¥)"), ("if_claimed", "潜在赔付 If claimed (¥)"),
    ("deadlines", "截止时间 Deadlines"), ("explanation", "说明 Explanation"), ("errors", "错误 Errors")))
EMPTY_ROW = [""] * len(COLUMNS)


def row_status(result: dict) -> str:
    """What colour a row gets: late, at_risk, owed, error or ok."""
    if result["errors"]:
        return "error"
    ship = result["ship"]
    status = ship["status"] if ship else None
    if status in ("shipped_late", "overdue"):
        return "late"
    if status == "at_risk":
        return "at_risk"
    money = result["compensation"]
    if money["total"] != ZERO_TEXT or money["if_claimed_total"] != ZERO_TEXT or result["losses"]["total"] != ZERO_TEXT:
        return "owed"
    return "ok"


def annotation_row(result: dict) -> list:
    """The annotation cells for one order result, in ``COLUMNS`` order."""
    if result["errors"]:
        text = "；".join(f"{e['field']}: {e['message']} / {e['message_en']}" for e in result["errors"])
        return ["", "", "", "", "", "", "", "", text]
    ship = result["ship"]
    if ship:
        status = f"{STATUS_LABELS[ship['status']]} {ship['status']}"
        ship_by = sheet_text(ship["deadline"])
        late = ship["late_by_hours"] if ship["late_by_hours"] is not None else ""
    else:
        status = ship_by = late = ""
    flags = result["flags"]
    deadlines = "；".join(f"{DEADLINE_LABELS[k][0]} {sheet_text(v)}" for k, v in result["deadlines"].items()
                         if k != "ship_by" and k in DEADLINE_LABELS)
    explanation = "；".join(f"{f['message']} / {f['message_en']}" for f in flags if f["severity"] != "info" or
                           f["code"] in ("RED_ENVELOPE_SHARE", "PRICE_MATCH_CLAIM_EXPIRED", "SHIP_PROMISE_DIFFERS"))
    return [ship_by, status, late, ", ".join(f["code"] for f in flags),
            result["compensation"]["total"], result["compensation"]["if_claimed_total"],
            deadlines, explanation, ""]
