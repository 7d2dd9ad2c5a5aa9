"""The demo page at ``/``: a sample order list annotated live, with the extension's badge styles."""
from pathlib import Path

from flask import Blueprint, send_from_directory

HERE = Path(__file__).parent
# An installed wheel carries the extension files the page uses (pyproject.toml's force-include);
# a checkout serves them from the repository's extension/ folder.
_PACKAGED = HERE / "extension"
EXTENSION_DIR = _PACKAGED if _PACKAGED.is_dir() else HERE.parent.parent / "extension"
EXTENSION_CONTENT = EXTENSION_DIR / "content"
EXTENSION_COMMON = EXTENSION_DIR / "common"

bp = Blueprint("demo", __name__)


@bp.get("/")
def index():
    return send_from_directory(HERE / "static", "index.html")


@bp.get("/demo/try/order-list")
def try_order_list():
    """Try-it mode: the sample orders as a JD-like order list the extension reads (extension/README.md)."""
    return send_from_directory(HERE / "static", "try-order-list.html")


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
