"""The golden replay: the committed corpus through the core, full (contract v1) and lean, each
result and summary equal to the committed one (``tests/support/golden.py``). A speed-up of the
core that changes any output fails here; a rule changed on purpose is rewritten with
``scripts/regenerate_golden.py``."""
import pytest

from shared.model import SHIP_STATUSES
from shared.vocabulary import FLAGS
from tests.support import golden


@pytest.fixture(scope="module")
def expected():
    return golden.read(golden.EXPECTED)


@pytest.fixture(scope="module")
def replayed():
    return golden.replay(golden.read(golden.CORPUS))


def test_every_batch_gives_the_committed_results_full_and_lean(replayed, expected):
    assert len(replayed["batches"]) == len(expected["batches"]) > 200
    changed = [f"batch {i} ({got['name']}): {where}" for i, (got, want) in enumerate(zip(replayed["batches"],
                                                                                          expected["batches"]))
               if (where := golden.first_difference(got, want))]
    assert changed == [], "\n".join(changed[:20])


def _results(expected, detail):
    return [r for batch in expected["batches"] for r in batch[detail]["results"]]


def test_the_corpus_tries_every_flag_status_skip_and_error(expected):
    full = _results(expected, "full")
    assert len(full) > 4000
    assert sorted(set(FLAGS) - {f["code"] for r in full for f in r["flags"]}) == []
    assert {r["ship"]["status"] for r in full if r["ship"]} == set(SHIP_STATUSES)
    assert sum(1 for r in full if r["errors"]) > 50 and sum(1 for r in full if r["warnings"]) > 5
    assert sum(1 for r in full if r["skipped"]) > 500
    assert sum(1 for r in full if r["compensation"]["items"]) > 200 and sum(1 for r in full if r["losses"]["items"]) > 100
    assert any(batch["full"]["summary"].get("families") for batch in expected["batches"])


def test_full_results_carry_sentences_and_lean_ones_words(expected):
    for detail, key in (("full", "message"), ("lean", "words")):
        items = [item for r in _results(expected, detail)
                 for item in r["flags"] + r["compensation"]["items"] + r["losses"]["items"]]
        assert len(items) > 5000 and all(key in item for item in items)
