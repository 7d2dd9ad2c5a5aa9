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


def _template(code: str) -> dict:
    if "." not in code:
        return VOCAB["messages"][code]
    entry = VOCAB
    for part in code.split("."):
        entry = entry[part]
    return entry


def _text(value, lang: str) -> str:
    if type(value) is str:
        return value
    if "phrase" in value:
        return _fill(_template(value["phrase"])[lang], value.get("params"), lang)
    if "list" in value:
        return _template(value["sep"])[lang].join(_text(item, lang) for item in value["list"])
    return value[lang]


def _fill(template: str, params, lang: str) -> str:
    if not params:
        return template
    return template.format_map({name: _text(value, lang) for name, value in params.items()})


def render(words: dict, lang: str) -> str:
    """The sentence of ``words`` in ``lang`` ("zh" or "en")."""
    return _fill(_template(words["code"])[lang], words.get("params"), lang)


def sentences(words: dict) -> tuple[str, str]:
    """``(message, message_en)`` of ``words``."""
    return render(words, "zh"), render(words, "en")
