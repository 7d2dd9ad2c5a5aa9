"""The golden replay: a committed corpus of orders replayed through the core, full and lean,
compared exactly with the committed results (``tests/unit/test_golden_replay.py``).

The corpus (``tests/unit/golden/corpus.json.gz``) is batches of orders, each with its
``as_of`` and, where it has them, its ``defaults`` and ``options``: 3,000 orders of
``bench/orders_mix.py`` (seed 618) at three times of the check, and the unit tests' own orders
(every rule family, flag, skip and input error they try, with their options), taken once from a
run of ``tests/unit``. The expected results (``expected.json.gz``) are what the core answered
for each batch, full (contract v1) and lean, with the batch's summary. They are rewritten only
when a rule, a word or the contract changes on purpose: ``scripts/regenerate_golden.py``, which
says which batches changed. Both files are gzip'd JSON written without a time stamp, so a
regeneration that changes nothing changes no byte."""
import gzip
import json

from shared import default_engine, parse_time
from shared.annotate import annotate_batch
from shared.options import DETAILS, Options
from tests.support import ROOT

GOLDEN_DIR = ROOT / "tests" / "unit" / "golden"
CORPUS = GOLDEN_DIR / "corpus.json.gz"
EXPECTED = GOLDEN_DIR / "expected.json.gz"


def read(path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def write(path, data: dict) -> None:
    """``data`` as gzip'd JSON, one batch a line, byte for byte the same for the same data."""
    lines = ",\n".join(json.dumps(batch, ensure_ascii=False, sort_keys=True) for batch in data["batches"])
    text = '{"about": %s,\n"batches": [\n%s\n]}\n' % (json.dumps(data["about"], ensure_ascii=False), lines)
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
            z.write(text.encode("utf-8"))


def replay(corpus: dict, engine=None) -> dict:
    """Every batch of ``corpus`` through ``annotate_batch``, at each detail level: the results
    and summary as JSON gives them to a client (a value JSON cannot carry fails here)."""
    engine = engine or default_engine()
    batches = []
    for batch in corpus["batches"]:
        out = {"name": batch["name"]}
        for detail in DETAILS:
            options = Options(**{**batch.get("options", {}), "detail": detail})
            results, summary = annotate_batch(engine, batch["orders"], as_of=parse_time(batch["as_of"]),
                                              defaults=batch.get("defaults"), options=options)
            out[detail] = json.loads(json.dumps({"results": results, "summary": summary}, ensure_ascii=False))
        batches.append(out)
    return {"about": "expected results of corpus.json.gz (tests/support/golden.py)", "batches": batches}


def first_difference(got, expected, path: str = "") -> str | None:
    """Where ``got`` first differs from ``expected`` (a JSON path and both values), or None."""
    if type(got) is not type(expected):
        return f"{path or '.'}: {got!r:.200} != expected {expected!r:.200}"
    if isinstance(got, dict):
        for key in sorted(set(got) | set(expected)):
            if key not in got or key not in expected:
                return f"{path}.{key}: {'missing' if key not in got else 'not expected'}"
            found = first_difference(got[key], expected[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(got, list):
        for i, (a, b) in enumerate(zip(got, expected)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        if len(got) != len(expected):
            return f"{path}: {len(got)} items != expected {len(expected)}"
        return None
    return None if got == expected else f"{path or '.'}: {got!r:.200} != expected {expected!r:.200}"
