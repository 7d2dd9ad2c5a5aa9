"""The lines-apart check's memory of order ids: exact (every id that comes back is noticed, no other),
and, in the export, within its budget whatever the number of orders (``BoundedSeenIds`` spills to
a temporary file)."""
import random
import tempfile
import tracemalloc

import pytest

from server.export_files import seen_ids
from server.export_files.seen_ids import BoundedSeenIds
from shared.rows import SeenIds

# The smallest budget: a table of 512 slots, spilled every 255 ids.
TINY = 1 << 13


def _ids(count, spread, seed):
    rng = random.Random(seed)
    return [str(235711131720 + rng.randrange(spread)) for _ in range(count)]


def _answers(seen, ids):
    return [seen.add(key) for key in ids]


def _expected(ids):
    met = set()
    out = []
    for key in ids:
        out.append(key in met)
        met.add(key)
    return out


@pytest.mark.parametrize("make, count", [(SeenIds, 60_000), (lambda: BoundedSeenIds(TINY), 15_000),
                                         (lambda: BoundedSeenIds(1 << 16), 60_000), (BoundedSeenIds, 60_000)],
                         ids=["in-memory", "tiny-budget", "64-KiB", "default"])
def test_every_id_that_comes_back_is_noticed_and_no_other(make, count):
    ids = _ids(count, count * 3 // 2, seed=26)  # about a quarter come back, some many times
    expected = _expected(ids)
    assert count // 12 < sum(expected) < count // 2
    seen = make()
    assert _answers(seen, ids) == expected
    if isinstance(seen, BoundedSeenIds):
        seen.close()


def test_an_id_comes_back_right_after_the_spill_that_wrote_it_and_long_after():
    seen = BoundedSeenIds(TINY)
    first = [str(10**11 + i) for i in range(255)]  # fills the table: the 255th id spills it
    assert _answers(seen, first) == [False] * 255
    assert len(seen._runs) == 1 and len(seen._table) == 0
    assert seen.add(first[-1]) and seen.add(first[0])
    later = [str(10**12 + i) for i in range(5_000)]
    assert not any(_answers(seen, later))
    assert len(seen._runs) > 10
    assert all(_answers(seen, first + later))
    seen.close()


def test_the_export_keeps_the_ids_within_its_budget_whatever_their_number():
    tracemalloc.start()
    try:
        bounded = BoundedSeenIds(1 << 18)
        for i in range(150_000):
            bounded.add(str(235711131720 + 7 * i))
        _, peak_bounded = tracemalloc.get_traced_memory()
        bounded.close()
        tracemalloc.reset_peak()
        plain = SeenIds()
        for i in range(150_000):
            plain.add(str(235711131720 + 7 * i))
        _, peak_plain = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(bounded._runs) == 0  # closed
    assert peak_bounded < (1 << 18) + (32 << 10), peak_bounded
    # What the budget is against: the same ids in memory take 8-16 bytes each, and more while doubling.
    assert peak_plain > 2 << 20, peak_plain


def test_without_a_temporary_file_the_ids_stay_in_memory_and_the_check_stays_exact(monkeypatch):
    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_room)
    ids = _ids(5_000, 6_000, seed=27)
    seen = BoundedSeenIds(TINY)
    assert _answers(seen, ids) == _expected(ids)
    assert seen._runs == [] and len(seen._table.slots) > 512


def test_the_default_budget_is_the_documented_one():
    seen = BoundedSeenIds()
    assert seen_ids.SEEN_IDS_MEMORY == 4 << 20
    assert seen._max_slots * 8 == seen_ids.SEEN_IDS_MEMORY // 2
    assert (1 << seen._filter_bits) // 8 == seen_ids.SEEN_IDS_MEMORY // 2


def test_an_emptied_table_keeps_its_size_and_forgets():
    table = SeenIds(1 << 10)
    for i in range(400):
        table.add(str(i))
    table.clear()
    assert len(table) == 0 and len(table.slots) == 1 << 10 and not any(table.slots)
    assert not table.add("1") and table.add("1")
