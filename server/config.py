"""Settings from environment variables, each with a documented default (see README)."""
import ipaddress
import os
from dataclasses import dataclass, field


def _csv(text: str) -> tuple:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: tuple = ()
    allowed_origins: tuple = ()
    max_orders: int = 5000
    max_body_bytes: int = 16 * 1024 * 1024
    rate_limit: str = "600 per minute"
    campaign_dir: str | None = None
    at_risk_hours: float | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env=None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values = dict(
            host=env.get("JDPG_HOST", "127.0.0.1"),
            port=int(env.get("PORT", env.get("JDPG_PORT", "8000"))),
            api_keys=_csv(env.get("JDPG_API_KEYS", "")),
            allowed_origins=_csv(env.get("JDPG_ALLOWED_ORIGINS", "")),
            max_orders=int(env.get("JDPG_MAX_ORDERS", "5000")),
            max_body_bytes=int(env.get("JDPG_MAX_BODY_BYTES", str(16 * 1024 * 1024))),
            rate_limit=env.get("JDPG_RATE_LIMIT", "600 per minute"),
            campaign_dir=env.get("JDPG_CAMPAIGN_DIR") or None,
            at_risk_hours=float(env["JDPG_AT_RISK_HOURS"]) if env.get("JDPG_AT_RISK_HOURS") else None,
        )
        values.update(overrides)
        return cls(**values)
