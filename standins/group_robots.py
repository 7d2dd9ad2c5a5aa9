"""Local stand-ins of the WeCom (企业微信) and DingTalk (钉钉) group robot webhooks, over real HTTP.

Built from their public documentation: WeCom ``POST /cgi-bin/webhook/send?key=KEY`` takes
``{"msgtype": "markdown", "markdown": {"content": …}}`` (content at most 4,096 bytes); DingTalk
``POST /robot/send?access_token=TOKEN[&timestamp=…&sign=…]`` takes ``{"msgtype": "markdown",
"markdown": {"title": …, "text": …}}``, and with 加签 a ``sign`` that is the Base64 HMAC-SHA256 of
``timestamp + "\\n" + secret`` and a millisecond ``timestamp`` within an hour of now. Both answer
``{"errcode": 0, "errmsg": "ok"}``, or an errcode with errmsg when they refuse (the codes and
messages are the ones the services are documented and reported to send). ``mode`` makes a stand-in
misbehave: ``"errcode"``, ``"http500"``, ``"slow"`` (answers after ``slow_seconds``), ``"not-json"``.
"""
import base64
import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .serving import ServedInThread

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "e9a8118c8a3dc0000000000000000000000000000685fab41df25b9dc865fd74"
DINGTALK_SECRET = "SEC10d6e79b42bd94be0d0d603843651aa2ccd7186db6edbc0000000000000cf421cd"


class Robot(ServedInThread):
    """One stand-in robot on 127.0.0.1; ``messages`` holds every message it accepted."""

    def __init__(self, kind: str, secret: str | None = None):
        self.kind = kind
        self.secret = secret
        self.mode = "ok"
        self.slow_seconds = 3.0
        self.messages = []
        self.requests = 0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                robot.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                status, answer = robot.answer(self.path, self.headers.get("Content-Type", ""), self.rfile.read(length))
                if robot.mode == "slow":
                    time.sleep(robot.slow_seconds)
                body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if status == 200 else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self.server.server_port}"
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
        return 200, self._dingtalk(parts.path, query, message)

    def _wecom(self, path, query, message) -> dict:
        if path != "/cgi-bin/webhook/send" or query.get("key") != [WECOM_KEY]:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        if set(message) != {"msgtype", "markdown"} or message["msgtype"] != "markdown":
            return {"errcode": 40008, "errmsg": "invalid message type"}
        if set(message["markdown"]) != {"content"} or not isinstance(message["markdown"]["content"], str):
            return {"errcode": 44004, "errmsg": "markdown.content is empty or invalid"}
        content = message["markdown"]["content"]
        if not content:
            return {"errcode": 44004, "errmsg": "markdown.content is empty"}
        if len(content.encode("utf-8")) > 4096:
            return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
        self.messages.append(message)
        return {"errcode": 0, "errmsg": "ok"}

    def _dingtalk(self, path, query, message) -> dict:
        if path != "/robot/send" or query.get("access_token") != [DINGTALK_TOKEN]:
            return {"errcode": 300001, "errmsg": "token is not exist"}
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
