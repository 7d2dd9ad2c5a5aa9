"""The watch's store: SQLAlchemy 2 models and the Alembic migrations applied when it opens.

Embedded SQLite in the data folder by default; PostgreSQL (``JDPG_DATABASE_URL=postgresql://user@host:port/db``,
read with psycopg 3) or any SQLAlchemy URL through ``JDPG_DATABASE_URL``: the same models and
migrations (portable types only, times kept as UTC). Secrets (app secret, tokens,
the robot's webhook URL and signing secret) are columns of sealed bytes (``watch.crypto``), never
text. The alert level already sent is a column of the order, written in the transaction that
writes the order (``watch.cycle``).
"""
import logging
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, TypeDecorator,
                        create_engine, event, func, select)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from .crypto import MISSING, SecretKeyMissing, Vault

MIGRATIONS = Path(__file__).parent / "migrations"


class UtcDateTime(TypeDecorator):
    """An aware datetime stored as naive UTC (SQLite keeps no zone), read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class Shop(Base):
    __tablename__ = "watch_shops"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    app_key: Mapped[str] = mapped_column(String(100))
    app_secret: Mapped[bytes] = mapped_column(LargeBinary)
    access_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    webhook: Mapped[bytes | None] = mapped_column(LargeBinary)
    robot_kind: Mapped[str | None] = mapped_column(String(20))
    robot_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    # authorising | ok | reauthorise | quota | failing
    state: Mapped[str] = mapped_column(String(20), default="authorising")
    state_message: Mapped[str | None] = mapped_column(Text)
    paused_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_pull_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    open_orders: Mapped[int | None] = mapped_column(Integer)
    last_digest_on: Mapped[str | None] = mapped_column(String(10))
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OAuthState(Base):
    """A ``state`` handed to JD's authorise page: bound to one shop, single use, short-lived."""
    __tablename__ = "watch_oauth_states"
    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("watch_shops.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WatchedOrder(Base):
    __tablename__ = "watch_orders"
    shop_id: Mapped[int] = mapped_column(ForeignKey("watch_shops.id", ondelete="CASCADE"), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    facts: Mapped[dict] = mapped_column(JSON)            # the JOS fields the rules read, nothing else
    jos_state: Mapped[str | None] = mapped_column(String(60))
    is_open: Mapped[bool] = mapped_column(Boolean, index=True)
    status: Mapped[str | None] = mapped_column(String(30))    # the result's ship.status
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    owed: Mapped[str] = mapped_column(String(30), default="0.00")
    lost: Mapped[str] = mapped_column(String(30), default="0.00")
    result: Mapped[dict] = mapped_column(JSON)           # the last result (lean)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    alert_level: Mapped[str] = mapped_column(String(20), default="none")   # none | at_risk | overdue
    alerted_owed: Mapped[str] = mapped_column(String(30), default="0.00")


class PullLog(Base):
    __tablename__ = "watch_pull_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("watch_shops.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(20))     # ok | failed | skipped
    error: Mapped[str | None] = mapped_column(Text)


class Outbox(Base):
    """A message for the shop's robot, written with the levels it reports; sent after the commit."""
    __tablename__ = "watch_outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("watch_shops.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))        # changes | digest | shop
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Store:
    """The engine, a session factory and the vault; ``open_store`` makes one."""

    def __init__(self, engine: Engine, vault: Vault):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.vault = vault

    def session(self) -> Session:
        return self.sessions()

    def shop_count(self) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(Shop))


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


# The PostgreSQL driver: psycopg 3 (``psycopg[binary]``, pinned). SQLAlchemy reads a plain
# ``postgresql://`` as psycopg2, which is not installed: such URLs are mapped to psycopg 3.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POSTGRES_DRIVER = "postgresql+psycopg://"


def engine_url(url: str) -> str:
    """``JDPG_DATABASE_URL`` as SQLAlchemy should read it: a plain PostgreSQL URL gets psycopg 3."""
    for scheme in POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return POSTGRES_DRIVER + url[len(scheme):]
    return url


def make_engine(url: str) -> Engine:
    url = engine_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Alembic's ``upgrade head`` on this engine (idempotent)."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines name every plugin, every start
    from alembic import command
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str, secret_key: str | None, *, need_key: bool = True) -> Store:
    """The store at ``url``, migrated. ``need_key``: refuse (``SecretKeyMissing``) a store holding
    shops when no key is set (the watcher and the shops command); the web app reads without it."""
    engine = make_engine(url)
    migrate(engine)
    store = Store(engine, Vault(secret_key))
    if need_key and not store.vault.ready and store.shop_count():
        engine.dispose()
        raise SecretKeyMissing(" / ".join(MISSING))
    return store
