"""A cell as spreadsheets and JD exports hold it, and the value inside it.

The seller backend protects long numbers as ``="235711131719"`` or with a leading tab, and
sheets carry stray spaces (full-width ones too). Every reader of a cell (order ids, times,
amounts, words) unwraps it the same way, here."""
from typing import Final

# Whitespace and the ="…" / tab wrapping spreadsheets and exports put around long values.
PROTECTION: Final = ' \t\r\n\f\v\u3000\xa0="'


def clean_cell(value):
    """The text inside a cell (``="235711131719"`` → ``235711131719``); other values as they are."""
    return value.strip(PROTECTION) if isinstance(value, str) else value
