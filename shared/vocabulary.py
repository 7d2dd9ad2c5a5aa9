"""The words users see, loaded once from ``data/vocabulary.toml``.

Python renders from here (annotation columns, the catalog's titles, flag groups) and the
JavaScript clients from the module generated from the same file (``scripts/gen_vocabulary.py``),
so a word is written once for every client. ``VOCAB`` is the file's content as plain data.
"""
import string
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Final

from .build import DATA_DIR
from .errors import DataFileError

VOCABULARY_FILE = DATA_DIR / "vocabulary.toml"
FLAG_GROUPS = ("ship", "promise", "money", "deadline", "own")
_SECTIONS = ("prefix", "families", "severities", "rules", "flags", "ship_status", "row_status", "deadlines",
             "columns", "facts", "values", "order_status", "ui", "messages", "phrases")


def _check(path, data: dict) -> dict:
    """Refuses a vocabulary whose shape the clients could not use, naming the entry."""
    for section in _SECTIONS:
        if section not in data:
            raise DataFileError(path, section, "missing section")
    for table, keys in (("families", ("zh", "en")), ("severities", ("zh", "en", "tone")),
                        ("rules", ("title", "title_en", "short", "short_en")), ("flags", ("zh", "en", "group")),
                        ("ship_status", ("zh", "en", "badge", "badge_en", "tone", "row")),
                        ("row_status", ("zh", "en")), ("deadlines", ("zh", "en", "rule")), ("facts", ("zh", "en")),
                        ("ui", ("zh", "en")), ("messages", ("zh", "en"))):
        for name, entry in data[table].items():
            for key in keys:
                if not isinstance(entry.get(key), str):
                    raise DataFileError(path, f"{table}.{name}.{key}", "missing or not text")
    for code, entry in data["flags"].items():
        if entry["group"] not in FLAG_GROUPS:
            raise DataFileError(path, f"flags.{code}.group", f"must be one of {', '.join(FLAG_GROUPS)}")
    for status, entry in data["ship_status"].items():
        if entry["row"] not in data["row_status"]:
            raise DataFileError(path, f"ship_status.{status}.row", "not a row_status")
    for name, entry in data["deadlines"].items():
        if entry["rule"] not in data["rules"]:
            raise DataFileError(path, f"deadlines.{name}.rule", f"unknown rule {entry['rule']!r}")
    meanings = data["order_status"]["meanings"]
    for table in ("words", "prefixes"):
        for word, meaning in data["order_status"][table].items():
            if meaning not in meanings:
                raise DataFileError(path, f"order_status.{table}.{word}", f"unknown meaning {meaning!r}")
    return data


def load_vocabulary(path: Path = VOCABULARY_FILE) -> dict:
    with open(path, "rb") as f:
        try:
            data = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise DataFileError(path, "(syntax)", str(e)) from None
    return _check(path, data)


VOCAB: Final = load_vocabulary()
PREFIX: Final = VOCAB["prefix"]
RULES: Final = MappingProxyType(VOCAB["rules"])
FLAGS: Final = MappingProxyType(VOCAB["flags"])
SHIP_STATUS: Final = MappingProxyType(VOCAB["ship_status"])
DEADLINES: Final = MappingProxyType(VOCAB["deadlines"])
# Row colours by row status, for the clients that paint rows: {status: (background, font)}.
ROW_COLOURS: Final = MappingProxyType({name: (entry["background"], entry["font"])
                                for name, entry in VOCAB["row_status"].items() if "background" in entry})
STATUS_MEANINGS: Final = MappingProxyType(VOCAB["order_status"]["meanings"])
STATUS_WORDS: Final = MappingProxyType(VOCAB["order_status"]["words"])
STATUS_PREFIXES: Final = MappingProxyType(VOCAB["order_status"]["prefixes"])
STATUS_PLATFORMS: Final = MappingProxyType(VOCAB["order_status"]["platforms"])


def fill(template: str, **values) -> str:
    """A template's ``{name}`` placeholders filled; the same rule as ``JDPG_VOCAB.fill`` in JS."""
    return string.Formatter().vformat(template, (), values)
