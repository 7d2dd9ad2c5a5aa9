"""The rule catalog and rule parameters, loaded from ``data/rules.toml``.

Every parameter carries its default and either the source document that gives it or the
assumption made where the sources are silent; clients show the catalog as it is.
"""
import math
from functools import partialmethod
from dataclasses import dataclass, make_dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from .build import DATA_DIR
from .beijing_time import beijing
from .campaigns import YEARS, read_toml
from .errors import DataFileError
from .model import FAMILIES
from .vocabulary import RULES as RULE_WORDS

RULES_FILE = DATA_DIR / "rules.toml"


# What each parameter type of rules.toml is read as.
_TYPES = {"int": int, "float": float, "decimal": Decimal, "text": str, "list": tuple, "time": datetime}


def _declared(path: Path) -> dict:
    """Each parameter's name and Python type, in the order ``path`` declares them (``type`` keys)."""
    declared = {}
    for i, raw in enumerate(read_toml(path).get("rule", [])):
        for name, spec in (raw.get("params") or {}).items():
            kind = _TYPES.get(spec.get("type")) if isinstance(spec, dict) else None
            if kind is None:
                raise DataFileError(path, f"rule[{i}].params.{name}.type", f"must be one of {sorted(_TYPES)}")
            declared[name] = kind
    return declared


def _with_overrides(self, **overrides):
    """These parameters with some replaced (``None`` keeps a value), e.g. a request's at-risk hours.
    A method of ``Params`` through ``partialmethod``: a compiled function does not bind itself."""
    return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_PARAM_TYPES = _declared(RULES_FILE)
# Every rule parameter, one attribute each for fast access during evaluation: made from the
# parameters rules.toml declares, so a parameter is added there, next to its rule, and nowhere else.
Params = make_dataclass("Params", list(_PARAM_TYPES.items()), frozen=True, slots=True,
                        namespace={"with_overrides": partialmethod(_with_overrides), "__module__": __name__,
                                   "__doc__": "Every rule parameter (declared in shared/data/rules.toml)."})


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    family: str
    title: str
    title_en: str
    source: str
    effective_from: datetime | None
    effective_to: datetime | None
    params: dict

    def in_force(self, at: datetime | None) -> bool:
        if at is None:
            return True
        return (self.effective_from is None or at >= self.effective_from) and (
            self.effective_to is None or at <= self.effective_to)

    def to_dict(self) -> dict:
        return {"id": self.id, "family": self.family, "title": self.title, "title_en": self.title_en,
                "source": self.source,
                "effective_from": self.effective_from.isoformat() if self.effective_from else None,
                "effective_to": self.effective_to.isoformat() if self.effective_to else None,
                "params": {name: {**{k: v for k, v in spec.items() if k != "type"}, "value": _jsonable(spec["value"])}
                           for name, spec in self.params.items()}}


@dataclass(frozen=True, slots=True)
class Catalog:
    version: str
    rules: dict
    params: Params

    def to_dict(self) -> dict:
        return {"version": self.version, "rules": [r.to_dict() for r in self.rules.values()]}


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


# Every number parameter is an amount in yuan, a share, a count, hours or days: none is negative or
# anywhere near this; a value beyond it is a typo that would overflow date or money arithmetic.
MAX_PARAM = 1_000_000


def _number_ok(value) -> bool:
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    return finite and 0 <= value <= MAX_PARAM


def _coerce(path, name, value):
    kind = _PARAM_TYPES[name]
    field = f"params.{name}.value"
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
    try:
        if kind is Decimal and not isinstance(value, bool):
            result = Decimal(str(value))
        elif kind is int and not isinstance(value, bool) and not isinstance(value, float):
            result = int(value)
        elif kind is float and not isinstance(value, bool):
            result = float(value)
        elif kind is tuple:
            return tuple(value)
        elif kind is str:
            return str(value)
        elif kind is datetime and isinstance(value, datetime) and value.tzinfo is not None:
            if not YEARS[0] <= value.year <= YEARS[1]:
                raise DataFileError(path, field, f"year must be between {YEARS[0]} and {YEARS[1]}, got {value.year}")
            return beijing(value)
        else:
            result = None
    except (ArithmeticError, TypeError, ValueError):
        result = None
    if result is not None:
        if _number_ok(result):
            return result
        raise DataFileError(path, field, f"must be a finite number from 0 to {MAX_PARAM}, got {shown}")
    raise DataFileError(path, field, f"expected {kind.__name__}, got {shown}")


def load_catalog(path: Path = RULES_FILE) -> Catalog:
    data = read_toml(path)
    rules, values = {}, {}
    for i, raw in enumerate(data.get("rule", [])):
        where = f"rule[{i}]"
        for key in ("id", "family", "source"):
            if not isinstance(raw.get(key), str):
                raise DataFileError(path, f"{where}.{key}", "missing or not text")
        if raw["family"] not in FAMILIES:
            raise DataFileError(path, f"{where}.family", f"not one of {FAMILIES}")
        params = raw.get("params", {})
        for name, spec in params.items():
            if name not in _PARAM_TYPES:
                raise DataFileError(path, f"{where}.params.{name}", "unknown parameter")
            if "value" not in spec or not ({"source", "assumption"} & spec.keys()):
                raise DataFileError(path, f"{where}.params.{name}", "needs a value and a source or assumption")
            values[name] = _coerce(path, name, spec["value"])
        effective = []
        for key in ("effective_from", "effective_to"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                raise DataFileError(path, f"{where}.{key}", "must be a date-time with an offset")
            effective.append(beijing(value) if value is not None else None)
        if raw["id"] not in RULE_WORDS:
            raise DataFileError(path, f"{where}.id", f"{raw['id']!r} has no words in shared/data/vocabulary.toml")
        words = RULE_WORDS[raw["id"]]
        rules[raw["id"]] = Rule(raw["id"], raw["family"], words["title"], words["title_en"], raw["source"],
                                *effective, params)
    missing = _PARAM_TYPES.keys() - values.keys()
    if missing:
        raise DataFileError(path, "params", f"missing parameters: {sorted(missing)}")
    return Catalog(str(data.get("version", "")), rules, Params(**values))
