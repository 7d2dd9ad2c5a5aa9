"""Opening an order export by its content, not its name: xlsx, a JSON file of orders (JOS payloads
too), CSV, or a clear refusal. One module per format reads it (``csv_source``, ``xlsx_source``,
``json_source``); ``source`` has what they share.
"""
from pathlib import Path

from .csv_source import CsvExport
from .json_source import JsonExport, looks_like_json
from .source import UnreadableFile
from .xlsx_source import XlsxExport

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def open_export(path) -> CsvExport | XlsxExport:
    """Open an export by its content (not its name): xlsx, a JSON file of orders (JOS payloads too),
    CSV, or refuse it."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise UnreadableFile(path, f"无法打开文件（{exc.strerror}）", f"cannot open the file ({exc.strerror})") from None
    if magic == _XLS_MAGIC:
        raise UnreadableFile(path, "旧版 Excel .xls 文件无法读取，请在 Excel 中另存为 .xlsx 或 CSV",
                             "old Excel .xls files are not supported: save it as .xlsx or CSV in Excel")
    if magic == _XLSX_MAGIC:
        return XlsxExport(path)
    if looks_like_json(path):
        return JsonExport(path)
    return CsvExport(path)
