"""The demo page at ``/``: a sample order list annotated live, with the extension's badge styles."""
from pathlib import Path

from flask import Blueprint, send_from_directory

HERE = Path(__file__).parent
EXTENSION_CONTENT = HERE.parent.parent / "extension" / "content"

bp = Blueprint("demo", __name__)


@bp.get("/")
def index():
    return send_from_directory(HERE / "static", "index.html")


@bp.get("/demo/sample-orders.json")
def sample_orders():
    return send_from_directory(HERE, "sample_orders.json")


@bp.get("/demo/ext/<path:name>")
def extension_asset(name):
    return send_from_directory(EXTENSION_CONTENT, name)


@bp.get("/demo/<path:name>")
def asset(name):
    return send_from_directory(HERE / "static", name)
