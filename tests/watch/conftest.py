"""The watch's fixtures: the JOS stand-in and robot stand-ins over real HTTP, a real store: a SQLite file,
or (a module marked ``pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)``) a
fresh database on a real PostgreSQL server started once for the session."""
import itertools
from datetime import datetime, timedelta, timezone

import pytest

from shared import default_engine
from shared.beijing_time import BEIJING
from standins.group_robots import Robot
from standins.jos import APP_KEY, APP_SECRET, JosStandin
from watch.crypto import new_key
from watch.cycle import Watch
from watch.settings import WatchSettings
from watch.store import Shop, open_store


@pytest.fixture
def jos():
    with JosStandin() as standin:
        yield standin


@pytest.fixture
def robot():
    with Robot("wecom") as stand_in:
        yield stand_in


@pytest.fixture
def secret_key():
    return new_key()


@pytest.fixture(scope="session")
def postgres():
    from tests.support.postgres import PostgresServer
    with PostgresServer() as server:
        yield server


_databases = itertools.count(1)


@pytest.fixture
def database(request, tmp_path):
    """The store's URL: SQLite in the test's folder by default, or a new PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return f"sqlite:///{tmp_path / 'watch.sqlite3'}"
    server = request.getfixturevalue("postgres")
    name = f"t{next(_databases)}"
    import subprocess
    subprocess.run([server.bin / "createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "jdpg", name], check=True)
    return server.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def settings(tmp_path, jos, secret_key, database):
    return WatchSettings.from_env(env={"JDPG_DATA_DIR": str(tmp_path), "JDPG_SECRET_KEY": secret_key,
                                       "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url,
                                       "JDPG_WATCH_DIGEST_AT": "off", "JDPG_DATABASE_URL": database})


@pytest.fixture
def store(settings):
    store = open_store(settings.database_url, settings.secret_key)
    yield store
    store.engine.dispose()


@pytest.fixture
def watch(settings, store):
    return Watch(settings, default_engine(), store.vault, client_options={"sleep": lambda s: None})


def add_shop(store, jos, *, name="旗舰店", vender="10001", webhook=None, lifetime=timedelta(days=300),
             refresh=True) -> int:
    """A shop authorised on the stand-in, as ``jdpg shops add … --access-token`` stores it."""
    access, refresh_token = jos.issue_token(jos.shop(vender), lifetime)
    vault = store.vault
    with store.session() as session:
        shop = Shop(name=name, app_key=APP_KEY, app_secret=vault.seal(APP_SECRET), access_token=vault.seal(access),
                    refresh_token=vault.seal(refresh_token) if refresh else None,
                    token_expires_at=datetime.now(timezone.utc) + lifetime, state="ok",
                    webhook=vault.seal(webhook) if webhook else None, robot_kind="wecom" if webhook else None,
                    created_at=datetime.now(timezone.utc))
        session.add(shop)
        session.commit()
        return shop.id


def today_at(hour: int) -> datetime:
    """Today at ``hour`` Beijing time: cycles judge "as of" times near the real clock, which signs."""
    return datetime.now(BEIJING).replace(hour=hour, minute=0, second=0, microsecond=0)
