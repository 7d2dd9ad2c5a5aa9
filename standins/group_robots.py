"""Local stand-ins of the WeCom (企业微信) and DingTalk (钉钉) group robot webhooks, over real HTTP.

Built from their public documentation (WeCom api doc 91770, DingTalk 自定义机器人) and the answers
the services are reported to send (dromara/domain-admin#82, feiyu563/PrometheusAlert#318,
ccfos/nightingale#369):

- WeCom ``POST /cgi-bin/webhook/send?key=KEY`` takes ``{"msgtype": "markdown", "markdown":
  {"content": …}}``; content over 4,096 bytes of UTF-8 is errcode 40058.
- DingTalk ``POST /robot/send?access_token=TOKEN[&timestamp=…&sign=…]`` takes ``{"msgtype":
  "markdown", "markdown": {"title": …, "text": …}}``; a request body over 20,000 bytes (as sent: JSON
  with ``\\uXXXX`` escapes counts 6 bytes a Chinese character) is errcode 460101. With 加签, ``sign``
  is the Base64 HMAC-SHA256 of ``timestamp + "\\n" + secret`` and ``timestamp`` (ms) within an hour.
- Both take 20 messages a minute per robot (every request with a valid key counts); the 21st is
  WeCom's 45009, DingTalk's 130101, and DingTalk then refuses everything for 10 minutes.

Both answer ``{"errcode": 0, "errmsg": "ok"}`` or the errcode with its errmsg. ``clock`` (monotonic
seconds) can be moved by a test to see the minute and the block pass. ``mode`` makes a stand-in
misbehave: ``"errcode"``, ``"http500"``, ``"slow"`` (answers after ``slow_seconds``), ``"not-json"``,
``"trickle"`` (answers one byte every ``slow_seconds``).
"""
import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .serving import ServedInThread

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "e9a8118c8a3dc0000000000000000000000000000685fab41df25b9dc865fd74"
DINGTALK_SECRET = "SEC10d6e79b42bd94be0d0d603843651aa2ccd7186db6edbc0000000000000cf421cd"
WECOM_MARKDOWN_BYTES = 4096
DINGTALK_BODY_BYTES = 20000
RATE_MESSAGES = 20
RATE_WINDOW_S = 60.0
DINGTALK_BLOCK_S = 600.0
_WECOM_HINT = ", hint: [1704540159128593240839785], from ip: 127.0.0.1, more info at " \
              "https://open.work.weixin.qq.com/devtool/query?e={code}"


class Robot(ServedInThread):
    """One stand-in robot on 127.0.0.1 (or ``host``; over HTTPS with ``tls``, a server-side SSL context, for
    clients on other hosts, which must use https://); ``messages`` holds every message it accepted."""

    def __init__(self, kind: str, secret: str | None = None, host: str = "127.0.0.1", tls=None):
        self.kind = kind
        self.host = host
        self.tls = tls
        self.secret = secret
        self.mode = "ok"
        self.slow_seconds = 3.0
        self.messages = []
        self.requests = 0
        self.refusals = []  # (errcode, errmsg) of every refusal, in order
        self.clock = time.monotonic
        self._counted = deque()
        self._blocked_until = None
        self._lock = threading.Lock()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                robot.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                with robot._lock:
                    status, answer = robot.answer(self.path, self.headers.get("Content-Type", ""),
                                                  self.rfile.read(length))
                if isinstance(answer, dict) and answer["errcode"]:
                    robot.refusals.append((answer["errcode"], answer["errmsg"]))
                if robot.mode == "slow":
                    time.sleep(robot.slow_seconds)
                body = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
                content_type = "application/json; charset=utf-8" if status == 200 else "text/html"
                if robot.mode == "trickle":
                    self._trickle(status, content_type, body)
                    return
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (a slow answer past its deadline)
                    self.close_connection = True

            def _trickle(self, status, content_type, body):
                """The whole answer, status line first, one byte every ``slow_seconds``."""
                self.close_connection = True
                raw = (f"HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\n"
                       f"Content-Length: {len(body)}\r\n\r\n").encode() + body
                try:
                    for i in range(len(raw)):
                        self.wfile.write(raw[i:i + 1])
                        self.wfile.flush()
                        time.sleep(robot.slow_seconds)
                except OSError:  # the client gave up
                    pass

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer((host, 0), Handler)
        if tls:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        self._serve(server)

    @property
    def url(self) -> str:
        base = f"{'https' if self.tls else 'http'}://{self.host}:{self.server.server_port}"
        if self.kind == "wecom":
            return f"{base}/cgi-bin/webhook/send?key={WECOM_KEY}"
        return f"{base}/robot/send?access_token={DINGTALK_TOKEN}"

    def answer(self, path: str, content_type: str, raw: bytes):
        if self.mode == "http500":
            return 500, b"<html>502 Bad Gateway</html>"
        if self.mode == "not-json":
            return 200, b"<html>ok</html>"
        if self.mode == "errcode":
            return 200, ({"errcode": 45009, "errmsg": "api freq out of limit"} if self.kind == "wecom" else
                         {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        if not content_type.startswith("application/json"):
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        try:
            message = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 200, {"errcode": 40008 if self.kind == "wecom" else 300001, "errmsg": "invalid json"}
        if self.kind == "wecom":
            return 200, self._wecom(parts.path, query, message)
        return 200, self._dingtalk(parts.path, query, message, len(raw))

    def _over_rate(self) -> bool:
        """Counts this request; True when it is past 20 in the last minute (or DingTalk's block is on)."""
        now = self.clock()
        if self._blocked_until is not None and now < self._blocked_until:
            return True
        while self._counted and self._counted[0] <= now - RATE_WINDOW_S:
            self._counted.popleft()
        if len(self._counted) >= RATE_MESSAGES:
            if self.kind == "dingtalk":
                self._blocked_until = now + DINGTALK_BLOCK_S
            return True
        self._counted.append(now)
        return False

    def _wecom(self, path, query, message) -> dict:
        if path != "/cgi-bin/webhook/send" or query.get("key") != [WECOM_KEY]:
            return {"errcode": 93000, "errmsg": "invalid webhook url" + _WECOM_HINT.format(code=93000)}
        if self._over_rate():
            return {"errcode": 45009, "errmsg": "api freq out of limit" + _WECOM_HINT.format(code=45009)}
        if set(message) != {"msgtype", "markdown"} or message["msgtype"] != "markdown":
            return {"errcode": 40008, "errmsg": "invalid message type"}
        if set(message["markdown"]) != {"content"} or not isinstance(message["markdown"]["content"], str):
            return {"errcode": 44004, "errmsg": "markdown.content is empty or invalid"}
        content = message["markdown"]["content"]
        if not content:
            return {"errcode": 44004, "errmsg": "markdown.content is empty"}
        if len(content.encode("utf-8")) > WECOM_MARKDOWN_BYTES:
            return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096. invalid Request Parameter"
                                                + _WECOM_HINT.format(code=40058)}
        self.messages.append(message)
        return {"errcode": 0, "errmsg": "ok"}

    def _dingtalk(self, path, query, message, body_bytes: int) -> dict:
        if path != "/robot/send" or query.get("access_token") != [DINGTALK_TOKEN]:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        if self._over_rate():
            return {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
        if body_bytes > DINGTALK_BODY_BYTES:
            return {"errcode": 460101, "errmsg": "description: body 大小不合法;solution:请保持大小在 20000bytes 以内;"}
        if self.secret:
            try:
                timestamp = int(query["timestamp"][0])
                sign = query["sign"][0]
            except (KeyError, ValueError, IndexError):
                return {"errcode": 310000, "errmsg": "sign not match"}
            if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
                return {"errcode": 310000, "errmsg": "invalid timestamp"}
            expected = base64.b64encode(hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(),
                                                 hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(sign, expected):
                return {"errcode": 310000, "errmsg": "sign not match"}
        if set(message) != {"msgtype", "markdown"} or message["msgtype"] != "markdown":
            return {"errcode": 40035, "errmsg": "缺少参数 msgtype"}
        markdown = message["markdown"]
        if set(markdown) != {"title", "text"} or not all(isinstance(v, str) and v for v in markdown.values()):
            return {"errcode": 40035, "errmsg": "缺少参数 markdown.title 或 markdown.text"}
        self.messages.append(message)
        return {"errcode": 0, "errmsg": "ok"}
