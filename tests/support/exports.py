"""Reading what the export command wrote."""
import codecs
import csv
import io

from . import ROOT

# The sample JD export shipped with the repository.
SAMPLE = ROOT / "samples" / "jd_orders_export.csv"


def read_csv_output(path):
    """The rows of a CSV copy, which starts with a BOM so Excel reads it as UTF-8."""
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), "the CSV copy starts with a BOM so Excel reads it as UTF-8"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
