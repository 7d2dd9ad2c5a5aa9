"""The watch's settings from environment variables, each with a documented default (README,
docs/deployment.md). A bad value is a ``server.config.SettingsError`` naming the variable."""
import os
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from server.config import SettingsError

from .jos_client import DEFAULT_GATEWAY, DEFAULT_OAUTH

APP_NAME = "jd-promo-guard"
DEFAULT_INTERVAL_MINUTES = 5
DEFAULT_DAYS = 30
DEFAULT_REFRESH_DAYS = 7
DEFAULT_DIGEST_AT = time(9, 0)
# JOS calls in flight at once per app key, across every worker (JD's gateway limits an app's calls).
DEFAULT_JOS_CONCURRENCY = 2
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
CALLBACK_PATH = "/jos/oauth/callback"
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def default_data_dir() -> Path:
    """The user's data folder (platformdirs: ~/.local/share/jd-promo-guard, %LOCALAPPDATA%\\jd-promo-guard…)."""
    import platformdirs
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _clock(variable: str, text: str) -> time:
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise SettingsError(variable, f"not a time of day HH:MM: {text[:20]!r}")
    return time(int(match[1]), int(match[2]))


def _whole(variable: str, text: str, low: int, high: int) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise SettingsError(variable, f"must be a whole number from {low} to {high}: {text[:20]!r}")
    return int(text)


@dataclass(frozen=True)
class WatchSettings:
    data_dir: Path
    database_url: str
    secret_key: str | None
    gateway: str = DEFAULT_GATEWAY
    oauth: str = DEFAULT_OAUTH
    public_url: str = DEFAULT_PUBLIC_URL
    interval_minutes: int = DEFAULT_INTERVAL_MINUTES
    days: int = DEFAULT_DAYS
    refresh_days: int = DEFAULT_REFRESH_DAYS
    digest_at: time | None = DEFAULT_DIGEST_AT     # None: no daily digest
    quiet_hours: tuple[time, time] | None = None
    queue_url: str | None = None                   # Redis for RQ workers; None: one process pulls every shop
    jos_concurrency: int = DEFAULT_JOS_CONCURRENCY

    def __repr__(self):  # the key stays out of any log line
        return f"WatchSettings(database_url={self.database_url!r}, gateway={self.gateway!r})"

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + CALLBACK_PATH

    @classmethod
    def from_env(cls, env=None, **overrides) -> "WatchSettings":
        env = os.environ if env is None else env
        data_dir = Path(env.get("JDPG_DATA_DIR") or default_data_dir())
        values = dict(
            data_dir=data_dir,
            database_url=env.get("JDPG_DATABASE_URL") or f"sqlite:///{data_dir / 'watch.sqlite3'}",
            secret_key=env.get("JDPG_SECRET_KEY") or None,
            gateway=env.get("JDPG_JOS_GATEWAY") or DEFAULT_GATEWAY,
            oauth=env.get("JDPG_JOS_OAUTH") or DEFAULT_OAUTH,
            public_url=env.get("JDPG_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
            queue_url=env.get("JDPG_WATCH_QUEUE") or None,
        )
        if values["queue_url"] and not re.match(r"(redis|rediss|unix)://", values["queue_url"]):
            raise SettingsError("JDPG_WATCH_QUEUE", f"not a redis:// address: {values['queue_url'][:40]!r}")
        if env.get("JDPG_JOS_CONCURRENCY"):
            values["jos_concurrency"] = _whole("JDPG_JOS_CONCURRENCY", env["JDPG_JOS_CONCURRENCY"], 1, 100)
        if env.get("JDPG_WATCH_INTERVAL"):
            values["interval_minutes"] = _whole("JDPG_WATCH_INTERVAL", env["JDPG_WATCH_INTERVAL"], 1, 1440)
        if env.get("JDPG_WATCH_DAYS"):
            values["days"] = _whole("JDPG_WATCH_DAYS", env["JDPG_WATCH_DAYS"], 1, 90)
        if env.get("JDPG_WATCH_REFRESH_DAYS"):
            values["refresh_days"] = _whole("JDPG_WATCH_REFRESH_DAYS", env["JDPG_WATCH_REFRESH_DAYS"], 0, 300)
        if env.get("JDPG_WATCH_DIGEST_AT"):
            text = env["JDPG_WATCH_DIGEST_AT"]
            values["digest_at"] = None if text.strip().lower() == "off" else _clock("JDPG_WATCH_DIGEST_AT", text)
        if env.get("JDPG_WATCH_QUIET_HOURS"):
            start, _, end = env["JDPG_WATCH_QUIET_HOURS"].partition("-")
            values["quiet_hours"] = (_clock("JDPG_WATCH_QUIET_HOURS", start), _clock("JDPG_WATCH_QUIET_HOURS", end))
        for variable, key in (("JDPG_JOS_GATEWAY", "gateway"), ("JDPG_JOS_OAUTH", "oauth"), ("JDPG_PUBLIC_URL", "public_url")):
            if not re.match(r"https?://[^/\s]+", values[key]):
                raise SettingsError(variable, f"not an http(s) URL: {values[key][:60]!r}")
        values.update(overrides)
        return cls(**values)
