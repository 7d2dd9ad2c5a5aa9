"""The one client for WeCom (企业微信群机器人) and DingTalk (钉钉自定义机器人) group robots.

Used by ``jdpg digest`` and the watch. Nothing here prints; every failure is a ``RobotError`` with
a code and a sentence in Chinese and English, and the webhook's key never appears in one.

The robots' published limits (WeCom api doc 91770; DingTalk 自定义机器人 docs; errcodes as the services
send them, e.g. dromara/domain-admin#82, feiyu563/PrometheusAlert#318, ccfos/nightingale#369):

- WeCom ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`` takes
  ``{"msgtype": "markdown", "markdown": {"content": …}}``; the content is at most 4,096 bytes of UTF-8
  (errcode 40058); 20 messages a minute per robot (errcode 45009).
- DingTalk ``POST https://oapi.dingtalk.com/robot/send?access_token=…`` takes
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; the request body is at most 20,000
  bytes (errcode 460101), so it is sent as UTF-8 JSON (``\\uXXXX`` escapes would double the size of
  Chinese text); 20 messages a minute, and a robot that goes over is blocked for 10 minutes (errcode
  130101). With 加签 the URL carries ``timestamp`` (ms) and ``sign``: Base64 of HMAC-SHA256 of
  ``timestamp + "\\n" + secret`` keyed by the secret.

``send`` never goes over the rate: it waits for a free slot when the deadline allows, else it stops
and says how long until the next one; the counts are shared by every process on the machine
(``shared_rate``: ``JDPG_DATA_DIR/robots``), so a cron'd digest and the watch add up. The deadline
bounds the whole send (connecting, every byte of every answer, waits), so a robot that answers one
byte a second cannot hold it. The HTTP client connects to exactly the host ``robot()`` checked (one
parse of the URL, used for both).
"""
import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import math
import os
import re
import socket
import ssl
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import urlencode, urlsplit

try:
    import fcntl
except ImportError:  # Windows: the counts stay in each process
    fcntl = None

KINDS = {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk"}
NAMES = {"wecom": ("企业微信", "WeCom"), "dingtalk": ("钉钉", "DingTalk")}
WECOM_MARKDOWN_BYTES = 4096
DINGTALK_BODY_BYTES = 20000
RATE_MESSAGES = 20
RATE_WINDOW_S = 60.0
# Added to the window: the robot counts a message when it arrives, we when its answer is back;
# a second more covers clocks and the network.
RATE_MARGIN_S = 1.0
# How long a robot refuses everything after it says "too fast": DingTalk documents 10 minutes;
# WeCom documents none, so the rest of the minute.
BLOCKED_S = {"wecom": RATE_WINDOW_S, "dingtalk": 600.0}
RATE_ERRCODES = {"wecom": (45009,), "dingtalk": (130101, 410100)}
MAX_URL_CHARS = 2048
MAX_ANSWER_BYTES = 64 * 1024
MAX_ERRMSG_CHARS = 300


class RobotError(Exception):
    """A refusal or failure, said in both languages. ``code`` is ours (``bad_url``, ``rate_limited``,
    ``no_answer``, ``refused``…); ``errcode`` the robot's, when it gave one. ``maybe_delivered``:
    the robot may have taken the message though no answer came back."""

    def __init__(self, code: str, message: str, message_en: str, *, errcode=None, maybe_delivered: bool = False):
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en
        self.errcode = errcode
        self.maybe_delivered = maybe_delivered


@dataclass(frozen=True)
class Robot:
    """A checked webhook: build it with ``robot()``. Its URL and secret are left out of ``repr``."""

    kind: str
    scheme: str
    host: str
    port: int
    target: str = field(repr=False)  # path and query, as sent
    secret: str | None = field(default=None, repr=False)

    @property
    def name(self) -> tuple[str, str]:
        return NAMES[self.kind]

    @property
    def where(self) -> str:
        """The webhook without its query (which holds the key): safe to print."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.target.split('?', 1)[0]}"

    @property
    def key(self) -> str:
        """Names the robot for rate counting without holding its key."""
        return hashlib.sha256(f"{self.kind} {self.host} {self.port} {self.target}".encode()).hexdigest()[:24]


def kind_of(url: str) -> str | None:
    """``wecom`` or ``dingtalk`` from the webhook's host, None when the host is neither."""
    try:
        return KINDS.get((urlsplit(url).hostname or "").lower())
    except ValueError:
        return None


_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}")
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def robot(url: str, *, kind: str | None = None, secret: str | None = None) -> Robot:
    """Check a webhook URL and make the ``Robot`` that ``send`` posts to.

    https, or plain http to this machine only (the URL carries the robot's key). Refused: spaces,
    control characters and ``\\`` anywhere; user info (``@``) in the authority; a host that is not a
    plain name or IP address. ``kind`` defaults to the host's (``kind_of``)."""
    def bad(zh: str, en: str) -> RobotError:
        return RobotError("bad_url", f"Webhook 地址不可用：{zh}", f"the webhook URL cannot be used: {en}")

    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        raise bad(f"应为不超过 {MAX_URL_CHARS} 个字符的网址", f"it must be a web address of at most {MAX_URL_CHARS} characters")
    if _UNSAFE.search(url):
        raise bad("含有空格、控制字符或反斜杠 \\", "it holds a space, a control character or a backslash")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise bad("无法解析", "it cannot be parsed") from None
    if "@" in parts.netloc:
        raise bad("主机部分含有 @（用户信息），会被发往另一台主机", "its host part holds @ (user info), which sends it elsewhere")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise bad("端口号无效", "its port is not valid") from None
    if not host:
        raise bad("缺少主机名", "it has no host")
    if not (_HOST.fullmatch(host) or _ip(host)):
        raise bad("主机名只能含字母、数字、点和连字符", "its host may hold only letters, digits, dots and hyphens")
    if parts.scheme == "http" and not _is_loopback(host):
        raise bad("必须是 https://（本机测试可用 http://127.0.0.1）", "it must be https:// (http:// only to this machine, "
                  "for tests)")
    if parts.scheme not in ("https", "http"):
        raise bad("必须是 https://", "it must be https://")
    kind = kind or KINDS.get(host.lower())
    if kind not in NAMES:
        raise RobotError("unknown_kind", "无法从地址判断机器人类型（企业微信 wecom 或钉钉 dingtalk）",
                         "cannot tell the robot from the host: WeCom (wecom) or DingTalk (dingtalk)")
    if secret is not None and kind != "dingtalk":
        raise RobotError("bad_secret", "加签密钥只用于钉钉机器人", "a signing secret is for DingTalk robots only")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Robot(kind, parts.scheme, host.lower(), port or (443 if parts.scheme == "https" else 80), target,
                 secret or None)


def _ip(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    address = _ip(host)
    return address is not None and address.is_loopback


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: Base64 of HMAC-SHA256(secret, f"{timestamp}\\n{secret}"), before URL encoding."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# ---- markdown building blocks ---------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """One robot message: ``title`` (DingTalk's notification line; WeCom has none) and markdown ``text``."""

    title: str
    text: str


# ASCII punctuation as its full-width form (U+FF01…U+FF5E): no markup, link, mention or entity can
# be made of it. The robots' markdown documents no escape character. Kept: the hyphen (order ids).
_FULL_WIDTH = {c: chr(c - 0x21 + 0xFF01) for c in range(0x21, 0x7F) if chr(c) in r"""!"#$%&'()*+,./:;<=>?@[\]^_`{|}~"""}


def plain(text, limit: int = 64) -> str:
    """Merchant text (an order id, a file name) as plain text in a message: ASCII punctuation full-width
    (so ``__x__``, ``~~x~~``, ``<font>``, ``&lt;``, ``@all``, ``[a](b)`` and bare URLs stay text),
    control and format characters dropped, line breaks as spaces, at most ``limit`` characters."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    out = []
    for ch in text:
        if ch in "\r\n\t":
            out.append(" ")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or _is_format(ch):
            continue
        else:
            out.append(ch)
    return "".join(out).translate(_FULL_WIDTH)


def _is_format(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Co", "Cs")


def bold(text: str) -> str:
    return f"**{text}**"


def warn(kind: str, text: str) -> str:
    """Text to notice: WeCom's warning colour, bold on DingTalk (which has no colours)."""
    return f'<font color="warning">{text}</font>' if kind == "wecom" else bold(text)


def quote(text: str) -> str:
    return f"> {text}"


def heading(text: str, level: int = 3) -> str:
    return f"{'#' * level} {text}"


# ---- sizes and splitting --------------------------------------------------------------------------

def payload(kind: str, message: Message) -> dict:
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": message.text}}
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.text}}


def body(kind: str, message: Message) -> bytes:
    """The request body as sent: UTF-8 JSON, Chinese as itself (3 bytes a character, not 12)."""
    return json.dumps(payload(kind, message), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def size(kind: str, message: Message) -> int:
    """What the robot measures against ``limit(kind)``: WeCom the content's bytes, DingTalk the body's."""
    return len(message.text.encode("utf-8")) if kind == "wecom" else len(body(kind, message))


def limit(kind: str) -> int:
    return WECOM_MARKDOWN_BYTES if kind == "wecom" else DINGTALK_BODY_BYTES


def _line_cost(kind: str, line: str) -> int:
    if kind == "wecom":
        return len(line.encode("utf-8"))
    return len(json.dumps(line, ensure_ascii=False).encode("utf-8")) - 2


class _Draft:
    """A message being filled: its size kept as lines are added (``size`` of the joined text)."""

    def __init__(self, kind: str, title: str, lines: Sequence[str] = ()):
        self.kind, self.title, self.lines = kind, title, []
        self.used = size(kind, Message(title, ""))
        self.newline = _line_cost(kind, "\n")
        for line in lines:
            self.add(line)

    def cost(self, lines: Sequence[str]) -> int:
        extra = sum(_line_cost(self.kind, line) for line in lines)
        joins = len(lines) - (0 if self.lines else 1) if lines else 0
        return extra + joins * self.newline

    def fits(self, lines: Sequence[str]) -> bool:
        return self.used + self.cost(lines) <= limit(self.kind)

    def add(self, line: str) -> None:
        self.used += self.cost([line])
        self.lines.append(line)

    def message(self) -> Message:
        return Message(self.title, "\n".join(self.lines))


@dataclass(frozen=True)
class Section:
    """A list in a message: a heading, its lines, and how to say what is not listed.

    ``more`` is a (Chinese, English) pair of templates with ``{n}``; ``hidden`` counts lines left out
    before packing (e.g. orders not kept), said in the same "more" line."""

    heading: str
    items: Sequence[str]
    more: tuple[str, str]
    hidden: int = 0

    @property
    def total(self) -> int:
        return len(self.items) + self.hidden

    def more_line(self, n: int) -> str:
        zh, en = self.more
        return f"…{zh.format(n=n)} {en.format(n=n)}"


CONTINUED = ("（续）", " (continued)")


def pack(kind: str, title: str, head: Sequence[str], sections: Sequence[Section], *,
         max_messages: int = 1) -> list[Message]:
    """``head`` then each section's lines, in at most ``max_messages`` messages each within
    ``limit(kind)``. A message that continues a section repeats its heading, marked continued. What
    does not fit is said, per section, in one line: "…还有 N 单… N more…". Lines are never cut."""
    if max_messages < 1:
        raise ValueError("max_messages must be at least 1")
    done: list[Message] = []
    draft = _Draft(kind, title, head)
    if draft.used > limit(kind):
        raise ValueError("the head alone is over the robot's limit")
    later = list(sections)
    while later:
        section = later.pop(0)
        if not section.total:
            continue
        placed, labelled = 0, False
        full = False
        while placed < len(section.items):
            last = len(done) + 1 == max_messages
            line = section.items[placed]
            add = ([] if labelled else [section.heading]) + [line]
            reserve = []
            if last:
                if section.total - placed - 1:
                    reserve.append(section.more_line(section.total))
                for other in later:
                    if other.total:
                        reserve += [other.heading, other.more_line(other.total)]
            if draft.fits(add + reserve):
                for text in add:
                    draft.add(text)
                placed, labelled = placed + 1, True
            elif last:
                full = True
                break
            else:
                done.append(draft.message())
                draft = _Draft(kind, title + CONTINUED[0], [bold(f"{title}{CONTINUED[0]}{CONTINUED[1]}")])
                labelled = False
                if not draft.fits([section.heading, line]):
                    raise ValueError("a line is over the robot's limit on its own")
        left = section.total - placed
        if left:
            more = ([] if labelled else [section.heading]) + [section.more_line(left)]
            if not draft.fits(more) and len(done) + 1 < max_messages:
                done.append(draft.message())
                draft = _Draft(kind, title + CONTINUED[0], [bold(f"{title}{CONTINUED[0]}{CONTINUED[1]}")])
                more = [section.heading, section.more_line(left)]
            for text in more:
                draft.add(text)
        if full:
            for other in later:
                if other.total:
                    draft.add(other.heading)
                    draft.add(other.more_line(other.total))
            later = []
    done.append(draft.message())
    if any(size(kind, m) > limit(kind) for m in done):
        raise ValueError("the head and the 'more' lines alone are over the robot's limit")
    return done


# ---- rate ----------------------------------------------------------------------------------------

class RateLimit:
    """How many messages each robot took over the last window, and until when a robot is blocked.

    ``reserve`` takes a slot before a message goes out (counted until its deadline), ``release``
    counts it from when its answer came back: two senders can never both take the twentieth slot.
    With ``directory`` the counts live in one small file per robot there (named by ``Robot.key``,
    no secret in it), locked while read and written, so every process using the directory (a cron'd
    digest, the watch) shares them; without it (or where ``fcntl`` is missing), in this process."""

    def __init__(self, messages: int = RATE_MESSAGES, window_s: float = RATE_WINDOW_S + RATE_MARGIN_S,
                 clock: Callable[[], float] = time.time, directory: Path | None = None):
        self.messages, self.window_s, self.clock = messages, window_s, clock
        self.directory = directory if fcntl is not None else None
        self._states: dict[str, dict] = {}
        self._lock = threading.Lock()

    @contextmanager
    def _state(self, key: str):
        with self._lock:
            if self.directory is None:
                yield self._states.setdefault(key, {"sent": [], "blocked": 0.0})
                return
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                file = open(self.directory / f"{key}.json", "a+", encoding="utf-8")
            except OSError:  # a folder that cannot be written: counted in this process instead
                yield self._states.setdefault(key, {"sent": [], "blocked": 0.0})
                return
            with file:
                fcntl.flock(file, fcntl.LOCK_EX)  # released when the file is closed
                file.seek(0)
                state = _rate_state(file.read())
                yield state
                file.seek(0)
                file.truncate()
                file.write(json.dumps(state))

    def reserve(self, key: str, until: float) -> float:
        """Take a slot for a message done by ``until`` (this limit's clock) and return 0, or return the
        seconds until a slot frees (nothing taken)."""
        now = self.clock()
        with self._state(key) as state:
            sent = state["sent"] = sorted(t for t in state["sent"] if t > now - self.window_s)
            wait = sent[len(sent) - self.messages] + self.window_s - now if len(sent) >= self.messages else 0.0
            wait = max(wait, state["blocked"] - now, 0.0)
            if not wait:
                sent.append(until)
            return wait

    def release(self, key: str, until: float) -> None:
        """The message reserved until ``until`` is done (or given up): counted from now."""
        now = self.clock()
        with self._state(key) as state:
            if until in state["sent"]:
                state["sent"].remove(until)
                state["sent"].append(min(now, until))

    def block(self, key: str, seconds: float) -> None:
        """The robot said "too fast": nothing more to it for ``seconds``."""
        with self._state(key) as state:
            state["blocked"] = max(state["blocked"], self.clock() + seconds)


def _rate_state(text: str) -> dict:
    """A robot's counts as stored; anything unreadable counts as nothing sent."""
    try:
        stored = json.loads(text or "{}")
        sent = [float(t) for t in stored["sent"] if isinstance(t, (int, float)) and math.isfinite(t)]
        blocked = float(stored["blocked"]) if math.isfinite(stored["blocked"]) else 0.0
    except (ValueError, KeyError, TypeError):
        return {"sent": [], "blocked": 0.0}
    return {"sent": sent[-4 * RATE_MESSAGES:], "blocked": blocked}


def data_dir() -> Path:
    """``JDPG_DATA_DIR``, else the user's data folder (platformdirs: ~/.local/share/jd-promo-guard,
    %LOCALAPPDATA%\\jd-promo-guard…), as the watch keeps its store."""
    configured = os.environ.get("JDPG_DATA_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("jd-promo-guard", appauthor=False))


_shared: RateLimit | None = None


def shared_rate() -> RateLimit:
    """The machine's counts, in ``data_dir()/robots``: what ``send`` uses unless told otherwise."""
    global _shared
    if _shared is None:
        _shared = RateLimit(directory=data_dir() / "robots")
    return _shared


# ---- sending -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """What ``send`` did: ``sent`` the messages the robot took, in order; ``unsent`` the rest, from the
    one that failed on; ``error`` why (None when all were sent)."""

    sent: tuple[Message, ...]
    unsent: tuple[Message, ...]
    error: RobotError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def send(robot: Robot, messages: Sequence[Message], deadline: float, *, rate: RateLimit | None = None,
         clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Post ``messages`` in order to ``robot`` within ``deadline`` seconds in all; stop at the first
    that fails. Messages must be within ``limit(robot.kind)`` (``pack`` makes them so). ``rate``:
    the counts to respect, ``shared_rate()`` by default."""
    if rate is None:
        rate = shared_rate()
    end = clock() + deadline
    zh, en = robot.name
    messages = list(messages)
    for i, message in enumerate(messages):
        if size(robot.kind, message) > limit(robot.kind):
            return _stop(messages, i, RobotError(
                "too_large", f"消息超过{zh}机器人的上限 {limit(robot.kind)} 字节，未发送",
                f"the message is over the {en} robot's limit of {limit(robot.kind)} bytes: not sent"))
        while True:
            until = rate.clock() + max(end - clock(), 0.0)
            wait = rate.reserve(robot.key, until)
            if not wait:
                break
            if clock() + wait >= end:
                return _stop(messages, i, RobotError(
                    "rate_limited", f"{zh}机器人每分钟最多 {RATE_MESSAGES} 条（超过会被限流），"
                    f"下一条要等 {math.ceil(wait)} 秒，超过了时限：未发送",
                    f"the {en} robot takes at most {RATE_MESSAGES} messages a minute (it blocks a robot that "
                    f"goes over); the next slot is {math.ceil(wait)} s away, past the deadline: not sent"))
            sleep(wait)
        try:
            _post(robot, message, end - clock(), deadline)
        except RobotError as exc:
            if exc.errcode in RATE_ERRCODES[robot.kind]:
                rate.block(robot.key, BLOCKED_S[robot.kind])
            return _stop(messages, i, exc)
        finally:
            rate.release(robot.key, until)
    return Delivery(tuple(messages), (), None)


def _stop(messages: list, i: int, error: RobotError) -> Delivery:
    return Delivery(tuple(messages[:i]), tuple(messages[i:]), error)


def _post(robot: Robot, message: Message, seconds: float, deadline: float) -> None:
    """One POST, bounded in all by ``seconds`` (what is left of the send's ``deadline``): the exchange
    runs in a thread; at the end its socket is shut, which ends any read still waiting, and the
    message is said maybe delivered."""
    zh, en = robot.name
    target = robot.target
    if robot.secret:
        timestamp = int(time.time() * 1000)
        target += ("&" if "?" in target else "?") + urlencode(
            {"timestamp": timestamp, "sign": dingtalk_sign(robot.secret, timestamp)})
    data = body(robot.kind, message)
    holder: dict = {}

    def exchange():
        try:
            holder["answer"] = _exchange(robot, target, data, seconds, holder)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            holder["error"] = exc

    worker = threading.Thread(target=exchange, daemon=True, name="robot-post")
    worker.start()
    worker.join(max(seconds, 0.0))
    late = RobotError("no_answer", f"{zh}机器人在时限 {deadline:g} 秒内没有答完，消息可能未送达",
                      f"the {en} robot did not finish answering within the {deadline:g} s deadline: the message "
                      "may not have been delivered", maybe_delivered=True)
    if worker.is_alive():
        holder["late"] = True
        sock = holder.get("sock")
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass
        raise late
    if "error" in holder:
        exc = holder["error"]
        if isinstance(exc, RobotError):
            raise exc
        if isinstance(exc, TimeoutError):  # the socket's own timeout, a hair before the join's
            raise late from None
        name = type(exc).__name__
        if isinstance(exc, ssl.SSLError):
            raise RobotError("unreachable", f"与{zh}机器人的加密连接失败（{name}）",
                             f"the secure connection to the {en} robot failed ({name})") from None
        if isinstance(exc, (OSError, http.client.HTTPException)):
            sent = holder.get("sent", False)
            raise RobotError("unreachable", f"无法连接{zh}机器人（{name}）" + ("，消息可能未送达" if sent else ""),
                             f"cannot reach the {en} robot ({name})" + (": the message may not have been delivered"
                                                                       if sent else ""), maybe_delivered=sent) from None
        raise exc
    status, raw = holder["answer"]
    _judge(robot, status, raw)


def _exchange(robot: Robot, target: str, data: bytes, seconds: float, holder: dict):
    if robot.scheme == "https":
        connection = http.client.HTTPSConnection(robot.host, robot.port, timeout=seconds + 1,
                                                 context=ssl.create_default_context())
    else:  # the socket's timeout a second past the deadline: the watchdog in ``_post`` ends it first
        connection = http.client.HTTPConnection(robot.host, robot.port, timeout=seconds + 1)
    try:
        connection.connect()
        holder["sock"] = connection.sock
        if holder.get("late"):
            return None
        connection.request("POST", target, body=data, headers={
            "Content-Type": "application/json; charset=utf-8", "Content-Length": str(len(data)),
            "Accept": "application/json", "Connection": "close"})
        holder["sent"] = True
        response = connection.getresponse()
        return response.status, response.read(MAX_ANSWER_BYTES + 1)
    finally:
        connection.close()


# The robots' errcodes worth a sentence of their own; any other is given with the robot's errmsg.
_ERRCODES = {
    ("wecom", 93000): ("Webhook 地址中的 key 无效（机器人可能已被移除）", "the key in the webhook URL is not valid (the robot "
                                                                "may have been removed)"),
    ("wecom", 45009): ("发送太频繁：每个机器人每分钟最多 20 条，请稍后再试", "too many messages: at most 20 a minute per robot, "
                                                                 "try again later"),
    ("wecom", 40058): ("消息超过 4096 字节", "the message is over 4,096 bytes"),
    ("wecom", 40008): ("消息类型无效", "the message type is not valid"),
    ("wecom", 44004): ("消息内容为空", "the message is empty"),
    ("dingtalk", 300001): ("Webhook 地址中的 access_token 无效", "the access_token in the webhook URL is not valid"),
    ("dingtalk", 310000): ("未通过机器人的安全设置：检查加签密钥（--secret）、本机时间、关键词或 IP 白名单",
                           "the robot's security settings refused it: check the signing secret (--secret), this "
                           "machine's clock, the robot's keywords or its IP allow-list"),
    ("dingtalk", 130101): ("发送太频繁：每分钟最多 20 条，超过后机器人被限流 10 分钟", "too many messages: at most 20 a "
                                                                       "minute; over that the robot is blocked for "
                                                                       "10 minutes"),
    ("dingtalk", 410100): ("发送太频繁，机器人已被限流，请 10 分钟后再试", "too many messages: the robot is blocked, try again "
                                                               "in 10 minutes"),
    ("dingtalk", 460101): ("消息超过 20000 字节", "the message is over 20,000 bytes"),
    ("dingtalk", 40035): ("缺少参数（消息格式不对）", "a parameter is missing (the message is not in the right shape)"),
}


def _judge(robot: Robot, status: int, raw: bytes) -> None:
    zh, en = robot.name
    if status != 200:
        raise RobotError("http_error", f"{zh}机器人应答 HTTP {status}，消息未送达",
                         f"the {en} robot answered HTTP {status}: not delivered")
    try:
        if len(raw) > MAX_ANSWER_BYTES:
            raise ValueError("too long")
        answer = json.loads(raw.decode("utf-8"))
        code = answer["errcode"]
        if not isinstance(code, int) or isinstance(code, bool):
            raise TypeError("errcode")
        said = str(answer.get("errmsg", ""))[:MAX_ERRMSG_CHARS]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RobotError("bad_answer", f"{zh}机器人的应答不是它文档中的 JSON（errcode/errmsg），消息可能未送达",
                         f"the {en} robot's answer is not the JSON it documents (errcode/errmsg): the message may "
                         "not have been delivered", maybe_delivered=True) from None
    if code == 0:
        return
    zh_reason, en_reason = _ERRCODES.get((robot.kind, code), ("", ""))
    raise RobotError("refused", f"{zh}机器人拒绝了消息（errcode {code}：{said}）" + (f"：{zh_reason}" if zh_reason else ""),
                     f"the {en} robot refused the message (errcode {code}: {said})" + (
                         f": {en_reason}" if en_reason else ""), errcode=code)
