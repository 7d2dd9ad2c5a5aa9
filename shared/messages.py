"""The sentences of flags, money items and skip reasons, rendered from the vocabulary's templates.

A rule records what it says as *words*: a message code and its parameters, never a sentence
(``say``). With ``options.detail`` "full" the engine renders them here into ``message`` /
``message_en``; with "lean" the result carries the words themselves and whoever shows them
renders them: ``extension/common/messages.js`` is this module in JavaScript, and a test holds the
two equal on real results (tests/unit/test_messages.py, tests/js/messages.test.js).

The words are plain JSON:

- ``{"code": C, "params": {...}}``: the template ``messages.C`` of ``data/vocabulary.toml``
  (a code with a dot, ``phrases.ship_via.picked_up_at``, is a path from the vocabulary's root);
  ``params`` is left out when there are none.
- A parameter is text, inserted as it is (numbers are formatted by the rule that records them,
  once: money as ``money_str`` gives it, durations as ``duration`` says them), or
  ``{"zh": …, "en": …}`` (a name in both languages, such as a campaign's title), or
  ``{"phrase": P, "params": {...}}`` (a sub-phrase, the template at path P, rendered in the same
  language), or ``{"list": [...], "sep": P}`` (each item rendered, joined by the phrase at P).

Templates hold ``{name}`` placeholders only, filled by the same rule as ``JDPG_VOCAB.fill``;
each is compiled once into an f-string function of its values (a third of ``str.format_map``'s
time, which parses the template on every call: every flagged order renders a few). Words that
many results share (a skip for want of the same fields, why a campaign's deadline is
what it is) are made once (``fixed``) and rendered once.
"""
import string
from datetime import timedelta
from typing import Final

from .duration import duration_phrase, seconds
from .vocabulary import VOCAB


def say(code: str, **params) -> dict:
    """What a rule says: a message code and its parameters (see the module docstring)."""
    return {"code": code, "params": params} if params else {"code": code}


def phrase(path: str, **params) -> dict:
    """A sub-phrase parameter: the template at ``phrases.<path>``."""
    full = "phrases." + path
    return {"phrase": full, "params": params} if params else {"phrase": full}


def term(path: str) -> dict:
    """A word elsewhere in the vocabulary as a parameter (``values.competitor_platform.tmall``)."""
    return {"phrase": path}


def listed(items: list, sep: str) -> dict:
    """A list parameter: its items rendered and joined by the phrase ``phrases.sep.<sep>``."""
    return {"list": items, "sep": "phrases.sep." + sep}


def bilingual(zh: str, en: str) -> dict:
    """A name in both languages (a campaign's title), as a parameter."""
    return {"zh": zh, "en": en}


def duration(delta: timedelta, *, up: bool) -> dict:
    """``delta`` as a phrase in the one duration format (``shared.duration``): rounded up (time
    late) or down (time left), so the words never contradict a status."""
    return duration_phrase(seconds(delta, up=up), up=up)


# Each template's (zh, en, fill_zh, fill_en), by code or path, looked up and compiled once.
_PAIRS: Final[dict] = {}


class _Fixed(dict):
    """Words (or a phrase) made once and shared by many results, never changed: their sentences
    are kept with them. A dict to everything else (JSON, equality)."""

    __slots__ = ("said",)


def fixed(words: dict) -> dict:
    """``words`` (or a phrase) made once and shared by many results, never changed: rendered once."""
    kept = _Fixed(words)
    kept.said = None
    return kept


def _compile(template: str):
    """``template`` as a function of its values: ``"至 {until}"`` → ``lambda v: f"至 {v[k0]}"``
    with ``k0 = "until"``. Only the template's text, as a string literal, and the names of its
    placeholders, as constants the function holds, go into the code."""
    body, names = [], {}
    for literal, name, spec, conversion in string.Formatter().parse(template):
        body.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            if not name.isidentifier() or spec or conversion:
                raise ValueError(f"template {template!r}: only {{name}} placeholders")
            key = f"k{len(names)}"
            names[key] = name
            body.append("{v[" + key + "]}")
    return eval("lambda v: f" + repr("".join(body)), names)  # noqa: S307 (a literal and names only)


def _load(code: str) -> tuple:
    """The template at ``code``, compiled: its ``_PAIRS`` entry."""
    if "." in code:
        entry = VOCAB
        for part in code.split("."):
            entry = entry[part]
    else:
        entry = VOCAB["messages"][code]
    pair = _PAIRS[code] = (entry["zh"], entry["en"], _compile(entry["zh"]), _compile(entry["en"]))
    return pair


def _kept(value: _Fixed, render) -> tuple[str, str]:
    """``render(value)`` of fixed words, rendered once."""
    said = value.said
    if said is None:
        said = value.said = render(value)
    return said


def _both(value) -> tuple[str, str]:
    """A parameter's text in both languages."""
    if type(value) is str:
        return value, value
    if type(value) is _Fixed:
        return _kept(value, _param)
    return _param(value)


def _param(value: dict) -> tuple[str, str]:
    path = value.get("phrase")
    if path is not None:
        return _filled(path, value.get("params"))
    items = value.get("list")
    if items is not None:
        sep_zh, sep_en = (_PAIRS.get(value["sep"]) or _load(value["sep"]))[:2]
        texts = [_both(item) for item in items]
        return sep_zh.join(zh for zh, _ in texts), sep_en.join(en for _, en in texts)
    return value["zh"], value["en"]


def _filled(code: str, params) -> tuple[str, str]:
    """The template at ``code`` filled from ``params``, in both languages."""
    zh, en, fill_zh, fill_en = _PAIRS.get(code) or _load(code)
    if not params:
        return zh, en
    for value in params.values():
        if type(value) is not str:
            break
    else:  # text only, the same in both languages: one mapping for both
        return fill_zh(params), fill_en(params)
    zh_values, en_values = {}, {}
    for name, value in params.items():
        if type(value) is str:
            zh_values[name] = en_values[name] = value
        elif type(value) is _Fixed:
            zh_values[name], en_values[name] = _kept(value, _param)
        else:
            zh_values[name], en_values[name] = _param(value)
    return fill_zh(zh_values), fill_en(en_values)


def sentences(words: dict) -> tuple[str, str]:
    """``(message, message_en)`` of ``words``, both languages rendered in one pass."""
    if type(words) is _Fixed:
        return _kept(words, _sentences)
    return _filled(words["code"], words.get("params"))


def _sentences(words: dict) -> tuple[str, str]:
    return _filled(words["code"], words.get("params"))


def render(words: dict, lang: str) -> str:
    """The sentence of ``words`` in ``lang`` ("zh" or "en")."""
    return sentences(words)[lang == "en"]
