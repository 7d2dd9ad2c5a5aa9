"""Chromium with the unpacked extension, for the extension's tests (tests/e2e/test_extension.py,
tests/hostile/test_extension_hostile.py): Debian's chromium loaded as a user loads the extension,
fixture pages served at the JD seller backend's real URLs, no other network.
"""
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright
from tests.support import ROOT

EXTENSION = ROOT / "extension"
FIXTURES = ROOT / "tests" / "e2e" / "extension_fixtures"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
ORDERS_URL = "https://shop.jd.com/jdm/trade/orders/order-list?tabType=allOrders"
LEGACY_URL = "https://porder.shop.jd.com/order/orderlist/waitOut"
AFTER_SALE_URL = "https://shop.jd.com/jdm/trade/after-sale/list"

# Fixture file for each served path (the /plain/ copies sit outside the content script's matches).
PAGES = {
    ("shop.jd.com", "/jdm/trade/orders/order-list"): "order-list.html",
    ("shop.jd.com", "/jdm/trade/after-sale/list"): "after-sale-list.html",
    ("porder.shop.jd.com", "/order/orderlist/waitOut"): "legacy-order-list.html",
    ("shop.jd.com", "/plain/order-list"): "order-list.html",
    ("shop.jd.com", "/plain/after-sale"): "after-sale-list.html",
    ("porder.shop.jd.com", "/plain/legacy"): "legacy-order-list.html",
}
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css"}


def serve_fixture(route):
    url = urlsplit(route.request.url)
    name = PAGES.get((url.hostname, url.path))
    if name is None and url.path.startswith("/jdpg-fixtures/"):
        name = url.path.rsplit("/", 1)[-1]
    path = FIXTURES / name if name else None
    if path is None or not path.is_file():
        route.fulfill(status=404, body="not found", content_type="text/plain")
        return
    route.fulfill(status=200, body=path.read_bytes(), content_type=TYPES[path.suffix])


class Browser:
    """One Chromium with the unpacked extension; fresh settings (and list) for each test."""

    def __init__(self, ctx, sw):
        self.ctx = ctx
        self.sw = sw
        self.ext_id = sw.url.split("/")[2]

    def configure(self, **settings):
        """Clears storage (settings and the triage list) and sets these settings."""
        self.sw.evaluate(
            "s => chrome.storage.local.clear().then(() => chrome.storage.local.set(s))", settings)
        self.sw.evaluate("""() => Promise.all([chrome.notifications.getAll().then(all =>
                              Promise.all(Object.keys(all).map(id => chrome.notifications.clear(id)))),
                            chrome.action.setBadgeText({text: ''})])
                            .then(() => { self.jdpgStats.annotateCalls = 0; self.jdpgStats.ordersSent = 0; })""")

    def api_calls(self):
        return self.sw.evaluate("() => self.jdpgStats.annotateCalls")

    def open(self, url):
        page = self.ctx.new_page()
        page.problems = []
        page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
        page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
        page.goto(url)
        return page

    def page(self, path):
        """An extension page (popup, options) by its path in the extension."""
        return self.open(f"chrome-extension://{self.ext_id}/{path}")


@contextmanager
def extension_browser(profile_dir):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (tests never skip)"
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile_dir), executable_path=CHROMIUM, headless=True,
            ignore_default_args=["--disable-extensions"],
            args=[f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}", *FLAGS],
            viewport={"width": 1280, "height": 900}, locale="zh-CN")
        ctx.route("https://shop.jd.com/**", serve_fixture)
        ctx.route("https://porder.shop.jd.com/**", serve_fixture)
        sw = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker")
        try:
            yield Browser(ctx, sw)
        finally:
            ctx.close()
