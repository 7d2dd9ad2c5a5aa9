"""The gspread side's test helpers: the Sheets API stand-in and a service-account key as fixtures,
a JD export worksheet, the command run against the stand-in, and readers of what it wrote.
Fixtures are brought in by importing them (``from tests.support.sheets import fake_sheets, sa_file``)."""
import copy
import json

import pytest

from shared.vocabulary import ROW_COLOURS
from sheets_addon.__main__ import main
from standins.google_sheets import FakeSheets, key_pair as new_key_pair, service_account_info
from standins.jd_export import JD_HEADER, line

BOOK = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_"
AS_OF = "2022-06-20 12:00:00"
OWN_TITLES = ["JDPG 发货截止 Ship by", "JDPG 发货状态 Ship status", "JDPG 超时小时 Hours late", "JDPG 标记 Flags",
              "JDPG 应赔金额 Owed (¥)", "JDPG 潜在赔付 If claimed (¥)", "JDPG 截止时间 Deadlines",
              "JDPG 说明 Explanation", "JDPG 错误 Errors"]


def jd_export():
    return [
        JD_HEADER,
        line("235711131719", "100012", "保温杯 500ml", 1, "2022-06-16 09:58:12", "2022-06-16 10:00:00", "等待确认收货",
             129.0, shipped="2022-06-20 11:00:00"),
        line('="235711131720"', "100013", "茶叶 A", 1, "2022-06-16 09:00:00", "2022-06-16 09:01:00", "等待确认收货",
             "59.00", shipped="2022-06-17 10:00:00"),
        line('="235711131720"', "100014", "茶叶 B", 2, "2022-06-16 09:00:00", "2022-06-16 09:01:00", "等待确认收货",
             "59.00", shipped="2022-06-17 10:00:00"),
        line("235711131721", "100015", "雨伞", 1, "2022-06-19 07:00:00", "2022-06-19 08:00:00", "等待出库", "35.00"),
        line("235711131722", "100016", "坏行 bad row", 1, "2022-06-16 09:00:00", "soon", "等待出库", "10.00"),
        line("235711131723", "100017", "拖鞋", 1, "2022-06-16 14:00:00", "2022-06-16 15:00:00", "等待出库", "25.00",
             note="=HYPERLINK(\"x\")"),
    ]


def seed(fake, rows=None, book=BOOK, **grid):
    fake.add_spreadsheet(book)
    return fake.add_sheet(book, "Orders", rows if rows is not None else jd_export(), **grid)


def run(fake, sa_file, *extra, book=BOOK):
    return main(["annotate", book, "--worksheet", "Orders", "--credentials", str(sa_file), "--as-of", AS_OF,
                 "--platform", "jingxi", "--googleapis-base-url", fake.url, "--no-progress", *extra])


def header(sheet):
    return [str(v) for v in sheet.values[0]]


def own(sheet):
    return [i for i, title in enumerate(header(sheet)) if title.startswith("JDPG ")]


def outside(sheet, own_cols):
    """Every value and format outside our columns, as stored."""
    values = [[v for c, v in enumerate(row) if c not in own_cols] for row in sheet.values]
    formats = {k: v for k, v in sheet.formats.items() if k[1] not in own_cols}
    return copy.deepcopy(values), copy.deepcopy(formats)


def col(sheet, part):
    return next(i for i, title in enumerate(header(sheet)) if title.startswith("JDPG ") and part in title)


def rgb(hex_colour):
    return {name: int(hex_colour[i:i + 2], 16) / 255 for name, i in (("red", 1), ("green", 3), ("blue", 5))}


def painted(status):
    """The format of a row of ``status`` in the shared palette: background and text colour."""
    background, font = ROW_COLOURS[status]
    return {"backgroundColor": rgb(background), "textFormat": {"foregroundColor": rgb(font)}}


@pytest.fixture(scope="session")
def key_pair():
    return new_key_pair()


@pytest.fixture
def fake_sheets(key_pair):
    fake = FakeSheets(public_key_pem=key_pair[1]).start()
    yield fake
    fake.stop()


@pytest.fixture
def sa_file(tmp_path, key_pair):
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(service_account_info(key_pair[0])))
    return path


@pytest.fixture
def foreign_sa_file(tmp_path):
    """A key the stand-in does not know: its token grant must fail."""
    path = tmp_path / "foreign-sa.json"
    path.write_text(json.dumps(service_account_info(new_key_pair()[0])))
    return path
