"""API keys, host names, origins, rate limits and request ids: the checks in front of every call.

- Keys (``Authorization: Bearer …`` or ``X-API-Key``) are compared in constant time. They are
  required whenever keys are configured, and always for a client that is not on loopback.
- Without keys the server is a loopback-only tool: it answers only requests addressed to a loopback
  host name (``localhost``, ``127.0.0.1``, ``[::1]``), so a web page whose name is re-pointed at
  127.0.0.1 (DNS rebinding) is refused, and it refuses requests that carry reverse-proxy headers,
  because behind a proxy on the same host every client would look like 127.0.0.1.
- Cross-origin browser calls are refused unless the origin is configured. The extension calls
  from its service worker (origin ``chrome-extension://…``), which needs no CORS headers.
- The rate limit counts per valid key, otherwise per client address: a made-up key never gets a
  counter of its own. ``JDPG_RATE_LIMIT_STORAGE`` (e.g. ``redis://…``) shares the counters between
  workers and machines; while that storage is unreachable each worker counts in its own memory and
  keeps serving (flask-limiter's in-memory fallback logs one warning when it switches over).
- ``X-Request-ID`` is taken only when it is a short safe token, otherwise one is made up.
- No cookies, no sessions; orders are never logged, only their count.
"""
import hashlib
import hmac
import logging
import re
import sys
import time
import uuid

from flask import g, request
from flask_cors import CORS
from flask_limiter import Limiter
from werkzeug.exceptions import RequestEntityTooLarge

from .config import is_loopback
from .errors import ApiError, clip

log = logging.getLogger("jdpg.server")

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HOST = re.compile(r"(?P<name>localhost|[0-9.]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?", re.ASCII)
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host", "X-Forwarded-Proto")
STORAGE_TIMEOUT_SECONDS = 0.5


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


def client_address() -> str:
    """The socket peer, with an IPv4-mapped IPv6 address written as its IPv4."""
    address = request.remote_addr or ""
    if address.startswith("::ffff:") and "." in address:
        return address[7:]
    return address


def request_id() -> str:
    presented = request.headers.get("X-Request-ID", "")
    return presented if REQUEST_ID.fullmatch(presented) else uuid.uuid4().hex


def _loopback_host(host: str) -> bool:
    """``Host`` names a loopback interface: localhost, 127.x.y.z or [::1] (any case, optional port)."""
    match = _HOST.fullmatch(host.lower())
    return match is not None and is_loopback(match["name"].strip("[]"))


def _origin_allowed(origin: str, settings) -> bool:
    if origin.startswith("chrome-extension://") or origin in settings.allowed_origins:
        return True
    return origin == request.host_url.rstrip("/")


def _storage_options(uri: str) -> dict:
    """Short socket timeouts, so that an unreachable Redis costs a request half a second, not a hang."""
    if uri.startswith("memory://"):
        return {}
    return {"socket_connect_timeout": STORAGE_TIMEOUT_SECONDS, "socket_timeout": STORAGE_TIMEOUT_SECONDS}


def _ensure_log_handler() -> None:
    """Our request lines (INFO) and flask-limiter's warnings (its switch to the in-memory counters
    while Redis is down) need a handler when the process set none: gunicorn configures only its
    own loggers, and flask-limiter gives its logger a NullHandler, so under gunicorn both went
    nowhere. Gunicorn's error log is used when it has one."""
    handlers = None
    for logger in (log, logging.getLogger("flask-limiter")):
        if _has_real_handler(logger):
            continue
        if handlers is None:
            handlers = logging.getLogger("gunicorn.error").handlers
            if not handlers:
                handler = logging.StreamHandler(sys.stderr)
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
                handlers = [handler]
        for handler in handlers:
            logger.addHandler(handler)


def _has_real_handler(logger) -> bool:
    """A handler other than a NullHandler on ``logger`` or an ancestor it propagates to."""
    while logger is not None:
        if any(not isinstance(h, logging.NullHandler) for h in logger.handlers):
            return True
        logger = logger.parent if logger.propagate else None
    return False


def _refuse_unless_loopback_host(settings) -> None:
    """Without keys: loopback host names only, and no reverse proxy in front."""
    if settings.api_keys:
        return
    if not _loopback_host(request.host):
        raise ApiError(421, "host_not_allowed",
                       f"未设置 JDPG_API_KEYS 时只接受本机地址（localhost、127.0.0.1、[::1]），收到 Host {clip(request.host)}",
                       "without JDPG_API_KEYS only loopback host names (localhost, 127.0.0.1, [::1]) are served, "
                       f"got Host {clip(request.host)}", {"host": clip(request.host)})
    forwarded = [name for name in PROXY_HEADERS if name in request.headers]
    if forwarded:
        raise ApiError(403, "proxy_needs_keys",
                       f"请求经过反向代理（{', '.join(forwarded)}）：请设置 JDPG_API_KEYS，否则所有客户端都像是本机",
                       f"the request came through a reverse proxy ({', '.join(forwarded)}): set JDPG_API_KEYS, "
                       "otherwise every client looks like this machine", {"headers": forwarded})


def _refuse_oversized_stream() -> None:
    """A body sent without Content-Length (chunked) is cut by Werkzeug at the size limit without an
    error; a body that still goes on past the limit is refused here, never answered from its start."""
    limit = request.max_content_length
    if request.content_length is not None or limit is None:
        return
    data = request.get_data(cache=True)
    if len(data) >= limit and request.input_stream.read(1):
        raise RequestEntityTooLarge()


def init_app(app, settings) -> None:
    _ensure_log_handler()
    CORS(app, resources={r"/api/*": {"origins": list(settings.allowed_origins)}},
         allow_headers=["Content-Type", "Authorization", "X-API-Key"], supports_credentials=False)

    def rate_limit_key() -> str:
        if settings.api_keys:
            key = presented_key()
            if _key_ok(key, settings.api_keys):
                return "key:" + hashlib.sha256(key.encode()).hexdigest()[:32]
        return "addr:" + client_address()

    Limiter(key_func=rate_limit_key, app=app, default_limits=[settings.rate_limit], key_prefix="jdpg",
            storage_uri=settings.rate_limit_storage, storage_options=_storage_options(settings.rate_limit_storage),
            in_memory_fallback_enabled=True, swallow_errors=True, headers_enabled=True,
            default_limits_exempt_when=lambda: not request.path.startswith("/api/"))

    @app.before_request
    def guard():
        g.request_id = request_id()
        g.started = time.perf_counter()
        _refuse_unless_loopback_host(settings)
        if not request.path.startswith("/api/"):
            return None
        origin = request.headers.get("Origin")
        if origin and not _origin_allowed(origin, settings):
            raise ApiError(403, "origin_not_allowed", f"不允许来自 {clip(origin)} 的跨域请求",
                           f"cross-origin calls from {clip(origin)} are not allowed", {"origin": clip(origin)})
        if request.method == "OPTIONS":
            return None
        accepts_post = request.url_rule is not None and "POST" in request.url_rule.methods
        if request.method == "POST" and accepts_post and not request.is_json:
            raise ApiError(415, "unsupported_media_type", "请求体需为 JSON（Content-Type: application/json）",
                           "the body must be JSON (Content-Type: application/json)")
        if settings.api_keys or not is_loopback(client_address()):
            if not _key_ok(presented_key(), settings.api_keys):
                raise ApiError(401, "unauthorized", "缺少或错误的 API 密钥（Authorization: Bearer … 或 X-API-Key）",
                               "missing or wrong API key (Authorization: Bearer … or X-API-Key)")
        if request.method == "POST":
            _refuse_oversized_stream()
        return None

    @app.after_request
    def finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        response.headers.setdefault("Cache-Control", "no-store")
        if request.path.startswith("/api/"):
            log.info("%s %s %s %.1fms orders=%s request_id=%s", request.method, clip(request.path), response.status_code,
                     (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, g.get("order_count", "-"),
                     g.get("request_id", "-"))
        return response
