"""The export's memory of the order ids met (the lines-apart note), within a fixed budget.

``shared.rows.SeenIds`` keeps 8 to 16 bytes an order: a million-order export held 16 MB for it, and
twice as much while its table doubled, so the command's memory followed the file. Here that table
grows only to half of ``SEEN_IDS_MEMORY``; when it is full, it is written as it is to a temporary
file (a *run*: a table on disk, probed as in memory) and emptied. The other half is a filter of
``SEEN_IDS_MEMORY * 4`` bits: each fingerprint written to a run sets one of them. An id is looked
for in the runs only when its bit is set, which stays rare for the files the budget was chosen for
(about 5 % of ids at 1 million orders in one process, 20 % at 4 million): the check costs the same
as in memory until then, and grows slower past it, but its memory does not grow.

The note is as exact as ``SeenIds``' (the same fingerprints, all kept): every id that comes back is
noticed, and a false note needs two ids sharing a 64-bit fingerprint. Where no temporary file can
be written (a full or read-only disk), the table keeps growing in memory instead, as before.
"""
import tempfile
from array import array

from shared.rows import SeenIds, fingerprint

# The budget, in bytes: half for the table in memory, half for the filter. 4 MiB holds 131,071 ids
# before the first spill; a run of them takes 2 MiB of the temporary file.
SEEN_IDS_MEMORY = 4 << 20
# Slots read from a run at a time while probing (the table is at most half full: probes are short).
PROBE_SLOTS = 16


class BoundedSeenIds:
    """``SeenIds`` within ``memory`` bytes (see the module docstring), with the same ``add``."""

    def __init__(self, memory: int = SEEN_IDS_MEMORY):
        half = max(memory // 2, 1 << 12)
        self._max_slots = 1 << ((half // 8).bit_length() - 1)
        self._filter_bits = (half * 8).bit_length() - 1  # the filter has 2 ** _filter_bits bits
        self._table = SeenIds(min(1 << 12, self._max_slots))
        self._file = None
        self._runs: list[tuple[int, int]] = []  # (offset in the file, slots)
        self._filter = None
        self._spill_failed = False

    def add(self, key: str) -> bool:
        """Remember ``key``; True when it was met before."""
        mark = fingerprint(key)
        if self._filter is not None:
            bit = mark >> (64 - self._filter_bits)
            if self._filter[bit >> 3] & (1 << (bit & 7)) and self._in_runs(mark):
                return True
        if self._table.add_mark(mark):
            return True
        # The table doubles when it is half full: spill it before it would pass the budget.
        if 2 * (len(self._table) + 1) >= self._max_slots and not self._spill_failed:
            self._spill()
        return False

    def _spill(self) -> None:
        slots = self._table.slots
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="jdpg-ids-", buffering=0)
            offset = self._file.seek(0, 2)
            view = memoryview(slots).cast("B")
            while view:
                view = view[self._file.write(view):]
        except OSError:
            self._spill_failed = True  # no temporary file: the table grows in memory instead
            return
        self._runs.append((offset, len(slots)))
        if self._filter is None:
            self._filter = bytearray(1 << (self._filter_bits - 3))
        marks, shift = self._filter, 64 - self._filter_bits
        for mark in slots:
            if mark:
                bit = mark >> shift
                marks[bit >> 3] |= 1 << (bit & 7)
        self._table.clear()

    def _in_runs(self, mark: int) -> bool:
        read = self._file
        for offset, size in self._runs:
            index = mark & (size - 1)
            while True:
                count = min(PROBE_SLOTS, size - index)
                read.seek(offset + 8 * index)
                block = array("Q", read.read(8 * count))
                found = next((m for m in block if m == mark or not m), None)
                if found is not None:
                    if found:
                        return True
                    break
                index = (index + count) & (size - 1)
        return False

    def close(self) -> None:
        """Remove the temporary file (it has no name: it goes with the process in any case)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self._runs = []
            self._filter = None
