"""The export's own CSV record writer quotes exactly as the csv module's writer does."""
import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from server.export_files.writer import csv_record

cells = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(),
                  st.text(alphabet=st.sampled_from(list('ab ,"\r\n\t=；，发货¥') + ["/"]), max_size=12))


@given(st.lists(cells, min_size=2, max_size=9))
def test_a_record_is_what_the_csv_module_writes(row):
    expected = io.StringIO()
    csv.writer(expected).writerow(row)
    assert csv_record(row) == expected.getvalue()
    assert next(csv.reader(io.StringIO(csv_record(row), newline=""))) == ["" if c is None else str(c) for c in row]
