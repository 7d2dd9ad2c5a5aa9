"""Settings from environment variables, each with a documented default (see README).

Every setting is checked when the settings are made (``Settings(...)`` or ``from_env``): a value out
of range is a ``SettingsError`` naming the variable, so a bad setting stops the start with one clear
line instead of making every request a 500.
"""
import ipaddress
import math
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from limits import parse_many

from shared.options import AT_RISK_HOURS_MAX

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
RATE_LIMIT_STORAGE_SCHEMES = ("memory", "redis", "rediss", "redis+unix")
MAX_ORDERS_CEILING = 100_000
MAX_BODY_BYTES_CEILING = 1024 * 1024 * 1024

# field -> the variable that sets it, for messages
_VARIABLES = {"host": "JDPG_HOST", "port": "PORT", "api_keys": "JDPG_API_KEYS", "allowed_origins": "JDPG_ALLOWED_ORIGINS",
              "max_orders": "JDPG_MAX_ORDERS", "max_body_bytes": "JDPG_MAX_BODY_BYTES", "rate_limit": "JDPG_RATE_LIMIT",
              "rate_limit_storage": "JDPG_RATE_LIMIT_STORAGE", "campaign_dir": "JDPG_CAMPAIGN_DIR",
              "at_risk_hours": "JDPG_AT_RISK_HOURS"}


class SettingsError(ValueError):
    """A setting that cannot be used, naming its environment variable."""

    def __init__(self, variable: str, problem: str):
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


def _csv(text: str) -> tuple:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def is_loopback(host: str) -> bool:
    """A loopback address or name; an IPv4-mapped IPv6 address (``::ffff:127.0.0.1``) counts as its IPv4."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _int(variable: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise SettingsError(variable, f"not a whole number: {text[:40]!r}") from None


def _float(variable: str, text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise SettingsError(variable, f"not a number: {text[:40]!r}") from None


def _check_range(name: str, value, low, high) -> None:
    variable = _VARIABLES[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(variable, f"not a number: {str(value)[:40]!r}")
    if not math.isfinite(value) or not low <= value <= high:
        raise SettingsError(variable, f"must be between {low} and {high}, got {str(value)[:40]}")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: tuple = ()
    allowed_origins: tuple = ()
    max_orders: int = 5000
    max_body_bytes: int = 16 * 1024 * 1024
    rate_limit: str = "600 per minute"
    rate_limit_storage: str = "memory://"
    campaign_dir: str | None = None
    at_risk_hours: float | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        _check_range("port", self.port, 0, 65535)
        _check_range("max_orders", self.max_orders, 1, MAX_ORDERS_CEILING)
        _check_range("max_body_bytes", self.max_body_bytes, 1024, MAX_BODY_BYTES_CEILING)
        if self.at_risk_hours is not None:
            _check_range("at_risk_hours", self.at_risk_hours, 0, AT_RISK_HOURS_MAX)
        try:
            limits = parse_many(self.rate_limit)
            if not limits:
                raise ValueError
        except ValueError:
            raise SettingsError("JDPG_RATE_LIMIT", f"not a rate limit such as '600 per minute': "
                                                   f"{str(self.rate_limit)[:40]!r}") from None
        if any(limit.amount < 1 for limit in limits):  # every call would be answered 429
            raise SettingsError("JDPG_RATE_LIMIT", f"a limit of 0 calls refuses every call: {self.rate_limit[:40]!r}")
        if urlsplit(self.rate_limit_storage).scheme not in RATE_LIMIT_STORAGE_SCHEMES:
            raise SettingsError("JDPG_RATE_LIMIT_STORAGE", "must be memory:// or a redis:// address such as "
                                                           f"redis://127.0.0.1:6379/0, got {self.rate_limit_storage[:40]!r}")

    @classmethod
    def from_env(cls, env=None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        port_variable = "PORT" if "PORT" in env else "JDPG_PORT"
        values = dict(
            host=env.get("JDPG_HOST", "127.0.0.1"),
            port=_int(port_variable, env.get(port_variable, "8000")),
            api_keys=_csv(env.get("JDPG_API_KEYS", "")),
            allowed_origins=_csv(env.get("JDPG_ALLOWED_ORIGINS", "")),
            max_orders=_int("JDPG_MAX_ORDERS", env.get("JDPG_MAX_ORDERS", "5000")),
            max_body_bytes=_int("JDPG_MAX_BODY_BYTES", env.get("JDPG_MAX_BODY_BYTES", str(16 * 1024 * 1024))),
            rate_limit=env.get("JDPG_RATE_LIMIT", "600 per minute"),
            rate_limit_storage=env.get("JDPG_RATE_LIMIT_STORAGE") or "memory://",
            campaign_dir=env.get("JDPG_CAMPAIGN_DIR") or None,
            at_risk_hours=_float("JDPG_AT_RISK_HOURS", env["JDPG_AT_RISK_HOURS"]) if env.get("JDPG_AT_RISK_HOURS") else None,
        )
        values.update(overrides)
        return cls(**values)
