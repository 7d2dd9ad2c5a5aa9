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
  once: money as ``money_str`` gives it, hours as ``hours_text``), or
  ``{"zh": …, "en": …}`` (a name in both languages, such as a campaign's title), or
  ``{"phrase": P, "params": {...}}`` (a sub-phrase, the template at path P, rendered in the same
  language), or ``{"list": [...], "sep": P}`` (each item rendered, joined by the phrase at P).

Templates hold ``{name}`` placeholders only, filled by the same rule as ``JDPG_VOCAB.fill``.
Words that many results share (a skip for want of the same fields, why a campaign's deadline is
what it is) are made once (``fixed``) and rendered once.
"""
from datetime import timedelta

from .beijing_time import hours_down, hours_up
from .vocabulary import VOCAB

_HOUR = timedelta(hours=1)
_MINUTE = timedelta(minutes=1)


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


def hours_text(count: float) -> str:
    """Hours as the sentences write them: the hundredths the rules round to, shortest form, with
    ``.0`` for whole hours (``2.5``, ``48.0``, ``0.07``): Python's ``str`` of the float."""
    return str(count)


def duration(delta: timedelta, *, up: bool) -> dict:
    """``delta`` as a phrase: minutes under an hour, else hours to the hundredth; rounded up (time
    late) or down (time left), so the words never contradict a status."""
    if delta < _HOUR:
        minutes = -(-delta // _MINUTE) if up else delta // _MINUTE
        return phrase("duration.minutes", n=str(minutes))
    return phrase("duration.hours", n=hours_text(hours_up(delta) if up else hours_down(delta)))


# Each template's (zh, en), by code or path, looked up once.
_PAIRS = {}
# Words made once and shared, by id: (words, their sentences once rendered). Holding the words
# keeps their id theirs; past the limit the table starts again (the words then render anew).
_FIXED = {}
_FIXED_KEPT = 4096


def fixed(words: dict) -> dict:
    """``words`` (or a phrase) made once and shared by many results, never changed: rendered once."""
    if len(_FIXED) >= _FIXED_KEPT:
        _FIXED.clear()
    _FIXED[id(words)] = (words, None)
    return words


def _pair(code: str) -> tuple[str, str]:
    pair = _PAIRS.get(code)
    if pair is None:
        if "." in code:
            entry = VOCAB
            for part in code.split("."):
                entry = entry[part]
        else:
            entry = VOCAB["messages"][code]
        pair = _PAIRS[code] = (entry["zh"], entry["en"])
    return pair


def _fixed(value: dict, memo: tuple, render) -> tuple[str, str]:
    """``render(value)`` of fixed words (``memo`` their entry), rendered once."""
    if memo[1] is None:
        memo = _FIXED[id(value)] = (value, render(value))
    return memo[1]


def _both(value) -> tuple[str, str]:
    """A parameter's text in both languages."""
    if type(value) is str:
        return value, value
    memo = _FIXED.get(id(value))
    if memo is not None and memo[0] is value:
        return _fixed(value, memo, _param)
    return _param(value)


def _param(value: dict) -> tuple[str, str]:
    path = value.get("phrase")
    if path is not None:
        return _filled(path, value.get("params"))
    items = value.get("list")
    if items is not None:
        sep_zh, sep_en = _pair(value["sep"])
        texts = [_both(item) for item in items]
        return sep_zh.join(zh for zh, _ in texts), sep_en.join(en for _, en in texts)
    return value["zh"], value["en"]


def _filled(code: str, params) -> tuple[str, str]:
    """The template at ``code`` filled from ``params``, in both languages."""
    if not params:
        return _pair(code)
    for value in params.values():
        if type(value) is not str:
            break
    else:  # text only, the same in both languages: one mapping for both
        zh, en = _pair(code)
        return zh.format_map(params), en.format_map(params)
    zh_values, en_values = {}, {}
    for name, value in params.items():
        zh_values[name], en_values[name] = _both(value)
    zh, en = _pair(code)
    return zh.format_map(zh_values), en.format_map(en_values)


def sentences(words: dict) -> tuple[str, str]:
    """``(message, message_en)`` of ``words``, both languages rendered in one pass."""
    memo = _FIXED.get(id(words))
    if memo is not None and memo[0] is words:
        return _fixed(words, memo, _sentences)
    return _sentences(words)


def _sentences(words: dict) -> tuple[str, str]:
    return _filled(words["code"], words.get("params"))


def render(words: dict, lang: str) -> str:
    """The sentence of ``words`` in ``lang`` ("zh" or "en")."""
    return sentences(words)[lang == "en"]
