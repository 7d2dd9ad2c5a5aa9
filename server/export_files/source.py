"""What every export reader shares: its two refusals and the mark of a record it could not read.

A reader (``csv_source.CsvExport``, ``xlsx_source.XlsxExport``, ``json_source.JsonExport``; picked
by ``reader.open_export`` from the file's content) has ``kind``, ``encoding``, ``header``,
``preamble`` (rows above the header), ``size`` (for the progress bar), ``records()`` yielding
``(line number, cells)``, ``progress()`` and ``close()``.
"""


class UnreadableFile(Exception):
    """An export refused before any work, with the reason in Chinese and English."""

    def __init__(self, path, message: str, message_en: str):
        super().__init__(f"{path}: {message_en}")
        self.path = str(path)
        self.message = message
        self.message_en = message_en


class BrokenFile(Exception):
    """An export that stops being readable part way through (a mixed encoding, say)."""

    def __init__(self, path, line: int, message: str, message_en: str):
        super().__init__(f"{path}: line {line}: {message_en}")
        self.path = str(path)
        self.line = line
        self.message = message
        self.message_en = message_en

    def __reduce__(self):
        # Raised in a worker process, it travels back to the command whole.
        return BrokenFile, (self.path, self.line, self.message, self.message_en)


class BadRecord:
    """A record that could not be read (a cell or line over the limits); the rest of the file can."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason
