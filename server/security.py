"""API keys, origins, rate limits and request ids: the checks in front of every ``/api/`` call.

- Keys (``Authorization: Bearer …`` or ``X-API-Key``) are compared in constant time. They are
  required whenever keys are configured, and always for a client that is not on loopback.
- Cross-origin browser calls are refused unless the origin is configured. The extension calls
  from its service worker (origin ``chrome-extension://…``), which needs no CORS headers.
- No cookies, no sessions; orders are never logged, only their count.
"""
import hmac
import logging
import time
import uuid

from flask import g, request
from flask_cors import CORS
from flask_limiter import Limiter

from .config import is_loopback
from .errors import ApiError

log = logging.getLogger("jdpg.server")


def presented_key() -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("X-API-Key")


def _key_ok(key: str | None, keys) -> bool:
    if not key:
        return False
    matched = False
    for expected in keys:
        matched |= hmac.compare_digest(key.encode(), expected.encode())
    return matched


def rate_limit_key() -> str:
    key = presented_key()
    return f"key:{key}" if key else f"addr:{request.remote_addr}"


def _origin_allowed(origin: str, settings) -> bool:
    if origin.startswith("chrome-extension://") or origin in settings.allowed_origins:
        return True
    return origin == request.host_url.rstrip("/")


def init_app(app, settings) -> None:
    CORS(app, resources={r"/api/*": {"origins": list(settings.allowed_origins)}},
         allow_headers=["Content-Type", "Authorization", "X-API-Key"], supports_credentials=False)
    Limiter(key_func=rate_limit_key, app=app, default_limits=[settings.rate_limit], storage_uri="memory://",
            headers_enabled=True, default_limits_exempt_when=lambda: not request.path.startswith("/api/"))

    @app.before_request
    def guard():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        g.started = time.perf_counter()
        if not request.path.startswith("/api/"):
            return None
        origin = request.headers.get("Origin")
        if origin and not _origin_allowed(origin, settings):
            raise ApiError(403, "origin_not_allowed", f"不允许来自 {origin} 的跨域请求", f"cross-origin calls from {origin} are not allowed",
                           {"origin": origin})
        if request.method == "OPTIONS":
            return None
        accepts_post = request.url_rule is not None and "POST" in request.url_rule.methods
        if request.method == "POST" and accepts_post and not request.is_json:
            raise ApiError(415, "unsupported_media_type", "请求体需为 JSON（Content-Type: application/json）",
                           "the body must be JSON (Content-Type: application/json)")
        if settings.api_keys or not is_loopback(request.remote_addr or ""):
            if not _key_ok(presented_key(), settings.api_keys):
                raise ApiError(401, "unauthorized", "缺少或错误的 API 密钥（Authorization: Bearer … 或 X-API-Key）",
                               "missing or wrong API key (Authorization: Bearer … or X-API-Key)")
        return None

    @app.after_request
    def finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        response.headers.setdefault("Cache-Control", "no-store")
        if request.path.startswith("/api/"):
            log.info("%s %s %s %.1fms orders=%s request_id=%s", request.method, request.path, response.status_code,
                     (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, g.get("order_count", "-"),
                     g.get("request_id", "-"))
        return response
