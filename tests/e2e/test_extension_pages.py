"""The extension's page readers on the real structures of JD's seller backend, in real Chromium.

The fixture pages are built from public code that runs on the live backend (their opening
comments cite it). Two kinds of tests:
- the readers alone: their files injected into the fixture page served at a URL outside the
  content script's matches, and `JdpgExtract` asked what it reads, field by field;
- the whole extension: what it sends to a real API (a recording WSGI layer in front of it) and
  the badges it shows for every status word JD uses (docs/supported-inputs.md).
"""
import io
import json
import threading

import pytest
from werkzeug.serving import make_server

from server.app import create_app
from server.config import Settings
from tests.support import ROOT
from tests.support.extension_browser import LEGACY_URL, ORDERS_URL
from tests.support.extension import (  # noqa: F401  (browser, b: fixtures)
    AS_OF,
    b,
    badge,
    browser,
    expected_ship_badge,
    kinds,
    settle,
)

EXTENSION = ROOT / "extension"
PLAIN_ORDERS_URL = "https://shop.jd.com/plain/order-list?tabType=allOrders"
PLAIN_LEGACY_URL = "https://porder.shop.jd.com/plain/legacy"
# The content script's own order: the vocabulary, the shared helpers, one reader per page kind.
READER_FILES = ["common/vocabulary.js", "content/read-helpers.js", "content/read-order-cards.js",
                "content/read-legacy-orders.js", "content/read-after-sales.js", "content/extract.js"]

# Every status word of docs/supported-inputs.md and what it means for the ship deadline, as written there.
REAL_STATUS_WORDS = {
    "等待付款": "unpaid", "等待出库": "to_ship", "等待确认收货": "shipped", "完成": "completed",
    "已完成": "completed", "已取消": "cancelled", "锁定": "locked", "锁定订单": "locked",
    "暂停订单": "paused", "已出库": "shipped", "等待境外出库": "to_ship", "等待境内发货": "to_ship",
    "(锁定)等待出库": "locked", "(删除)等待出库": "deleted", "(删除)等待确认收货": "deleted",
    "(删除)等待付款": "deleted",
}
UNKNOWN_WORD = "售后处理中"  # on the fixture's third page; in no table of ours
# Why each meaning gets no ship deadline (the vocabulary's words, shown in the badge's explanation).
NO_SHIP_WHY = {"unpaid": "订单未付款", "cancelled": "订单已取消", "locked": "订单已锁定",
               "paused": "订单已暂停", "deleted": "订单已删除"}
LATE_KINDS = {"ship-overdue", "ship-at-risk", "ship-late", "subsidy-forfeited"}

READ_JS = """
({kind, href}) => JdpgExtract.findUnits(document, kind).map(u => {
  const ex = JdpgExtract.extract(u, {href, platform: ''});
  return {ok: ex.ok, order: ex.order, problems: ex.problems, notes: ex.notes, orderId: ex.orderId,
          anchorHasId: Boolean(u.anchor.querySelector('.orderid-mr10, .order-info-btn')),
          anchorTag: u.anchor.tagName, position: u.position};
})
"""

LEGACY_UNITS_JS = """
() => [...document.querySelectorAll('div.shopweb-table')].map(t => {
  const rows = [...t.querySelectorAll('.jdpg-row')];
  return {
    id: t.querySelector('.orderid-mr10').textContent.trim(),
    rows: rows.length,
    state: rows[0] ? rows[0].dataset.jdpgState : null,
    badges: rows.flatMap(r => [...r.querySelectorAll('.jdpg-badge')].map(b => {
      b.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
      const tip = b.querySelector('.jdpg-tip');
      return {kind: b.dataset.jdpgKind, zh: (b.querySelector('.jdpg-badge__zh') || {}).textContent || null,
              tip: tip ? tip.textContent : ''};
    })),
  };
})
"""
LEGACY_SETTLED_JS = """
() => ['done', 'error'].includes(document.documentElement.dataset.jdpgState) &&
  [...document.querySelectorAll('div.shopweb-table')].every(t => {
    const row = t.querySelector('.jdpg-row');
    return row && row.dataset.jdpgState !== 'pending';
  })
"""


# ---- a real API that keeps what it was sent ----------------------------------------------------

class RecordingApi:
    """The real API on loopback behind a WSGI layer that keeps every annotate request's orders."""

    def __init__(self):
        self.app = create_app(Settings.from_env(env={}, rate_limit="100000 per minute"))
        self.sent = []
        self.server = make_server("127.0.0.1", 0, self._record, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def _record(self, environ, start_response):
        if environ.get("PATH_INFO") == "/api/v1/orders/annotate" and environ["REQUEST_METHOD"] == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            self.sent.extend(json.loads(body).get("orders", []))
        return self.app(environ, start_response)

    def orders(self):
        """The last order sent for each order id."""
        return {o["order_id"]: o for o in self.sent}


@pytest.fixture(scope="module")
def recording_api():
    api = RecordingApi()
    api.thread.start()
    yield api
    api.server.shutdown()
    api.server.server_close()


# ---- helpers -----------------------------------------------------------------------------------

def read_plain(page, kind, href):
    """What the readers read on a page the content script does not run on."""
    for name in READER_FILES:
        page.add_script_tag(path=str(EXTENSION / name))
    return page.evaluate(READ_JS, {"kind": kind, "href": href})


def open_status_page(b, url):
    """The card list's third page: one card per status word (page 1 is settled first)."""
    page = b.open(url)
    page.wait_for_selector(".card .order-info-btn span")
    page.click('.jd-pager button[data-page="2"]')
    page.wait_for_function(
        "() => document.querySelector('.card .order-info-btn span').textContent === '235711131811'")
    return page


def status_cards(page):
    """Order id → the status word its card shows."""
    return dict(page.evaluate("""() => [...document.querySelectorAll('.table-body > .card')].map(c =>
        [c.querySelector('.order-info-btn span').textContent,
         c.querySelector('[prop="orderStatus"] .order-status span').textContent])"""))


def tips(unit):
    return " ".join(x["tip"] for x in unit["badges"])


# ---- the readers alone -------------------------------------------------------------------------

def test_a_card_is_read_from_its_header_and_its_columns(b):
    page = b.open(PLAIN_ORDERS_URL)
    page.wait_for_selector(".card")
    read = {r["orderId"]: r for r in read_plain(page, "orders", ORDERS_URL)}
    assert len(read) == 8 and all(r["anchorHasId"] and r["position"] == "after" for r in read.values())

    jingxi = read["235711131719"]
    assert jingxi["ok"] and jingxi["problems"] == [] and jingxi["notes"] == []
    assert jingxi["order"] == {
        "order_id": "235711131719", "placed_at": "2022-06-16 09:58:02", "paid_at": "2022-06-16 10:00:00",
        "order_status": "等待出库", "shown_ship_by": "2022-06-20 10:00:00", "paid_amount": "25.80",
        "freight_amount": "0.00", "quantity": 2, "item_name": "清风抽纸 3层120抽*24包 整箱",
        "sku_id": "100012043978", "platform": "jingxi", "subsidy_activity": "百亿补贴",
    }
    # Two SKU lines: their quantities summed; the amount is the receivables column's first value.
    assert read["235711131721"]["order"]["quantity"] == 3
    assert read["235711131721"]["order"]["paid_amount"] == "49.70"
    assert read["235711131725"]["order"]["payment_method"] == "cod"
    assert "paid_at" not in read["235711131725"]["order"] and read["235711131725"]["ok"]
    # No time at all: not checked.
    assert read["235711131724"]["ok"] is False and read["235711131724"]["problems"] == ["paid_at"]
    # A cancelled card shows "--" for its promise: nothing shown, nothing unreadable.
    assert read["235711131726"]["ok"] and read["235711131726"]["notes"] == []
    assert "shown_ship_by" not in read["235711131726"]["order"]


def test_every_status_word_is_read_and_sent_as_the_card_shows_it(b):
    page = open_status_page(b, PLAIN_ORDERS_URL)
    shown = status_cards(page)
    assert set(shown.values()) == set(REAL_STATUS_WORDS) | {UNKNOWN_WORD}
    read = {r["orderId"]: r for r in read_plain(page, "orders", ORDERS_URL)}
    for order_id, word in shown.items():
        assert read[order_id]["ok"], (order_id, read[order_id]["problems"])
        assert read[order_id]["order"]["order_status"] == word, order_id
    # JD International's own words make the order a JD International one.
    assert {read[i]["order"]["platform"] for i, w in shown.items() if w in ("等待境外出库", "等待境内发货")} \
        == {"jd_international"}
    assert read["235711131825"]["order"]["quantity"] == 6  # three SKU lines: 1 + 2 + 3


def test_a_promise_time_is_read_when_it_is_a_time_and_reported_when_it_is_not(b):
    page = open_status_page(b, PLAIN_ORDERS_URL)
    read = {r["orderId"]: r for r in read_plain(page, "orders", ORDERS_URL)}
    assert read["235711131825"]["order"]["shown_ship_by"] == "2022-06-21 12:00:00"
    not_a_time = read["235711131824"]
    assert not_a_time["ok"]  # still checked, by the rule's own deadline
    assert "shown_ship_by" not in not_a_time["order"]
    assert not_a_time["problems"] == ["shown_ship_by"]
    [note] = not_a_time["notes"]
    assert note["field"] == "shown_ship_by" and note["shown"] == "当日24:00前发货"
    assert "当日24:00前发货" in note["message"] and "当日24:00前发货" in note["message_en"]


def test_the_legacy_list_reads_every_order_id_from_its_tables_header_row(b):
    page = b.open(PLAIN_LEGACY_URL)
    page.wait_for_selector("div.shopweb-table")
    ids = page.evaluate("() => [...document.querySelectorAll('div.shopweb-table .orderid-mr10')].map(e => e.textContent)")
    assert len(ids) == 7
    units = read_plain(page, "legacy", LEGACY_URL)
    assert [u["orderId"] for u in units] == ids  # one unit per order, not one per SKU line
    assert all(u["anchorHasId"] and u["anchorTag"] == "TD" for u in units)
    read = {u["orderId"]: u for u in units}
    assert read["235711132001"]["order"] == {
        "order_id": "235711132001", "placed_at": "2022-06-16 08:59:20", "paid_at": "2022-06-16 09:00:00",
        "order_status": "等待出库", "paid_amount": "59.00", "quantity": 4, "sku_id": "100012043978",
        "platform": "jingxi",
    }
    assert read["235711132003"]["order"]["quantity"] == 3  # two SKU rows: 1 + 2
    assert read["235711132004"]["ok"] is False and read["235711132004"]["problems"] == ["paid_at"]
    assert read["235711132006"]["order"]["order_status"] == "(锁定)等待出库"
    assert read["235711132007"]["order"]["order_status"] == "(删除)等待确认收货"
    assert all(read[i]["ok"] for i in ids if i != "235711132004")


def test_a_legacy_order_without_times_or_status_says_so(b):
    page = b.open(PLAIN_LEGACY_URL)
    page.wait_for_selector("div.shopweb-table")
    # The page changes where it shows them (no source says where they sit): nothing is guessed.
    page.evaluate("""() => {
      const t = document.querySelectorAll('div.shopweb-table')[1];
      t.querySelectorAll('.order-time, .order-state').forEach(e => e.remove());
      const u = document.querySelectorAll('div.shopweb-table')[2];
      u.querySelector('.order-state').textContent = '订单状态：售后处理中';
      const v = document.querySelectorAll('div.shopweb-table')[4];
      v.querySelector('.order-time').after(Object.assign(document.createElement('span'),
        {textContent: '承诺发货时间：当日24点前'}));
    }""")
    read = {u["orderId"]: u for u in read_plain(page, "legacy", LEGACY_URL)}
    bare = read["235711132002"]
    assert bare["ok"] is False and bare["problems"] == ["paid_at", "order_status"]
    assert "order_status" not in bare["order"] and "paid_at" not in bare["order"]
    # A labelled word we do not know is still sent as it is shown.
    assert read["235711132003"]["ok"] and read["235711132003"]["order"]["order_status"] == "售后处理中"
    # A labelled promise that is not a time: reported, and the order still checked without it.
    promise = read["235711132005"]
    assert promise["ok"] and promise["problems"] == ["shown_ship_by"]
    assert promise["notes"][0]["shown"] == "当日24点前" and "shown_ship_by" not in promise["order"]


# ---- the whole extension -----------------------------------------------------------------------

def expected_for(word, concluded, platform):
    """The badge kind the rules give, or None for a status that gets no ship deadline."""
    meaning = REAL_STATUS_WORDS.get(word)
    if meaning in ("to_ship", "shipped", "completed"):
        as_status = "等待出库" if meaning == "to_ship" else "已完成"
        return expected_ship_badge(concluded, platform, as_status)
    return None


def test_every_status_word_gets_the_badge_its_meaning_gives(b, recording_api):
    b.configure(apiBase=recording_api.url, asOf=AS_OF)
    page = open_status_page(b, ORDERS_URL)
    units = settle(page)
    shown = status_cards(page)
    sent = recording_api.orders()
    assert set(units) == set(shown)
    for order_id, word in shown.items():
        order = sent[order_id]
        assert order["order_status"] == word, order_id  # the word itself; the API maps it
        unit = units[order_id]
        concluded = order.get("paid_at") or order.get("placed_at")
        expected = expected_for(word, concluded, order["platform"])
        if expected:
            kind, text = expected
            assert badge(unit, kind)["zh"] == text, (order_id, word)
            continue
        assert not LATE_KINDS & set(kinds(unit)), (order_id, word, kinds(unit))
        assert not any(k.startswith("ship-") and k != "ship-cannot-tell" for k in kinds(unit)), (word, kinds(unit))
        if word == UNKNOWN_WORD:
            cannot = badge(unit, "ship-cannot-tell")
            assert f"“{UNKNOWN_WORD}”" in cannot["tip"], cannot["tip"]
        else:
            why = NO_SHIP_WHY[REAL_STATUS_WORDS[word]]
            assert why in tips(unit), (order_id, word, tips(unit))
    assert page.problems == []


def test_the_promise_time_shown_is_sent_when_it_is_a_time_and_reported_when_not(b, recording_api):
    b.configure(apiBase=recording_api.url, asOf=AS_OF)
    page = open_status_page(b, ORDERS_URL)
    units = settle(page)
    sent = recording_api.orders()
    assert sent["235711131825"]["shown_ship_by"] == "2022-06-21 12:00:00"
    assert "shown_ship_by" not in sent["235711131824"]
    # Checked by the rule's own deadline: 48 h from payment, no "JD shows …" comparison.
    kind, text = expected_ship_badge("2022-06-19 11:00:00", "jd", "等待出库")
    assert badge(units["235711131824"], kind)["zh"] == text
    assert "ship-shown-differs" not in kinds(units["235711131824"])
    # The row says what it could not read, beside the results.
    problem = badge(units["235711131824"], "data-problem")
    assert "当日24:00前发货" in problem["tip"], problem["tip"]
    assert "data-problem" not in kinds(units["235711131825"])


def test_the_legacy_list_gets_one_row_per_order_in_the_header_cell(b, recording_api):
    b.configure(apiBase=recording_api.url, asOf=AS_OF)
    page = b.open(LEGACY_URL)
    page.wait_for_function(LEGACY_SETTLED_JS, timeout=10000)
    units = {u["id"]: u for u in page.evaluate(LEGACY_UNITS_JS)}
    assert len(units) == 7 and all(u["rows"] == 1 for u in units.values())
    sent = recording_api.orders()
    assert set(sent) >= set(units) - {"235711132004"} and "235711132004" not in sent
    assert kinds(units["235711132004"]) == ["unreadable"]
    kind, text = expected_ship_badge("2022-06-16 09:00:00", "jingxi", "等待出库")
    assert badge(units["235711132001"], kind)["zh"] == text
    for locked_or_deleted in ("235711132006", "235711132007"):
        assert not LATE_KINDS & set(kinds(units[locked_or_deleted])), kinds(units[locked_or_deleted])
    assert page.evaluate("""() => [...document.querySelectorAll('.jdpg-row')].every(r =>
        r.parentElement.tagName === 'TD' && r.parentElement.querySelector('.orderid-mr10'))""")
    assert page.problems == []

