"""Export files built to be hostile, and the export command run on them: shared by the hostile
suites of the export command (tests/hostile/test_files_*.py)."""
import csv
import io
import zipfile

from .commands import jdpg

AS_OF = "2022-06-20 12:00:00"
HEADER = ["订单号", "商品名称", "付款确认时间", "揽收时间"]
GOOD = [["235711131720", "抽纸", "2022-06-02 23:30:00", "2022-06-03 08:00:00"],
        ["235711131722", "凉席", "2022-06-16 13:00:00", ""]]
ERRORS = "JDPG 错误 Errors"
ONE_GB = 1 << 30
# Exit codes of a run that wrote its copy (3: a rule family could judge no order, as in these small files).
WRITTEN = (0, 3)


def run(*args, memory_limit=None, **kwargs):
    return jdpg("annotate", *args, "--platform", "jingxi", "--as-of", AS_OF, memory_limit=memory_limit, **kwargs)


def read_csv(path):
    csv.field_size_limit(1 << 24)
    return list(csv.reader(io.StringIO(path.read_bytes()[3:].decode("utf-8"), newline="")))


CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
      '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
      '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet'
      '+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'spreadsheetml.sharedStrings+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id='
                 '"rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                 'Target="sharedStrings.xml"/></Relationships>')
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def raw_xlsx(path, rows_xml, strings_xml=b"", prolog=b""):
    """An xlsx written part by part, so that its XML can be anything."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)):
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?>' + prolog + f"<worksheet {MAIN}><sheetData>".encode())
            for piece in ([rows_xml] if isinstance(rows_xml, bytes) else rows_xml):
                part.write(piece)
            part.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?>' + f"<sst {MAIN}>".encode())
            for piece in ([strings_xml] if isinstance(strings_xml, bytes) else strings_xml):
                part.write(piece)
            part.write(b"</sst>")
    return path


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_and_good_rows():
    rows = [b'<row r="1">' + b"".join(cell(f"{c}1", t) for c, t in zip("ABCD", HEADER)) + b"</row>"]
    for n, values in enumerate(GOOD, start=2):
        rows.append(f'<row r="{n}">'.encode() + b"".join(cell(f"{c}{n}", t) for c, t in zip("ABCD", values) if t)
                    + b"</row>")
    return rows
