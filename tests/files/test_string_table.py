"""An xlsx book's shared strings: every text read back as written, whether it stayed in memory or
went to the temporary files past ``STRINGS_MEMORY`` (memory flat in the rows)."""
import random
import tempfile

import pytest

from server.export_files import xlsx_source
from server.export_files.xlsx_source import StringTable, XlsxExport
from tests.support.hostile_files import raw_xlsx


def _texts(count, seed=27):
    rng = random.Random(seed)
    texts = [str(235711131720 + i) + "".join(rng.choice("ab中文\n x") for _ in range(rng.randrange(0, 20)))
             for i in range(count)]
    texts[7] = ""
    texts[900] = "长" * 70_000  # longer than a block
    return texts


@pytest.mark.parametrize("memory", [0, 1 << 10, 1 << 40], ids=["all-spilled", "some-spilled", "in-memory"])
def test_every_string_reads_back_in_order_and_at_random(memory):
    texts = _texts(30_000)
    table = StringTable(memory)
    for text in texts:
        table.append(text)
    assert len(table) == len(texts)
    rng = random.Random(5)
    order = [*range(len(texts)), *(rng.randrange(len(texts)) for _ in range(5_000)), *range(len(texts) - 1, -1, -1)]
    assert all(table[i] == texts[i] for i in order)
    for index in (-1, len(texts)):
        with pytest.raises(IndexError):
            table[index]
    table.close()


def test_without_a_temporary_file_the_strings_stay_in_memory(monkeypatch):
    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_room)
    texts = _texts(2_000)
    table = StringTable(1 << 10)
    for text in texts:
        table.append(text)
    assert [table[i] for i in range(len(texts))] == texts


def _shared_book(path, count):
    strings = [f"2357111{i:05d}" for i in range(count)] + ["订单号", "付款确认时间", "2022-06-16 10:00:00"]
    header = count
    rows = [f'<row r="1"><c r="A1" t="s"><v>{header}</v></c><c r="B1" t="s"><v>{header + 1}</v></c></row>'.encode()]
    for n in range(count):
        rows.append(f'<row r="{n + 2}"><c r="A{n + 2}" t="s"><v>{n}</v></c><c r="B{n + 2}" t="s"><v>{header + 2}</v>'
                    "</c></row>".encode())
    return raw_xlsx(path, rows, "".join(f"<si><t>{text}</t></si>" for text in strings).encode())


def test_a_book_whose_strings_go_past_the_budget_reads_the_same_rows(tmp_path, monkeypatch):
    source = _shared_book(tmp_path / "orders.xlsx", 20_000)
    spilled = []

    def rows():
        export = XlsxExport(source)
        try:
            spilled.append(export._strings._spilled)
            return export.header, list(export.records())
        finally:
            export.close()

    in_memory = rows()
    monkeypatch.setattr(xlsx_source, "STRINGS_MEMORY", 1 << 12)
    assert rows() == in_memory
    assert spilled[0] == 0 and spilled[1] > 19_000
    assert in_memory[0] == ["订单号", "付款确认时间"] and len(in_memory[1]) == 20_000
    assert in_memory[1][-1] == (20_001, ["235711119999", "2022-06-16 10:00:00"])
