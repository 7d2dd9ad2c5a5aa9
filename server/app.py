"""The API application: ``create_app()`` binds the rules core to Flask."""
import logging

import orjson
import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask.json.provider import JSONProvider
from flask_smorest import Api

from shared import default_engine

from . import errors, security
from .config import Settings
from .schemas import ApiErrorSchema


class OrjsonProvider(JSONProvider):
    """Request bodies parsed by orjson: fast, and strict about UTF-8."""

    def dumps(self, obj, **kwargs):
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)


class JdpgApi(Api):
    """flask-smorest, documenting our one error shape as every operation's default response."""

    ERROR_SCHEMA = ApiErrorSchema


def create_app(settings: Settings | None = None, watch_settings=None) -> Flask:
    """``watch_settings``: where the watch's store is (default: from the environment, ``watch.settings``)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="JD Promo Guard API", API_VERSION="1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs", OPENAPI_SWAGGER_UI_URL="/api/v1/docs-assets/",
    )
    app.extensions["jdpg.settings"] = settings
    engine = default_engine(settings.campaign_dir) if settings.campaign_dir else default_engine()
    app.extensions["jdpg.engine"] = engine
    logging.getLogger("jdpg.server").setLevel(logging.INFO)

    api = JdpgApi(app)
    from .api import catalog, orders, rows, stores, watch
    for blp in (orders.blp, rows.blp, stores.blp, catalog.blp, catalog.health_blp, watch.blp):
        api.register_blueprint(blp)
    watch.init_app(app, watch_settings)
    app.register_blueprint(watch.callback_bp)
    from .demo import bp as demo_bp
    app.register_blueprint(demo_bp)

    @app.get("/api/v1/docs-assets/<path:name>")
    def docs_assets(name):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, name)

    security.init_app(app, settings)
    errors.init_app(app)
    return app
