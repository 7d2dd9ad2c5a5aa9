"""The one client of JD's open platform (JOS): the gateway (``routerjson``) and the OAuth endpoints.

Facts, from the public JOS clients (the official Java SDK ``DefaultJdClient``, the PHP SDK
``jd/JdClient.php``, XiBao/jos ``sdk/client.go``; OAuth: XiBao/jos ``GetOauthURL``): every API goes to one gateway with the system parameters ``method``,
``app_key``, ``access_token``, ``timestamp`` (Beijing time, ±6 minutes), ``v=2.0`` and the business
parameters as one JSON string in ``360buy_param_json``; the signature is the upper-case hex MD5 of the
app secret + every parameter's name and value sorted by name + the app secret. Gateway refusals come
as a top-level ``error_response``.

What the client adds: connect and read timeouts; a bounded number of attempts with back-off, only on
network errors and HTTP 5xx (a refusal by JD is never retried: retrying cannot change it); and each
refusal mapped to what the merchant should do (``JosRefused.action``). Secrets never enter a message
or a log line.
"""
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

import requests

from shared.beijing_time import BEIJING

log = logging.getLogger("jdpg.watch.jos")

DEFAULT_GATEWAY = "https://api.jd.com/routerjson"
DEFAULT_OAUTH = "https://open-oauth.jd.com"
API_VERSION = "2.0"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
# (connect, read) seconds; an enSearch page of 50 orders is small.
DEFAULT_TIMEOUT = (5.0, 30.0)
# Attempts per call on a network error or HTTP 5xx, and the pause before each retry (doubling).
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 1.0

# What each gateway code asks of the merchant: (action, zh, en). Sources: XiBao/jos ``api/interface.go``;
# code 19: zeasin/qihangerp ``ApiCommon.java``.
QUOTA, REAUTHORISE, CLOCK, SECRET, METHOD, OTHER = "quota", "reauthorise", "clock", "secret", "method", "other"
ACTIONS = {
    "2": (QUOTA, "应用今天的调用次数已用完，明天（北京时间 0 点后）自动继续",
          "the app's daily call quota is used up; the watch resumes tomorrow (after 00:00 Beijing time)"),
    "7": (CLOCK, "时间戳无效：请校准本机时钟（京东只接受与北京时间相差 6 分钟以内的请求）",
          "invalid timestamp: set this machine's clock right (JD accepts 6 minutes of skew from Beijing time)"),
    "8": (CLOCK, "时间戳无效：请校准本机时钟（京东只接受与北京时间相差 6 分钟以内的请求）",
          "invalid timestamp: set this machine's clock right (JD accepts 6 minutes of skew from Beijing time)"),
    "11": (SECRET, "签名无效：请核对该店铺的 App Secret（jdpg shops add … --app-secret）",
           "invalid signature: check the shop's app secret (jdpg shops add … --app-secret)"),
    "12": (SECRET, "签名无效：请核对该店铺的 App Secret（jdpg shops add … --app-secret）",
           "invalid signature: check the shop's app secret (jdpg shops add … --app-secret)"),
    "14": (METHOD, "接口不存在或应用无权调用：请在京东开放平台为应用申请订单接口权限",
           "unknown method or not granted: ask JOS to grant the app the order APIs"),
    "15": (METHOD, "接口不存在或应用无权调用：请在京东开放平台为应用申请订单接口权限",
           "unknown method or not granted: ask JOS to grant the app the order APIs"),
    "19": (REAUTHORISE, "店铺授权已过期：请重新授权（jdpg shops add 店铺名 --app-key … 重新打开授权链接）",
           "the shop's authorisation has expired: re-authorise it (run jdpg shops add again and open the link)"),
}


class JosFailure(Exception):
    """A call that did not get an answer JD meant: network, timeout, HTTP error or an unreadable body."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message, self.message_en = message, message_en


class JosRefused(JosFailure):
    """JD's gateway (or an API's ``apiResult``) refused the call. ``action``: what the merchant should do."""

    def __init__(self, code: str, detail: str):
        self.code = str(code)
        self.action, zh, en = ACTIONS.get(self.code, (OTHER, "京东开放平台拒绝了请求", "JD Open Service refused the call"))
        super().__init__(f"京东开放平台错误 {self.code}：{zh}（{detail[:200]}）",
                         f"JD Open Service error {self.code}: {en} ({detail[:200]})")


def sign(secret: str, params: dict) -> str:
    """JOS's signature: MD5 (UTF-8) of secret + name+value of every parameter but ``sign`` sorted by
    name + secret, upper-case hex. Empty values are not sent, so never signed."""
    text = secret + "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign") + secret
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def beijing_timestamp(now: datetime | None = None) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in Beijing time, whatever this machine's zone."""
    return (now or datetime.now(BEIJING)).astimezone(BEIJING).strftime(TIMESTAMP_FORMAT)


def next_beijing_midnight(now: datetime) -> datetime:
    """When a used-up daily quota is back: the next 00:00 Beijing time."""
    today = now.astimezone(BEIJING).date()
    return datetime.combine(today + timedelta(days=1), datetime.min.time(), BEIJING)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime


class JosClient:
    """One app's client. ``clock`` gives the current time (tests move it); ``sleep`` pauses between attempts."""

    def __init__(self, app_key: str, app_secret: str, *, gateway: str = DEFAULT_GATEWAY, oauth: str = DEFAULT_OAUTH,
                 timeout=DEFAULT_TIMEOUT, attempts: int = DEFAULT_ATTEMPTS, backoff: float = DEFAULT_BACKOFF,
                 session: requests.Session | None = None, clock=None, sleep=time.sleep):
        self.app_key = app_key
        self._secret = app_secret
        self.gateway, self.oauth = gateway, oauth.rstrip("/")
        self.timeout, self.attempts, self.backoff = timeout, max(1, attempts), backoff
        self.http = session or requests.Session()
        self.clock = clock or (lambda: datetime.now(BEIJING))
        self.sleep = sleep
        self.calls = 0

    def __repr__(self):  # never the secret
        return f"JosClient(app_key={self.app_key!r}, gateway={self.gateway!r})"

    def signed_params(self, method: str, business: dict, access_token: str | None) -> dict:
        params = {"method": method, "app_key": self.app_key, "timestamp": beijing_timestamp(self.clock()),
                  "v": API_VERSION, "format": "json",
                  "360buy_param_json": json.dumps(business, ensure_ascii=False, separators=(",", ":"))}
        if access_token:
            params["access_token"] = access_token
        params["sign"] = sign(self._secret, params)
        return params

    def call(self, method: str, business: dict, access_token: str | None) -> dict:
        """The response body of one gateway call; raises ``JosRefused`` or ``JosFailure``."""
        params = self.signed_params(method, business, access_token)
        body = self._request("POST", self.gateway, data=params, what=method)
        if "error_response" in body:
            error = body["error_response"] if isinstance(body["error_response"], dict) else {}
            raise JosRefused(error.get("code", ""), str(error.get("zh_desc") or error.get("en_desc") or ""))
        return body

    def _request(self, verb: str, url: str, *, what: str, **kwargs) -> dict:
        """Bounded attempts: network errors and 5xx are retried after a doubling pause; nothing else is."""
        for attempt in range(1, self.attempts + 1):
            self.calls += 1
            try:
                response = self.http.request(verb, url, timeout=self.timeout, allow_redirects=False, **kwargs)
            except requests.RequestException as exc:
                problem = (f"无法连接京东开放平台（{type(exc).__name__}）", f"cannot reach JD Open Service ({type(exc).__name__})")
            else:
                if response.status_code < 500:
                    return self._json(response, what)
                problem = (f"京东开放平台应答 HTTP {response.status_code}", f"JD Open Service answered HTTP {response.status_code}")
            log.warning("%s attempt %d/%d failed: %s", what, attempt, self.attempts, problem[1])
            if attempt < self.attempts:
                self.sleep(self.backoff * 2 ** (attempt - 1))
        raise JosFailure(f"{problem[0]}，已试 {self.attempts} 次", f"{problem[1]}, after {self.attempts} attempts")

    @staticmethod
    def _json(response, what: str) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            raise JosFailure(f"京东开放平台的应答不是预期的 JSON（{what}，HTTP {response.status_code}）",
                             f"JD Open Service's answer is not the JSON expected ({what}, HTTP {response.status_code})")
        return body

    # OAuth (XiBao/jos GetOauthURL / GetAccessTokenNew; zeasin/qihangerp-sdk JdTokenApiHelper.java)
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urlencode({"app_key": self.app_key, "response_type": "code", "redirect_uri": redirect_uri,
                           "state": state, "scope": "snsapi_base"})
        return f"{self.oauth}/oauth2/to_login?{query}"

    def exchange_code(self, code: str) -> Tokens:
        return self._tokens("access_token", {"grant_type": "authorization_code", "code": code})

    def refresh(self, refresh_token: str) -> Tokens:
        return self._tokens("refresh_token", {"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _tokens(self, endpoint: str, grant: dict) -> Tokens:
        body = self._request("POST", f"{self.oauth}/oauth2/{endpoint}", what=f"oauth2/{endpoint}",
                             data={"app_key": self.app_key, "app_secret": self._secret, **grant})
        if str(body.get("code", "0")) != "0" or not body.get("access_token"):
            raise JosRefused(body.get("code", ""), str(body.get("msg") or body.get("message") or "no access_token"))
        try:
            lifetime = int(body.get("expires_in"))
        except (TypeError, ValueError):
            raise JosFailure("授权应答缺少 expires_in", "the token answer has no readable expires_in") from None
        return Tokens(body["access_token"], body.get("refresh_token"), self.clock() + timedelta(seconds=lifetime))
