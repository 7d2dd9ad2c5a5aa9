"""One JSON error shape for every failure: ``{"error": {code, message, message_en, details}}``.

A value the client sent is echoed in an error only clipped (``clip``): a few dozen characters with
control characters escaped, so a 5 MB value or a forged line break never comes back or reaches a log.
"""
import logging
import re

from flask import g, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("jdpg.server")

_MESSAGES = {
    400: ("bad_request", "请求格式错误（需要 UTF-8 编码的 JSON）", "malformed request (UTF-8 JSON expected)"),
    401: ("unauthorized", "缺少或错误的 API 密钥", "missing or wrong API key"),
    403: ("forbidden", "不允许的来源", "origin not allowed"),
    404: ("not_found", "没有这个地址", "no such endpoint"),
    405: ("method_not_allowed", "不支持该请求方法", "method not allowed"),
    413: ("too_large", "请求体过大", "request body too large"),
    415: ("unsupported_media_type", "需要 application/json", "application/json expected"),
    422: ("invalid_request", "请求内容不符合要求", "the request does not validate"),
    429: ("rate_limited", "请求过于频繁，请稍后再试", "too many requests; slow down"),
}


ECHO_CHARS = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clip(value, limit: int = ECHO_CHARS) -> str:
    """``value`` as text fit to echo: at most ``limit`` characters (then "…"), control characters escaped."""
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an int over the digits Python prints
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[:limit] + "…"
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class ApiError(HTTPException):
    """An error the API raises on purpose, with its own code and bilingual message."""

    def __init__(self, status: int, code: str, message: str, message_en: str, details=None):
        super().__init__(description=message_en)
        self.code = status
        self.error_code = code
        self.message = message
        self.message_en = message_en
        self.details = details


def error_body(status, code, message, message_en, details=None):
    response = jsonify({"error": {"code": code, "message": message, "message_en": message_en, "details": details or {}}})
    response.status_code = status
    return response


def handle_http_exception(e: HTTPException):
    if isinstance(e, ApiError):
        return error_body(e.code, e.error_code, e.message, e.message_en, e.details)
    code, message, message_en = _MESSAGES.get(e.code, ("http_error", e.name, e.name))
    details = {}
    data = getattr(e, "data", None)
    if isinstance(data, dict) and "messages" in data:
        details = data["messages"].get("json", data["messages"])
    if e.code == 429:
        details = {"limit": str(getattr(e, "description", ""))}
    response = error_body(e.code, code, message, message_en, details)
    if e.code == 405 and getattr(e, "valid_methods", None):
        response.headers["Allow"] = ", ".join(e.valid_methods)
    return response


def handle_unexpected(e: Exception):
    request_id = getattr(g, "request_id", "-")
    log.exception("unexpected error, request_id=%s", request_id)
    response = jsonify({"error": {"code": "internal_error", "message": "服务器内部错误", "message_en": "internal server error",
                                  "request_id": request_id}})
    response.status_code = 500
    return response


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
