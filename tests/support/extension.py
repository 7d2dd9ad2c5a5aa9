"""The extension's e2e helpers: what the rules say a ship badge shows (seed 004, SHIP-DEADLINE,
worked out here independently of the API's code), the extension loaded in Debian's Chromium as
fixtures, and readers of the badges it draws."""
import math
from datetime import datetime, timedelta

import pytest

from .extension_browser import extension_browser

AS_OF = "2022-06-20T12:00:00+08:00"


# ---- what the rules say (seed 004, SHIP-DEADLINE), independent of the API's code -------------

JINGXI_96H_DAYS = {"2022-06-01", "2022-06-08", "2022-06-16", "2022-06-17", "2022-06-18"}
JINGXI_WINDOW = (datetime(2022, 5, 24), datetime(2022, 6, 20, 23, 59, 59))


def ship_deadline(concluded: str, platform: str) -> datetime:
    """Jingxi 618 2022: 96 h for orders concluded on the 96 h days, else 48 h; elsewhere 48 h."""
    t = datetime.fromisoformat(concluded)
    in_window = JINGXI_WINDOW[0] <= t <= JINGXI_WINDOW[1]
    hours = 96 if platform == "jingxi" and in_window and concluded[:10] in JINGXI_96H_DAYS else 48
    return t + timedelta(hours=hours)


def expected_ship_badge(concluded, platform, status, shown=None, as_of=AS_OF, at_risk_hours=6):
    """(badge kind, Chinese badge text) for an order on the list. JD's shown promise time binds
    when it is earlier than the rule's deadline."""
    deadline = ship_deadline(concluded, platform)
    if shown:
        deadline = min(deadline, datetime.fromisoformat(shown))
    at = deadline.strftime("%m-%d %H:%M")
    now = datetime.fromisoformat(as_of).replace(tzinfo=None)
    if status in ("等待确认收货", "已完成"):
        # Shipped with no time known: on time for sure while the deadline is still ahead.
        if now <= deadline:
            return "ship-on-time", f"按时发货（截止 {at}）"
        return "ship-unknown", f"已发货，时间未知（截止 {at}）"
    left = (deadline - now).total_seconds()
    if left < 0:
        return "ship-overdue", f"已超时 {said(-left, up=True)}未发货（截止 {at}）"
    if left < at_risk_hours * 3600:
        return "ship-at-risk", f"即将超时 · 剩 {said(left, up=False)}（{at} 前发货）"
    return "ship-pending", f"发货截止 {at} · 剩 {said(left, up=False)}"


def said(seconds: float, up: bool) -> str:
    """A duration as people write it (issue 22): late rounded up, left down; minutes under an hour,
    tenths of hours without ".0" under 48 h, then days and hours."""
    rounded = math.ceil if up else math.floor
    if rounded(seconds / 60) < 60:
        return f"{rounded(seconds / 60)} 分钟"
    if rounded(seconds / 360) < 480:
        return f"{rounded(seconds / 360) / 10:g} 小时"
    days, hours = divmod(rounded(seconds / 3600), 24)
    return f"{days} 天 {hours} 小时" if hours else f"{days} 天"


# ---- browser plumbing --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with extension_browser(tmp_path_factory.mktemp("profile")) as browser:
        print("\nbrowser:", browser.sw.evaluate("navigator.userAgent"))
        yield browser


@pytest.fixture
def b(browser):
    yield browser
    for page in browser.ctx.pages:
        page.close()


UNITS_JS = """
kind => {
  const units = kind === 'legacy'
    ? [...document.querySelectorAll('div.shopweb-table')]
    : [...document.querySelectorAll('.table-body .card')];
  return units.map(u => {
    const text = u.textContent;
    const id = (u.querySelector('.order-info-btn span, .orderid-mr10, .order-id') || u).textContent.match(/\\d{9,}/);
    const rows = [...u.querySelectorAll('.jdpg-row')];
    return {
      id: id ? id[0] : null,
      rows: rows.length,
      state: rows[0] ? rows[0].dataset.jdpgState : null,
      badges: rows.flatMap(r => [...r.querySelectorAll('.jdpg-badge')].map(b => {
        // Explanations are built on first hover; hovering is what a merchant does too.
        b.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
        return {
          kind: b.dataset.jdpgKind,
          zh: (b.querySelector('.jdpg-badge__zh') || {}).textContent || null,
          en: (b.querySelector('.jdpg-badge__en') || {}).textContent || null,
          tip: b.querySelector('.jdpg-tip').textContent,
        };
      })),
    };
  });
}
"""

SETTLED_JS = """
kind => {
  const html = document.documentElement;
  if (html.dataset.jdpgState !== 'done' && html.dataset.jdpgState !== 'error') return false;
  const units = kind === 'legacy'
    ? [...document.querySelectorAll('div.shopweb-table')]
    : [...document.querySelectorAll('.table-body .card')];
  return units.length > 0 && units.every(u => {
    const row = u.querySelector('.jdpg-row');
    return row && row.dataset.jdpgState !== 'pending';
  });
}
"""


def settle(page, kind="orders", timeout=10000):
    page.wait_for_function(SETTLED_JS, arg=kind, timeout=timeout)
    return {u["id"]: u for u in page.evaluate(UNITS_JS, kind)}


def kinds(unit):
    return [badge["kind"] for badge in unit["badges"]]


def badge(unit, kind):
    found = [x for x in unit["badges"] if x["kind"] == kind]
    assert found, f"order {unit['id']}: no {kind} badge in {kinds(unit)}"
    return found[0]


def bar(page):
    return page.evaluate("""() => {
      const bars = [...document.querySelectorAll('.jdpg-bar')];
      const b = bars[0];
      return b && {count: bars.length, late: b.dataset.jdpgLate, atRisk: b.dataset.jdpgAtRisk,
                   owed: b.dataset.jdpgOwed, text: b.textContent,
                   notices: document.querySelectorAll('.jdpg-notice').length,
                   beforeList: b.nextElementSibling && b.nextElementSibling.matches('.jd-pro-card-table, .order-list, .after-sale-table')};
    }""")


def page_requests(page):
    return page.evaluate("""() => [Number(document.documentElement.dataset.jdpgRequests || 0),
                                   Number(document.documentElement.dataset.jdpgOrdersRequested || 0)]""")


# The first page of the "all orders" tab: (id, concluded at, platform, status, JD's promise time).
PAGE_1 = [
    ("235711131719", "2022-06-16 10:00:00", "jingxi", "等待出库", "2022-06-20 10:00:00"),
    ("235711131720", "2022-06-18 14:00:00", "jd", "等待出库", "2022-06-20 14:00:00"),
    ("235711131721", "2022-06-19 09:00:00", "jd", "等待出库", "2022-06-21 09:00:00"),
    ("235711131722", "2022-06-17 08:00:05", "jingxi", "等待确认收货", "2022-06-21 08:00:05"),
    ("235711131723", "2022-06-16 20:00:00", "jingxi", "等待出库", "2022-06-18 20:00:00"),
    ("235711131725", "2022-06-19 10:00:00", "jd", "等待出库", "2022-06-21 10:00:00"),  # COD: placed
]
PAGE_2 = [
    ("235711131801", "2022-06-05 10:00:00", "jd", "等待出库", "2022-06-07 10:00:00"),
    ("235711131802", "2022-06-19 20:00:00", "jd", "等待出库", "2022-06-21 20:00:00"),
    ("235711131803", "2022-06-10 11:00:30", "jd", "已完成", "2022-06-12 11:00:30"),
]


# ---- tests -------------------------------------------------------------------------------------
