"""An authorized gspread client for a service account, with a bounded retry policy, and the
dev/test seam that sends Google API traffic to a local stand-in instead of ``*.googleapis.com``.

gspread's own ``BackOffHTTPClient`` caps its wait at 128 s and then retries for ever; here
429, 408, 5xx and dropped connections are retried with Google's truncated exponential
back-off (``min(2**n s + up to 1 s of jitter, 32 s)``, or the ``Retry-After`` if longer) until
the run has spent ``time_limit`` seconds on failed attempts and waits, and then it stops.
"""
import json
import os
import random
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import google.auth.exceptions
import google.auth.transport.requests
import gspread
import requests
from google.oauth2.service_account import Credentials
from requests.adapters import HTTPAdapter

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# Dev/test only: every https://*.googleapis.com/... request goes to this base URL instead.
BASE_URL_ENV = "JDPG_GOOGLEAPIS_BASE_URL"
DEFAULT_KEY_FILE = "~/.config/gspread/service_account.json"

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEFAULT_RETRY_TIME_LIMIT = 300.0        # seconds, --retry-time-limit
MAX_BACKOFF = 32.0                      # Google's guidance: 32 or 64 s
# (connect, read) seconds: without a timeout a silent connection would hang the command.
TIMEOUT = (15, 180)


class KeyFileError(Exception):
    """The service-account key file is missing or is not a service-account key."""

    def __init__(self, path: str, message: str, message_en: str):
        self.path = path
        self.message = f"服务账号密钥文件 {path}：{message}"
        self.message_en = f"service-account key file {path}: {message_en}"
        super().__init__(self.message_en)


class RetryLimitReached(Exception):
    """Google kept refusing (429/5xx) or could not be reached for longer than the time limit."""

    def __init__(self, cause: Exception, attempts: int, spent: float, limit: float):
        self.cause, self.attempts, self.spent, self.limit = cause, attempts, spent, limit
        super().__init__(f"gave up after {attempts} attempts and {spent:.0f} s: {describe_failure(cause)}")


def describe_failure(cause: Exception) -> str:
    """A short text for a retryable failure: ``429 RESOURCE_EXHAUSTED: Quota exceeded …``."""
    if isinstance(cause, gspread.exceptions.APIError):
        return f"{cause.code} {cause.error.get('status', '')}: {str(cause.error.get('message', ''))[:160]}".strip()
    return f"{type(cause).__name__}: {str(cause)[:160]}"


@dataclass
class RetryPolicy:
    """How long to keep retrying, shared by every request of one run.

    ``sleep``, ``clock`` and ``jitter`` are seams for tests (recorded sleeps, a fake clock);
    ``report`` receives one progress line before each wait.
    """

    time_limit: float = DEFAULT_RETRY_TIME_LIMIT
    max_backoff: float = MAX_BACKOFF
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    report: Callable[[str], None] | None = None
    spent: float = 0.0                  # seconds spent on failed attempts and waits so far

    def delay(self, attempt: int, retry_after: float | None) -> float:
        wait = min(2 ** (attempt - 1) + self.jitter(), self.max_backoff)
        return max(wait, retry_after) if retry_after else wait

    def wait_or_give_up(self, cause: Exception, attempt: int, failed_for: float, retry_after: float | None):
        """Sleeps before retry number ``attempt``, or raises :class:`RetryLimitReached`."""
        self.spent += failed_for
        wait = self.delay(attempt, retry_after)
        if self.spent + wait > self.time_limit:
            raise RetryLimitReached(cause, attempt, self.spent, self.time_limit) from cause
        if self.report:
            self.report(f"Google 暂时拒绝或无法连接（{describe_failure(cause)}），{wait:.0f} 秒后第 {attempt} 次重试 / "
                        f"Google refused or could not be reached; retry {attempt} in {wait:.0f} s "
                        f"({self.spent:.0f} of {self.time_limit:.0f} s used)")
        self.sleep(wait)
        self.spent += wait


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None


class BoundedRetryHTTPClient(gspread.HTTPClient):
    """gspread's HTTP client with :class:`RetryPolicy` around every Sheets request.

    Only safe when every request is idempotent: a retried request may have been applied
    already (a reply lost after Google wrote). ``annotate_sheet`` only sends such requests.
    """

    def __init__(self, auth, session=None, *, policy: RetryPolicy):
        super().__init__(auth, session)
        self.policy = policy
        self.timeout = TIMEOUT

    def request(self, *args, **kwargs):
        attempt = 0
        while True:
            started = self.policy.clock()
            try:
                return super().request(*args, **kwargs)
            except gspread.exceptions.APIError as exc:
                if exc.code not in RETRY_STATUSES and exc.response.status_code not in RETRY_STATUSES:
                    raise
                cause, retry_after = exc, _retry_after(exc.response)
            except (requests.ConnectionError, requests.Timeout) as exc:
                cause, retry_after = exc, None
            attempt += 1
            self.policy.wait_or_give_up(cause, attempt, self.policy.clock() - started, retry_after)


class GoogleApisToBase(HTTPAdapter):
    """Sends ``https://<anything>.googleapis.com/<path>`` to ``<base_url>/<path>``.

    Mounted on both the token session and the API session, so the service-account token
    grant, the Sheets calls and google-auth's background regional-access-boundary lookup all
    reach the stand-in and nothing leaves loopback.
    """

    # google-auth deep-copies the token session for its background lookup; requests'
    # adapters pickle only the names in __attrs__.
    __attrs__ = HTTPAdapter.__attrs__ + ["base_url"]

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if host == "googleapis.com" or host.endswith(".googleapis.com"):
            request.url = self.base_url + request.url[len(f"{parts.scheme}://{parts.netloc}"):]
        return super().send(request, **kwargs)


def _get_a_key(new: bool = False) -> tuple[str, str]:
    """Where to get a key, Chinese and English."""
    return (f"请在 Google Cloud 控制台 → IAM 和管理 → 服务账号 → 密钥 → 添加密钥 → JSON {'重新' if new else ''}下载密钥，"
            f"再用 --credentials 指定",
            f"download {'a new' if new else 'a'} key in Google Cloud Console → IAM & Admin → Service accounts → "
            f"Keys → Add key → JSON, and pass it with --credentials")


def key_file_path(path: str | None) -> str:
    """``--credentials``, else ``GOOGLE_APPLICATION_CREDENTIALS``, else gspread's default location."""
    return path or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") or os.path.expanduser(DEFAULT_KEY_FILE)


def load_credentials(path: str | None) -> Credentials:
    """Service-account credentials from a key file; :class:`KeyFileError` names the file and what to do."""
    given, path = path, key_file_path(path)
    get_zh, get_en = _get_a_key()
    try:
        with open(path, encoding="utf-8-sig") as handle:
            info = json.load(handle)
    except FileNotFoundError:
        where_zh, where_en = ("", "") if given else (
            "（未给 --credentials，已依次查找 GOOGLE_APPLICATION_CREDENTIALS 和默认位置）",
            f" (no --credentials: looked at GOOGLE_APPLICATION_CREDENTIALS, then {DEFAULT_KEY_FILE})")
        raise KeyFileError(path, f"文件不存在{where_zh}；{get_zh}", f"no such file{where_en}; {get_en}") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise KeyFileError(path, f"无法读取（{exc.strerror}）", f"cannot be read ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeyFileError(path, f"不是 JSON 文件；{get_zh}", f"is not a JSON file; {get_en}") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        kind = info.get("type") if isinstance(info, dict) else None
        found = f"（其中 type = {kind!r}）" if kind else ""
        raise KeyFileError(path, f"不是服务账号密钥{found}，OAuth 客户端或用户凭据不能用；{get_zh}",
                           f"is not a service-account key{f' (its type is {kind!r})' if kind else ''}: "
                           f"OAuth client or user credentials do not work here; {get_en}")
    try:
        return Credentials.from_service_account_info(info, scopes=SCOPES)
    except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
        new_zh, new_en = _get_a_key(new=True)
        raise KeyFileError(path, f"内容不完整或已损坏（{exc}）；{new_zh}",
                           f"is incomplete or damaged ({exc}); {new_en}") from None


def make_client(credentials: Credentials, api_base_url: str | None = None,
                policy: RetryPolicy | None = None) -> gspread.Client:
    """A gspread client retrying by ``policy``; with ``api_base_url`` (tests, local development)
    every Google API request goes there instead of Google."""
    policy = policy or RetryPolicy()
    api_base_url = api_base_url or os.environ.get(BASE_URL_ENV)

    def http_client(auth, session=None):
        return BoundedRetryHTTPClient(auth, session, policy=policy)

    if not api_base_url:
        return gspread.authorize(credentials, http_client=http_client)
    adapter = GoogleApisToBase(api_base_url)
    token_http = requests.Session()
    token_http.mount("https://", adapter)
    session = google.auth.transport.requests.AuthorizedSession(
        credentials, auth_request=google.auth.transport.requests.Request(token_http))
    session.mount("https://", adapter)
    client = gspread.authorize(credentials, session=session, http_client=http_client)
    client.http_client.auth = credentials
    return client
