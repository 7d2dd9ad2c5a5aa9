"""What every rule sees besides the order, and how rules record what they find.

Findings are recorded straight in the result's JSON form (plain dicts and ISO text), so an
order's result is built once; see ``Findings``."""
from datetime import datetime, timedelta
from typing import Callable, Final, NamedTuple

from ..beijing_time import beijing, iso
from ..campaigns import Calendar, Campaign
from ..catalog import Catalog, Params
from ..model import Findings
from ..messages import fixed, phrase, say, sentences
from ..money import money_str
from ..fields import BY_PATH
from ..vocabulary import FLAGS

ONE_SECOND: Final = timedelta(seconds=1)
# The words last rendered and their sentences: a money item says what its flag said, rendered once.
# One tuple, rebound at once, so threads never pair one's words with another's sentences.
_last: tuple = (None, None)
# A skip's words by (subject, fields): the same few combinations recur in every batch.
_WANTING: Final[dict] = {}
_WANTING_KEPT: Final = 1024


class RuleFunction(NamedTuple):
    """A rule function with the rule it decides and the order fields (or whole groups, or store
    facts) it reads, as ``rule`` marks it; called as the function itself."""
    run: Callable
    rule_id: str
    reads: frozenset

    def __call__(self, *args):
        return self.run(*args)


def rule(rule_id: str, *, reads: tuple):
    """Marks a rule function with the rule it decides and the order fields (or whole groups) it
    reads: when one of them could not be read, the engine skips this rule, naming the field,
    and runs the others (``Engine.annotate``). A store rule reads store facts and ``orders``.
    The function comes back as a ``RuleFunction`` holding the mark (a compiled function takes
    no attributes)."""
    def mark(fn) -> RuleFunction:
        return RuleFunction(fn, rule_id, frozenset(reads))
    return mark


class Context:
    """The time of the check and the rule data, with what derives from them worked out once
    per batch and campaign rather than once per order."""

    __slots__ = ("as_of", "as_of_iso", "params", "catalog", "calendar", "campaign", "at_risk_window", "lean")

    def __init__(self, as_of: datetime, params: Params, catalog: Catalog, calendar: Calendar, campaign: Campaign | None,
                 lean: bool = False):
        self.as_of = beijing(as_of)
        self.as_of_iso = iso(self.as_of)
        self.params = params
        self.catalog = catalog
        self.calendar = calendar
        self.campaign = campaign
        self.at_risk_window = timedelta(hours=params.at_risk_hours)
        self.lean = lean  # options.detail "lean": results carry words, not sentences (see _words)


def _words(out: Findings, item: dict, said: dict) -> dict:
    """``item`` with what it says: its sentences (detail "full"), else its words (detail "lean")."""
    global _last
    if out.lean:
        item["words"] = said
        return item
    last = _last
    if last[0] is said:
        item["message"], item["message_en"] = last[1]
    else:
        item["message"], item["message_en"] = pair = sentences(said)
        _last = (said, pair)
    return item


# Why a rule could not judge an order (``skipped_reasons[rule].gap``): a value not given, a value that
# could not be read, a status word not known. A skip without a gap had nothing to judge (a cancelled
# order has nothing to ship, no claim was made); ``shared.coverage`` counts the gaps per family.
GAPS: Final = ("missing_value", "unreadable", "unknown_status")


def skip(out: Findings, rule: str, missing: tuple, said: dict, gap: str | None = None) -> None:
    """The rule is not evaluated; ``missing`` names the fields it needed, ``gap`` (one of ``GAPS``)
    says the order could not be judged for want of them, rather than that it had nothing to judge."""
    out.skipped.append(rule)
    reason = {"missing": list(missing), "gap": gap} if gap else {"missing": list(missing)}
    out.skipped_reasons[rule] = _words(out, reason, said)


def flag(out: Findings, code: str, severity: str, rule_id: str, said: dict, **facts) -> None:
    """A flag; ``said`` is its words (``shared.messages.say``)."""
    out.flags.append(_words(out, {"code": code, "severity": severity, "rule": rule_id, "group": FLAGS[code]["group"],
                                  "facts": facts}, said))


def owe(out: Findings, rule: str, amount, said: dict, facts: dict, *,
        payee: str = "consumer", status: str = "owed") -> None:
    """Compensation the merchant pays: ``owed`` now, or ``if_claimed`` should the consumer claim."""
    if status == "owed":
        out.owed += amount
    else:
        out.if_claimed += amount
    out.compensation.append(_words(out, {"rule": rule, "amount": money_str(amount), "payer": "merchant",
                                         "payee": payee, "status": status, "facts": facts}, said))


def lose(out: Findings, rule: str, amount, said: dict, facts: dict) -> None:
    """Money the merchant does not receive (a forfeited subsidy)."""
    out.lost += amount
    out.losses.append(_words(out, {"rule": rule, "amount": money_str(amount), "facts": facts}, said))


def _named(path: str) -> str:
    """A field as a reason names it: its contract name and the column that holds it (付款确认时间)."""
    field = BY_PATH.get(path)
    if field is None:
        return path
    return f"{path}（{field.headers[0] if field.headers else field.zh}）"


def wanting(subject: str, fields: tuple) -> dict:
    """The words of a rule skipped for want of ``fields``; ``subject`` names what it cannot
    judge (``phrases.subject.<subject>``). Shared between results: words are never changed."""
    key = (subject, fields)
    said = _WANTING.get(key)
    if said is None:
        if len(_WANTING) >= _WANTING_KEPT:
            _WANTING.clear()
        said = _WANTING[key] = fixed(say("skip_missing", names=", ".join(_named(p) for p in fields),
                                         subject=phrase("subject." + subject)))
    return said

