"""Cycles against the JOS and robot stand-ins over real HTTP, on a real SQLite store."""
import logging
from datetime import datetime, timedelta, time as clock_time

import pytest
from sqlalchemy import select

from shared import default_engine
from standins.jos import APP_SECRET, make_order
from watch.crypto import SecretKeyMissing
from watch.cycle import Watch, acquire, run_cycle, run_shop_cycle
from watch.pull import GET, SEARCH
from watch.store import Outbox, PullLog, Shop, WatchedOrder, open_store

from .conftest import add_shop, today_at

T0 = today_at(6)
# Every cycle test on both stores: the same models and migrations on SQLite and PostgreSQL.
pytestmark = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)


def orders(store, shop_id=None) -> dict:
    with store.session() as session:
        query = select(WatchedOrder)
        if shop_id is not None:
            query = query.where(WatchedOrder.shop_id == shop_id)
        return {row.order_id: row for row in session.scalars(query)}


def texts(robot) -> list[str]:
    return [m["markdown"]["content"] for m in robot.messages]


def test_an_order_appears_turns_at_risk_then_overdue_then_ships_and_another_cancels(store, watch, jos, robot):
    shop = jos.shop()
    shop.orders["5001"] = make_order("5001", T0 - timedelta(hours=30))
    shop.orders["5002"] = make_order("5002", T0 - timedelta(hours=1))
    add_shop(store, jos, webhook=robot.url)

    assert [o.outcome for o in run_cycle(store, watch, as_of=T0)] == ["ok"]
    rows = orders(store)
    assert {k: (r.status, r.is_open, r.alert_level) for k, r in rows.items()} == {
        "5001": ("pending", True, "none"), "5002": ("pending", True, "none")}
    assert "consigneeInfo" not in rows["5001"].facts and robot.messages == []

    run_cycle(store, watch, as_of=T0 + timedelta(hours=14))          # 44 h after payment: at risk
    assert orders(store)["5001"].status == "at_risk"
    assert len(robot.messages) == 1 and "5001" in texts(robot)[0] and "newly at risk" in texts(robot)[0]

    run_cycle(store, watch, as_of=T0 + timedelta(hours=19))          # past 48 h: overdue
    assert orders(store)["5001"].status == "overdue"
    assert len(robot.messages) == 2 and "newly overdue" in texts(robot)[1]

    shop.ship("5001", T0 + timedelta(hours=20))
    shop.cancel("5002", T0 + timedelta(hours=20))
    gets = len(jos.gateway_calls(GET))
    run_cycle(store, watch, as_of=T0 + timedelta(hours=21))
    rows = orders(store)
    assert (rows["5001"].is_open, rows["5001"].status, rows["5001"].jos_state) == (False, "shipped_late", "WAIT_GOODS_RECEIVE_CONFIRM")
    assert (rows["5002"].is_open, rows["5002"].jos_state) == (False, "TRADE_CANCELED")
    assert len(jos.gateway_calls(GET)) - gets == 2                   # one enGet per order that left
    assert len(robot.messages) == 3 and "cleared" in texts(robot)[2] and "5002" not in texts(robot)[2]

    run_cycle(store, watch, as_of=T0 + timedelta(hours=22))          # closed orders are not asked again
    assert len(jos.gateway_calls(GET)) - gets == 2 and len(robot.messages) == 3


def test_the_pull_asks_only_for_the_rules_fields_in_pages_of_50_and_windows_under_a_month(store, watch, jos):
    shop = jos.shop()
    for n in range(120):
        shop.orders[str(7000 + n)] = make_order(str(7000 + n), T0 - timedelta(hours=n * 5))   # 25 days
    shop.orders["6999"] = make_order("6999", T0 - timedelta(days=40))                        # outside 30 days
    add_shop(store, jos)
    run_cycle(store, watch, as_of=T0)
    searches = jos.gateway_calls(SEARCH)
    import json
    business = [json.loads(c["360buy_param_json"]) for c in searches]
    assert all(b["page_size"] == 50 and "consigneeInfo" not in b["optional_fields"] for b in business)
    assert {b["order_state"] for b in business} == {"WAIT_SELLER_STOCK_OUT,LOCKED,POP_ORDER_PAUSE,PAUSE"}
    assert len({(b["start_date"], b["end_date"]) for b in business}) == 2   # 30 days in two windows
    assert len(orders(store)) == 120 and "6999" not in orders(store)


def test_locked_and_paused_orders_are_watched_without_a_late_flag(store, watch, jos, robot):
    shop = jos.shop()
    shop.orders["8001"] = make_order("8001", T0 - timedelta(hours=60), state="LOCKED")
    shop.orders["8002"] = make_order("8002", T0 - timedelta(hours=60), state="POP_ORDER_PAUSE")
    add_shop(store, jos, webhook=robot.url)
    run_cycle(store, watch, as_of=T0)
    rows = orders(store)
    assert set(rows) == {"8001", "8002"} and all(r.is_open and r.status not in ("overdue", "at_risk") for r in rows.values())
    assert robot.messages == []


def test_exactly_one_alert_per_level_change_across_cycles_and_a_restart(settings, store, watch, jos, robot):
    jos.shop().orders["5101"] = make_order("5101", T0 - timedelta(hours=45))
    add_shop(store, jos, webhook=robot.url)
    run_cycle(store, watch, as_of=T0)
    run_cycle(store, watch, as_of=T0 + timedelta(minutes=5))
    assert len(robot.messages) == 1
    store.engine.dispose()
    again = open_store(settings.database_url, settings.secret_key)                   # a restart
    rewatch = Watch(settings, default_engine(), again.vault)
    run_cycle(again, rewatch, as_of=T0 + timedelta(minutes=10))
    assert len(robot.messages) == 1
    run_cycle(again, rewatch, as_of=T0 + timedelta(hours=4))
    assert len(robot.messages) == 2 and "newly overdue" in texts(robot)[1]
    again.engine.dispose()


def test_a_message_the_robot_did_not_take_is_sent_by_the_next_cycle_once(store, watch, jos, robot):
    jos.shop().orders["5201"] = make_order("5201", T0 - timedelta(hours=45))
    add_shop(store, jos, webhook=robot.url)
    robot.mode = "http500"
    run_cycle(store, watch, as_of=T0)
    assert robot.messages == []
    with store.session() as session:
        pending = session.scalars(select(Outbox)).all()
        assert len(pending) == 1 and pending[0].sent_at is None and "500" in pending[0].last_error
    robot.mode = "ok"
    run_cycle(store, watch, as_of=T0 + timedelta(minutes=5))
    run_cycle(store, watch, as_of=T0 + timedelta(minutes=10))
    assert len(robot.messages) == 1 and "5201" in texts(robot)[0]


def test_a_pull_that_fails_part_way_leaves_the_store_as_it_was(store, watch, jos, robot):
    shop = jos.shop()
    for n in range(60):
        shop.orders[str(9000 + n)] = make_order(str(9000 + n), T0 - timedelta(hours=43, minutes=n))
    shop_id = add_shop(store, jos, webhook=robot.url)
    run_cycle(store, watch, as_of=T0 - timedelta(hours=8))
    before = {k: (r.status, r.last_seen) for k, r in orders(store).items()}
    jos.force("2")  # the second page is refused
    calls = []
    original = jos.gateway_answer

    def second_page_refused(params):
        calls.append(params)
        if len(calls) == 2:
            return jos.refusal("12")
        return original(params)
    jos.forced.clear()
    jos.gateway_answer = second_page_refused
    [outcome] = run_cycle(store, watch, as_of=T0)
    assert outcome.outcome == "failed" and "signature" in outcome.message
    assert {k: (r.status, r.last_seen) for k, r in orders(store).items()} == before
    with store.session() as session:
        log = session.scalars(select(PullLog).where(PullLog.shop_id == shop_id).order_by(PullLog.id)).all()
        assert [entry.outcome for entry in log] == ["ok", "failed"]
        assert session.get(Shop, shop_id).state == "failing"
    assert len(robot.messages) == 1 and "secret" in texts(robot)[0]     # said once, naming the app secret
    jos.gateway_answer = original
    run_cycle(store, watch, as_of=T0)
    assert all(r.status == "at_risk" for r in orders(store).values())
    assert len(robot.messages) == 2


def test_token_expiry_gives_one_reauthorise_alert(store, watch, jos, robot):
    jos.shop().orders["5301"] = make_order("5301", T0 - timedelta(hours=2))
    shop_id = add_shop(store, jos, webhook=robot.url)
    jos.tokens.clear()                                   # JD no longer accepts the token
    for minutes in (0, 5, 10):
        [outcome] = run_cycle(store, watch, as_of=T0 + timedelta(minutes=minutes))
        assert outcome.outcome == "failed"
    assert len(robot.messages) == 1 and "re-authorise" in texts(robot)[0]
    with store.session() as session:
        assert session.get(Shop, shop_id).state == "reauthorise"


def test_tokens_are_refreshed_ahead_of_expiry(store, watch, jos):
    jos.shop().orders["5401"] = make_order("5401", T0 - timedelta(hours=2))
    shop_id = add_shop(store, jos, lifetime=timedelta(days=3))
    old = set(jos.tokens)
    [outcome] = run_cycle(store, watch, as_of=T0)
    assert outcome.outcome == "ok"
    with store.session() as session:
        shop = session.get(Shop, shop_id)
        assert shop.token_expires_at - T0 > timedelta(days=300)
        assert watch.vault.open(shop.access_token) not in old
    assert any(r["path"] == "/oauth2/refresh_token" for r in jos.requests)


def test_an_expired_token_without_a_refresh_token_asks_for_reauthorisation_without_calling_jd(store, watch, jos, robot):
    add_shop(store, jos, webhook=robot.url, lifetime=timedelta(days=1), refresh=False)
    [outcome] = run_cycle(store, watch, as_of=T0 + timedelta(days=3))
    assert outcome.outcome == "failed" and jos.gateway_calls() == []
    assert len(robot.messages) == 1 and "re-authorise" in texts(robot)[0]


def test_quota_backs_off_until_the_next_day_for_every_shop_of_the_app(store, watch, jos, robot):
    jos.shop("1").orders["5501"] = make_order("5501", T0 - timedelta(hours=2))
    jos.shop("2").orders["5502"] = make_order("5502", T0 - timedelta(hours=2))
    add_shop(store, jos, name="A", vender="1", webhook=robot.url)
    add_shop(store, jos, name="B", vender="2")
    noon = T0.replace(hour=12, minute=0, second=0)
    jos.force("2")
    first = run_cycle(store, watch, as_of=noon)
    assert [o.outcome for o in first] == ["failed", "skipped"]
    calls = len(jos.gateway_calls())
    later = run_cycle(store, watch, as_of=noon + timedelta(hours=6))
    assert [o.outcome for o in later] == ["skipped", "skipped"] and len(jos.gateway_calls()) == calls
    assert len(robot.messages) == 1 and "tomorrow" in texts(robot)[0]
    next_day = run_cycle(store, watch, as_of=noon + timedelta(hours=12, minutes=5))
    assert [o.outcome for o in next_day] == ["ok", "ok"]


def test_two_watchers_never_pull_one_shop_at_once(store, watch, jos):
    jos.shop().orders["5601"] = make_order("5601", T0 - timedelta(hours=2))
    shop_id = add_shop(store, jos)
    with store.session() as session:
        assert acquire(session, shop_id, "other-host:1", watch.lease)
    with store.session() as session:
        outcome = run_shop_cycle(session, shop_id, watch, as_of=T0)
    assert outcome.outcome == "busy" and jos.gateway_calls() == []
    with store.session() as session:          # a lease past its time is taken over
        session.get(Shop, shop_id).lease_until = datetime.now(T0.tzinfo) - timedelta(seconds=1)
        session.commit()
    with store.session() as session:
        assert run_shop_cycle(session, shop_id, watch, as_of=T0).outcome == "ok"


def test_quiet_hours_hold_changes_until_they_end(settings, store, jos, robot):
    quiet = Watch(settings.__class__(**{**settings.__dict__, "quiet_hours": (clock_time(22), clock_time(8))}),
                  default_engine(), store.vault)
    night = T0.replace(hour=23, minute=0, second=0)
    jos.shop().orders["5701"] = make_order("5701", night - timedelta(hours=43))
    add_shop(store, jos, webhook=robot.url)
    run_cycle(store, quiet, as_of=night)
    run_cycle(store, quiet, as_of=night + timedelta(hours=6))        # at risk, then overdue: all quiet
    assert robot.messages == []
    run_cycle(store, quiet, as_of=night + timedelta(hours=9, minutes=5))
    assert len(robot.messages) == 1 and "newly overdue" in texts(robot)[0] and "newly at risk" not in texts(robot)[0]


def test_the_daily_digest_comes_once_a_day_at_nine_with_everything_open(settings, store, jos, robot):
    watch = Watch(settings.__class__(**{**settings.__dict__, "digest_at": clock_time(9)}), default_engine(), store.vault)
    shop = jos.shop()
    morning = T0.replace(hour=8, minute=50, second=0)
    shop.orders["5801"] = make_order("5801", morning - timedelta(hours=10))
    shop.orders["5802"] = make_order("5802", morning - timedelta(hours=50))
    add_shop(store, jos, webhook=robot.url)
    run_cycle(store, watch, as_of=morning)
    assert len(robot.messages) == 1 and "Daily digest" not in texts(robot)[0]
    run_cycle(store, watch, as_of=morning + timedelta(minutes=10))
    assert len(robot.messages) == 2
    digest = texts(robot)[1]
    assert "Daily digest" in digest and "5801" in digest and "5802" in digest and "open orders 2" in digest
    run_cycle(store, watch, as_of=morning + timedelta(hours=3))
    assert all("Daily digest" not in t for t in texts(robot)[2:])


def test_a_store_holding_shops_refuses_to_start_without_the_key(settings, store, jos):
    add_shop(store, jos)
    with pytest.raises(SecretKeyMissing) as refused:
        open_store(settings.database_url, None)
    assert "JDPG_SECRET_KEY" in str(refused.value) and "\n" not in str(refused.value)
    assert open_store(settings.database_url, None, need_key=False).shop_count() == 1


def _raw_store(settings, request) -> bytes:
    """Every byte the store holds: the SQLite files, or PostgreSQL's own dump of the database."""
    if settings.database_url.startswith("sqlite"):
        return b"".join(p.read_bytes() for p in settings.data_dir.glob("watch.sqlite3*"))
    import subprocess
    server = request.getfixturevalue("postgres")
    return subprocess.run([server.bin / "pg_dump", settings.database_url], check=True, capture_output=True).stdout


def test_secrets_never_appear_in_logs_or_the_database_in_clear(settings, store, watch, jos, robot, caplog, request):
    caplog.set_level(logging.DEBUG)
    jos.shop().orders["5901"] = make_order("5901", T0 - timedelta(hours=45))
    add_shop(store, jos, webhook=robot.url)
    jos.http_errors = 1
    run_cycle(store, watch, as_of=T0)
    jos.force("19")
    run_cycle(store, watch, as_of=T0 + timedelta(minutes=5))
    with store.session() as session:
        shop = session.scalars(select(Shop)).one()
        secrets = [APP_SECRET, watch.vault.open(shop.access_token), watch.vault.open(shop.refresh_token),
                   robot.url.split("key=")[1]]
    store.engine.dispose()
    raw = _raw_store(settings, request)
    for secret in secrets:
        assert secret.encode() not in raw
        assert secret not in caplog.text
    assert "5901" in caplog.text or raw.count(b"5901")


def test_a_bad_order_from_jd_never_spoils_the_shops_cycle(store, watch, jos, robot):
    shop = jos.shop()
    shop.orders["5990"] = make_order("5990", T0 - timedelta(hours=45))
    bad = make_order("x" * 50, T0 - timedelta(hours=45))
    odd = make_order("5991", T0 - timedelta(hours=45), state="SOMETHING_NEW")
    odd["orderState"] = "WAIT_SELLER_STOCK_OUT"
    odd["paymentConfirmTime"] = "not a time"
    shop.orders["x" * 50] = bad
    shop.orders["5991"] = odd
    add_shop(store, jos, webhook=robot.url)
    [outcome] = run_cycle(store, watch, as_of=T0)
    rows = orders(store)
    assert outcome.outcome == "ok" and set(rows) == {"5990", "5991"}
    assert rows["5990"].status == "at_risk"
    assert rows["5991"].result["errors"][0]["field"] == "paid_at" and rows["5991"].status is None  # said, not "on time"


def test_the_watch_as_a_worker_makes_it_takes_the_servers_at_risk_threshold(settings, store, jos, monkeypatch):
    monkeypatch.setenv("JDPG_AT_RISK_HOURS", "12")
    worker = Watch.from_env(store, settings)
    assert worker.options.at_risk_hours == 12 and worker.options.detail == "lean"
    jos.shop().orders["6001"] = make_order("6001", T0 - timedelta(hours=38))     # 10 h left
    shop_id = add_shop(store, jos)
    with store.session() as session:
        assert run_shop_cycle(session, shop_id, worker, as_of=T0).outcome == "ok"
    assert orders(store)["6001"].status == "at_risk"
