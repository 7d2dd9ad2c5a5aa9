"""The demo page at ``/``: a sample order list annotated live, with the extension's badge styles."""
import json
from functools import cache
from html import escape
from pathlib import Path

from flask import Blueprint, Response, send_from_directory

HERE = Path(__file__).parent
# An installed wheel carries the extension files the page uses (pyproject.toml's force-include);
# a checkout serves them from the repository's extension/ folder.
_PACKAGED = HERE / "extension"
EXTENSION_DIR = _PACKAGED if _PACKAGED.is_dir() else HERE.parent.parent / "extension"
EXTENSION_CONTENT = EXTENSION_DIR / "content"
EXTENSION_COMMON = EXTENSION_DIR / "common"
# The content script that reads the page and talks to the service worker: the demo page renders
# its own orders, so it loads every content script but this one.
PAGE_READER_ENTRY = "content/main.js"
SCRIPTS_MARK = "<!-- the extension's content scripts, in the manifest's order -->"

bp = Blueprint("demo", __name__)


def extension_script_urls() -> list[str]:
    """The demo's URLs of the extension's content scripts, in the order manifest.json loads them
    (the one place that order is written)."""
    manifest = json.loads((EXTENSION_DIR / "manifest.json").read_text(encoding="utf-8"))
    names = [name for block in manifest["content_scripts"] for name in block["js"]]
    return [f"/demo/ext/{name.removeprefix('content/')}" for name in names if name != PAGE_READER_ENTRY]


@cache
def _index_html() -> str:
    page = (HERE / "static" / "index.html").read_text(encoding="utf-8")
    tags = "\n    ".join(f'<script src="{escape(url)}"></script>' for url in extension_script_urls())
    if SCRIPTS_MARK not in page:
        raise RuntimeError(f"index.html lacks the mark {SCRIPTS_MARK!r}")
    return page.replace(SCRIPTS_MARK, tags)


@bp.get("/")
def index():
    return Response(_index_html(), mimetype="text/html")


@bp.get("/demo/try/order-list")
def try_order_list():
    """Try-it mode: the sample orders as a JD-like order list the extension reads (extension/README.md)."""
    return send_from_directory(HERE / "static", "try-order-list.html")


@bp.get("/demo/watch")
def watch_page():
    """The watched shops and their open orders (GET /api/v1/watch/…); ``./run`` fills it with a demo shop."""
    return send_from_directory(HERE / "static", "watch.html")


@bp.get("/demo/rules")
def rules_page():
    """The rule catalog (GET /api/v1/rules) as a page a merchant can read."""
    return send_from_directory(HERE / "static", "rules.html")


@bp.get("/demo/sample-orders.json")
def sample_orders():
    return send_from_directory(HERE, "sample_orders.json")


@bp.get("/demo/ext/<path:name>")
def extension_asset(name):
    return send_from_directory(EXTENSION_CONTENT, name)


@bp.get("/demo/ext/common/<path:name>")
def extension_common_asset(name):
    return send_from_directory(EXTENSION_COMMON, name)


@bp.get("/demo/<path:name>")
def asset(name):
    return send_from_directory(HERE / "static", name)
