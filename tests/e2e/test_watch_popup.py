"""The popup's to-do list and toolbar count include the orders the server watches (jdpg watch),
in Debian's Chromium with the unpacked extension; the server reads a real store filled by a real
cycle against the JOS stand-in. Also the demo's watched-shops page."""
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from server.app import create_app
from server.config import Settings
from shared import default_engine
from shared.beijing_time import BEIJING
from shared.options import Options
from standins.jos import JosStandin, make_order
from standins.serving import ServedInThread
from tests.watch.conftest import add_shop
from watch.crypto import new_key
from watch.cycle import Watch, run_cycle
from watch.settings import WatchSettings
from watch.store import open_store

from tests.support.extension_browser import CHROMIUM, extension_browser


class WatchServer(ServedInThread):
    def __init__(self, watch_settings):
        app = create_app(Settings.from_env(env={}, rate_limit="100000 per minute"), watch_settings)
        self._serve(make_server("127.0.0.1", 0, app, threaded=True))
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """A server watching one shop: 6100 overdue, 6101 at risk, 6102 to ship; 6103 shipped."""
    folder = tmp_path_factory.mktemp("watch")
    with JosStandin() as jos:
        settings = WatchSettings.from_env(env={"JDPG_DATA_DIR": str(folder), "JDPG_SECRET_KEY": new_key(),
                                               "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url,
                                               "JDPG_WATCH_DIGEST_AT": "off"})
        store = open_store(settings.database_url, settings.secret_key)
        now = datetime.now(BEIJING)
        shop = jos.shop()
        for order_id, hours in (("2357116100", 50), ("2357116101", 45), ("2357116102", 3), ("2357116103", 44)):
            shop.orders[order_id] = make_order(order_id, now - timedelta(hours=hours))
        add_shop(store, jos, name="旗舰店")
        watch = Watch(settings, default_engine(), store.vault, options=Options(detail="lean"))
        assert [o.outcome for o in run_cycle(store, watch)] == ["ok"]
        shop.ship("2357116103", now)
        assert [o.outcome for o in run_cycle(store, watch)] == ["ok"]
        with WatchServer(settings) as server:
            yield server


def test_the_popup_lists_watched_orders_and_counts_them_on_the_icon(tmp_path, watched):
    with extension_browser(tmp_path / "profile") as b:
        b.configure(apiBase=watched.url)
        reply = b.sw.evaluate("() => self.jdpgSyncWatched()")
        assert reply["ok"] and reply["data"]["watching"] is True
        popup = b.page("popup/popup.html")
        popup.wait_for_selector("html[data-jdpg-triage=ready]")
        rows = popup.eval_on_selector_all(
            "#triage-list li", "els => els.map(li => [li.dataset.orderId, li.dataset.state])")
        assert rows[:3] == [["2357116100", "overdue"], ["2357116101", "at_risk"], ["2357116102", "pending"]]
        assert "2357116103" not in [r[0] for r in rows]                     # shipped: not on the list
        href = popup.get_attribute('#triage-list li[data-order-id="2357116100"] a', "href")
        assert href == "https://shop.jd.com/jdm/trade/orders/order-details?orderId=2357116100"
        # the minute tick reads them again (nothing doubles) and sets the icon's count
        count = b.sw.evaluate("""() => new Promise(done => {
            chrome.alarms.create('jdpg-triage', {when: Date.now(), periodInMinutes: 1});
            setTimeout(() => chrome.action.getBadgeText({}).then(done), 1500); })""")
        assert count == "2"                                               # overdue + at risk
        assert b.sw.evaluate("() => chrome.storage.local.get('triage').then(s => Object.keys(s.triage).length)") == 3
        assert popup.problems == []


def test_a_server_watching_nothing_leaves_the_list_alone(tmp_path, live_api):
    with extension_browser(tmp_path / "profile") as b:
        b.configure(apiBase=live_api)
        reply = b.sw.evaluate("() => self.jdpgSyncWatched()")
        assert reply["ok"] and reply["data"] == {"watching": False, "as_of": None, "orders": [], "total": 0}
        assert b.sw.evaluate("() => chrome.storage.local.get('triage').then(s => s.triage || {})") == {}


def test_the_demo_page_shows_the_watched_shop_and_its_orders(watched):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{watched.url}/demo/watch")
        expect(page.locator("#watch-shops tbody tr")).to_have_count(1)
        expect(page.locator("#watch-shops tbody td").first).to_have_text("旗舰店")
        expect(page.locator("#watch-orders tbody tr")).to_have_count(3)
        expect(page.locator('#watch-orders tr[data-status="overdue"] td').nth(1)).to_have_text("2357116100")
        browser.close()
        assert problems == []
