"""Hostile senders and addresses against the browser extension, in real Chromium with the unpacked
extension: messages from senders that may not send them, a key sent where it must not go, plain
http to another machine, a web page reaching for the extension.
"""
import json
import urllib.request

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from standins.serving import ServedInThread
from tests.support.extension_browser import ORDERS_URL, extension_browser

ANNOTATE = "jdpg/annotate-orders"
ORDER = {"order_id": "235711131721", "paid_at": "2022-06-19 09:00:00", "order_status": "等待出库"}


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    with extension_browser(tmp_path_factory.mktemp("hostile-profile")) as browser:
        yield browser


@pytest.fixture
def b(ext, live_api):
    ext.configure(apiBase=live_api, apiKey="saved-key")
    yield ext
    for page in ext.ctx.pages:
        page.close()


def route(b, message, sender_js):
    """The service worker's own router, called with a sender as Chrome would describe it."""
    return b.sw.evaluate(f"m => self.jdpgRoute(m, ({sender_js}))", message)


OTHER_EXTENSION = "({id: 'aaaabbbbccccddddeeeeffffgggghhhh', url: 'chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/x.html'})"
OTHER_EXTENSION_TAB = f"({{id: 'aaaabbbbccccddddeeeeffffgggghhhh', url: '{ORDERS_URL}', tab: {{id: 5}}}})"
CONTENT = f"({{id: chrome.runtime.id, url: '{ORDERS_URL}', tab: {{id: 5}}}})"
NO_TAB = f"({{id: chrome.runtime.id, url: '{ORDERS_URL}'}})"


@pytest.mark.parametrize("message, sender", [
    ({"type": ANNOTATE, "orders": [ORDER]}, OTHER_EXTENSION_TAB),
    ({"type": "jdpg/test-connection"}, OTHER_EXTENSION),
    ({"type": "jdpg/get-triage"}, OTHER_EXTENSION),
    ({"type": "jdpg/test-connection", "apiBase": "https://evil.example"}, CONTENT),
    ({"type": "jdpg/get-triage"}, CONTENT),
    ({"type": "jdpg/get-tab-summary", "tabId": 1}, CONTENT),
    ({"type": ANNOTATE, "orders": [ORDER]}, NO_TAB),
], ids=["annotate-from-another-extension", "test-from-another-extension", "triage-from-another-extension",
        "test-connection-from-a-content-script", "triage-from-a-content-script",
        "tab-summary-from-a-content-script", "annotate-from-no-tab"])
def test_a_message_from_a_sender_that_may_not_send_it_is_refused_unrun(b, message, sender):
    reply = route(b, message, sender)
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden"
    assert b.api_calls() == 0


@pytest.mark.parametrize("message_type", [ANNOTATE, "jdpg/page-summary", "jdpg/get-page-settings"])
def test_an_extension_page_cannot_send_what_only_content_scripts_send(b, message_type):
    options = b.page("options/options.html")
    reply = options.evaluate("t => chrome.runtime.sendMessage({type: t, orders: [], summary: {}})", message_type)
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden"
    assert b.api_calls() == 0


def test_the_saved_key_never_goes_to_an_address_the_caller_chooses(b, live_server_factory):
    # A server that would accept the saved key: asked at an unsaved address, it never sees it.
    keyed = live_server_factory(api_keys=("saved-key",))
    options = b.page("options/options.html")
    unsaved = options.evaluate("u => chrome.runtime.sendMessage({type: 'jdpg/test-connection', apiBase: u})", keyed.url)
    assert unsaved["ok"] is False and unsaved["error"]["code"] == "auth"
    # The same server once it is the saved address: the saved key goes, and is accepted.
    b.sw.evaluate("u => chrome.storage.local.set({apiBase: u})", keyed.url)
    saved = options.evaluate("() => chrome.runtime.sendMessage({type: 'jdpg/test-connection'})")
    assert saved["ok"] is True and saved["apiBase"] == keyed.url


@pytest.mark.parametrize("address", ["http://api.example.com", "http://192.168.1.20:8000", "http://127.0.0.1.nip.io:8000"])
def test_plain_http_to_another_machine_is_refused_before_any_request(b, address):
    options = b.page("options/options.html")
    reply = options.evaluate("u => chrome.runtime.sendMessage({type: 'jdpg/test-connection', apiBase: u, apiKey: 'k'})", address)
    assert reply["ok"] is False and reply["error"]["code"] == "not_https"
    assert "https://" in reply["error"]["message"]
    # The options page will not save it either.
    options.fill("#apiBase", address)
    options.click("#save")
    expect(options.locator("#status.error")).to_contain_text("https://")
    assert b.sw.evaluate("() => chrome.storage.local.get('apiBase')")["apiBase"] != address


def test_a_web_page_cannot_reach_the_extension(b, live_api):
    page = b.open(live_api + "/demo/try/order-list")
    page.wait_for_selector(".jdpg-row")
    reachable = page.evaluate("""id => new Promise(done => {
      if (!(window.chrome && chrome.runtime && chrome.runtime.sendMessage)) return done('no runtime');
      try { chrome.runtime.sendMessage(id, {type: 'jdpg/test-connection'}, r => done(r ? 'answered' : 'no answer')); }
      catch (e) { done('refused'); }
    })""", b.ext_id)
    assert reachable in ("no runtime", "refused", "no answer")
    # Nor read what the extension keeps: storage is not the page's.
    assert page.evaluate("() => Object.keys(localStorage).filter(k => /jdpg|apiKey/i.test(k))") == []


HOSTILE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_RESULTS = {
    "message": {"order_id": "1", "errors": [], "flags": [{"code": "SHIP_OVERDUE", "group": "ship", "severity": "violation",
                "rule": "SHIP-DEADLINE", "message": HOSTILE, "message_en": HOSTILE, "facts": {"paid_at": HOSTILE}}],
                "ship": {"status": "overdue", "deadline": "2022-06-20T10:00:00+08:00", "late_by_hours": 2, "rule": "SHIP-DEADLINE"}},
    "unknown-flag-and-fact": {"order_id": "1", "errors": [], "flags": [{"code": HOSTILE, "group": HOSTILE, "severity": HOSTILE,
                              "rule": HOSTILE, "message": "m", "facts": {HOSTILE: [HOSTILE, {"x": HOSTILE}]}}]},
    "money-and-deadline": {"order_id": "1", "errors": [], "deadlines": {HOSTILE: "2022-06-20T10:00:00+08:00"},
                           "compensation": {"total": HOSTILE, "items": [{"rule": HOSTILE, "amount": HOSTILE, "status": HOSTILE,
                                                                         "payer": HOSTILE, "message": HOSTILE}]}},
    "error-field": {"order_id": "1", "errors": [{"field": HOSTILE, "message": HOSTILE, "message_en": HOSTILE}]},
    "status-word": {"order_id": "1", "errors": [], "ship": {"status": HOSTILE, "deadline": "2022-06-20T10:00:00+08:00"}},
}


@pytest.mark.parametrize("result", list(HOSTILE_RESULTS.values()), ids=list(HOSTILE_RESULTS))
def test_markup_in_a_result_is_shown_as_text_never_parsed(live_api, ext, result):
    # The demo page loads the extension's own badge files into a plain page.
    page = ext.ctx.new_page()
    page.goto(live_api + "/")
    page.wait_for_selector("html[data-demo-state]")
    made = page.evaluate("""r => {
      const row = JdpgRender.buildBadgeRow(r, {lang: 'zh-en'});
      document.body.appendChild(row);
      row.querySelectorAll('.jdpg-badge').forEach(b => JdpgRender.explain(b));
      return {imgs: row.querySelectorAll('img').length, tags: [...new Set([...row.querySelectorAll('*')].map(e => e.tagName))],
              text: row.textContent};
    }""", result)
    page.wait_for_timeout(100)
    assert made["imgs"] == 0 and made["tags"] == ["SPAN"]
    assert page.evaluate("() => window.__pwned") is None
    assert HOSTILE in made["text"]  # said as it came, as text
    page.close()


# ---- one malformed lean result (its `words`) costs one badge's sentence, never the page ----------

MALFORMED_WORDS = {
    "null-param": lambda words: {**words, "params": {name: None for name in words.get("params") or {"x": 1}}},
    "list-not-a-list": lambda words: {**words, "params": {name: {"list": "abc", "sep": "phrases.sep"}
                                                          for name in words.get("params") or {"x": 1}}},
    "numeric-code": lambda words: {**words, "code": 42},
    "words-a-string": lambda words: "abc",
}
# Beyond its words: a result the badge files cannot render at all costs that order's row only.
UNRENDERABLE = {"errors-not-a-list": lambda result: {**result, "errors": 5}}


class CorruptingProxy(ServedInThread):
    """The real API behind a proxy that spoils the `words` of every flag and skip reason of the
    first result that has any, as a broken or hostile server would."""

    def __init__(self, upstream: str, spoil):
        self.upstream, self.spoil, self.spoilt = upstream, spoil, []
        self._serve(make_server("127.0.0.1", 0, self.app, threaded=True))
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def app(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        request = urllib.request.Request(self.upstream + environ["PATH_INFO"], data=body or None,
                                         method=environ["REQUEST_METHOD"],
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, data = answer.status, json.loads(answer.read())
        results = data.get("results", [])
        for i, result in enumerate(results):
            items = [*result.get("flags", []), *result.get("skipped_reasons", {}).values()]
            if any("words" in item for item in items):
                results[i] = self.spoil(result)
                self.spoilt.append(result["order_id"])
                break
        out = json.dumps(data).encode()
        start_response(f"{status} OK", [("Content-Type", "application/json"), ("Content-Length", str(len(out)))])
        return [out]


def spoil_words(spoil_one):
    def spoil(result):
        for item in [*result.get("flags", []), *result.get("skipped_reasons", {}).values()]:
            if "words" in item:
                item["words"] = spoil_one(item["words"])
        return result
    return spoil


SPOILERS = {**{name: spoil_words(one) for name, one in MALFORMED_WORDS.items()}, **UNRENDERABLE}


@pytest.mark.parametrize("spoil", list(SPOILERS.values()), ids=list(SPOILERS))
def test_one_malformed_lean_words_costs_one_badge_not_the_page(ext, live_api, spoil):
    with CorruptingProxy(live_api, spoil) as proxy:
        ext.configure(apiBase=proxy.url, asOf="2022-06-20T12:00:00+08:00")
        page = ext.open(ORDERS_URL)
        page.wait_for_function("['done', 'error'].includes(document.documentElement.dataset.jdpgState)")
        units = page.evaluate("""() => [...document.querySelectorAll('.card')].map(card => ({
          id: (card.querySelector('.shop-order-id') || {}).textContent,
          badges: [...card.querySelectorAll('.jdpg-row .jdpg-badge')].map(b => b.dataset.jdpgKind)}))""")
        assert page.evaluate("document.documentElement.dataset.jdpgState") == "done"
        assert len(proxy.spoilt) == 1
        assert len(units) > 3 and all(unit["badges"] for unit in units), units
        spoilt = [u for u in units if proxy.spoilt[0] in (u["id"] or "")]
        assert spoilt and spoilt[0]["badges"], units
        assert page.locator(".jdpg-bar").count() == 1
        assert page.problems == []
        page.close()
