"""``server.robots``: the one WeCom / DingTalk robot client, against the stand-ins over real HTTP
(``standins.group_robots``), which enforce the size and rate limits with the real errcodes."""
import json
import time

import pytest

from server import robots
from server.robots import Message, RateLimit, RobotError, Section
from standins.group_robots import DINGTALK_SECRET, WECOM_KEY, Robot

KINDS = ["wecom", "dingtalk"]


def items(n, width=30):
    return [f"{i + 1}. 订单 {i:0{width}d} · 已超时 3 小时" for i in range(n)]


OVERDUE = ("还有 {n} 单已超时未列出", "{n} more overdue not listed")
SOONEST = ("还有 {n} 单未列出", "{n} more not listed")


# ---- the URL check ----

def test_a_webhook_is_checked_and_never_shown_with_its_key():
    robot = robots.robot(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}")
    assert (robot.kind, robot.host, robot.port) == ("wecom", "qyapi.weixin.qq.com", 443)
    assert robot.where == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
    assert WECOM_KEY not in repr(robot) and WECOM_KEY not in robot.key
    ding = robots.robot("https://oapi.dingtalk.com/robot/send?access_token=x", secret=DINGTALK_SECRET)
    assert ding.kind == "dingtalk" and DINGTALK_SECRET not in repr(ding)
    assert robots.robot("http://127.0.0.1:8/x?key=1", kind="wecom").where == "http://127.0.0.1:8/x"


@pytest.mark.parametrize("url, kind, code, words", [
    ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", None, "bad_url", "https://"),
    ("https://hooks.example.com/x", None, "unknown_kind", "wecom"),
    ("ftp://qyapi.weixin.qq.com/x", None, "bad_url", "https://"),
    ("https://qyapi.weixin.qq.com:99999/x", None, "bad_url", "端口"),
    ("", None, "bad_url", "网址"),
])
def test_a_webhook_that_cannot_be_used_is_refused_in_both_languages(url, kind, code, words):
    with pytest.raises(RobotError) as caught:
        robots.robot(url, kind=kind)
    assert caught.value.code == code and words in caught.value.message + caught.value.message_en
    assert caught.value.message and caught.value.message_en


def test_a_secret_is_for_dingtalk_only():
    with pytest.raises(RobotError) as caught:
        robots.robot("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", secret="SECx")
    assert caught.value.code == "bad_secret"


# ---- markdown ----

def test_plain_keeps_merchant_text_from_becoming_markup():
    said = robots.plain("a<b>[c](http://x.y)*_`#~@&\n\u202ez")
    assert not set(said) & set("<>[]()*_`#~@&:/.\n\u202e")
    assert said.startswith("a＜b＞［c］（http：／／x．y）")
    assert robots.plain("2357-11131701") == "2357-11131701"
    assert robots.plain("x" * 100, limit=10) == "x" * 9 + "…"


# ---- sizes and packing ----

@pytest.mark.parametrize("kind", KINDS)
def test_pack_sizes_are_exact_and_within_the_limit(kind):
    head = ["### 京东订单提醒", "> 标题"]
    for n in (0, 1, 39, 40, 41, 120, 300, 1000):
        messages = robots.pack(kind, "订单提醒", head, [Section("**已超时 Overdue**", items(n), OVERDUE)],
                               max_messages=3)
        assert all(robots.size(kind, m) <= robots.limit(kind) for m in messages)
        listed = sum(m.text.count("· 已超时 3 小时") for m in messages)
        more = [int(line.split("还有 ")[1].split(" ")[0]) for m in messages for line in m.text.splitlines()
                if line.startswith("…还有")]
        assert listed + sum(more) == n, n
        assert len(more) <= 1 and (more == []) == (listed == n)
        assert len(messages) <= 3


@pytest.mark.parametrize("kind", KINDS)
def test_a_full_last_message_still_says_every_section_and_its_count(kind):
    soonest = [f"{i + 1}. 订单 {i:030d} · 截止 06-20 12:00" for i in range(50)]
    sections = [Section("**已超时**", items(1500), OVERDUE, hidden=200), Section("**最先到期**", soonest, SOONEST)]
    messages = robots.pack(kind, "订单提醒", ["head"], sections, max_messages=2)
    lines = [line for m in messages for line in m.text.splitlines()]
    assert len(messages) == 2 and all(robots.size(kind, m) <= robots.limit(kind) for m in messages)
    listed = sum(1 for line in lines if line.endswith("已超时 3 小时"))
    assert f"…还有 {1700 - listed} 单已超时未列出 {1700 - listed} more overdue not listed" in lines
    assert lines[-2:] == ["**最先到期**", "…还有 50 单未列出 50 more not listed"]
    assert messages[1].text.splitlines()[0] == "**订单提醒（续） (continued)**"
    assert messages[1].title == "订单提醒（续）"


def test_dingtalk_size_is_the_body_as_sent_in_utf8():
    message = Message("t", "订" * 6000)
    assert robots.size("dingtalk", message) == len(json.dumps(
        robots.payload("dingtalk", message), ensure_ascii=False, separators=(",", ":")).encode())
    assert robots.size("dingtalk", message) < 20000 < len(json.dumps(robots.payload("dingtalk", message)))


# ---- sending ----

@pytest.mark.parametrize("kind", KINDS)
def test_send_posts_every_message_in_order_in_the_documented_shape(kind):
    messages = robots.pack(kind, "订单提醒", ["head"], [Section("**list**", items(300), OVERDUE)], max_messages=4)
    with Robot(kind, secret=DINGTALK_SECRET if kind == "dingtalk" else None) as stand_in:
        robot = robots.robot(stand_in.url, kind=kind, secret=DINGTALK_SECRET if kind == "dingtalk" else None)
        delivery = robots.send(robot, messages, 10, rate=RateLimit())
    assert delivery.ok and delivery.sent == tuple(messages) and delivery.unsent == ()
    assert stand_in.refusals == [] and len(stand_in.messages) == len(messages)
    got = [m["markdown"]["content" if kind == "wecom" else "text"] for m in stand_in.messages]
    assert got == [m.text for m in messages]


@pytest.mark.parametrize("kind", KINDS)
def test_the_rate_is_never_exceeded_the_rest_is_said_not_sent(kind):
    messages = [Message("t", f"message {i}") for i in range(25)]
    with Robot(kind) as stand_in:
        delivery = robots.send(robots.robot(stand_in.url, kind=kind), messages, 3, rate=RateLimit())
    assert len(delivery.sent) == 20 and delivery.unsent == tuple(messages[20:])
    assert delivery.error.code == "rate_limited" and "20" in delivery.error.message
    assert "每分钟" in delivery.error.message and "a minute" in delivery.error.message_en
    assert stand_in.refusals == [], "the robot itself never had to refuse"


def test_the_rate_waits_for_a_free_slot_when_the_deadline_allows():
    rate = RateLimit(window_s=1.5)
    with Robot("wecom") as stand_in:
        robot = robots.robot(stand_in.url, kind="wecom")
        for _ in range(20):
            assert rate.reserve(robot.key, rate.clock()) == 0
        started = time.monotonic()
        delivery = robots.send(robot, [Message("t", "after the wait")], 5, rate=rate)
    assert delivery.ok and 1.2 < time.monotonic() - started < 4
    assert [m["markdown"]["content"] for m in stand_in.messages] == ["after the wait"]


def test_after_dingtalks_too_fast_the_robot_is_not_tried_for_ten_minutes():
    now = [0.0]
    rate = RateLimit(clock=lambda: now[0])
    with Robot("dingtalk") as stand_in:
        stand_in.mode = "errcode"
        robot = robots.robot(stand_in.url, kind="dingtalk")
        first = robots.send(robot, [Message("t", "a")], 5, rate=rate, clock=lambda: now[0])
        stand_in.mode = "ok"
        now[0] += 599
        second = robots.send(robot, [Message("t", "b")], 0.5, rate=rate, clock=lambda: now[0])
        now[0] += 2
        third = robots.send(robot, [Message("t", "c")], 5, rate=rate, clock=lambda: now[0])
    assert first.error.errcode == 130101 and "10 分钟" in first.error.message
    assert second.error.code == "rate_limited" and stand_in.requests == 2
    assert third.ok


@pytest.mark.parametrize("kind", KINDS)
def test_a_message_over_the_limit_is_not_sent(kind):
    too_big = Message("t", "订" * 7000)
    with Robot(kind) as stand_in:
        delivery = robots.send(robots.robot(stand_in.url, kind=kind), [too_big], 5, rate=RateLimit())
    assert delivery.error.code == "too_large" and stand_in.requests == 0


@pytest.mark.parametrize("kind, mode, code, words", [
    ("wecom", "errcode", "refused", ("45009", "太频繁", "too many messages")),
    ("dingtalk", "errcode", "refused", ("130101", "10 分钟", "10 minutes")),
    ("wecom", "http500", "http_error", ("HTTP 500", "未送达", "not delivered")),
    ("dingtalk", "not-json", "bad_answer", ("errcode/errmsg", "可能未送达", "may not have been")),
])
def test_a_robot_that_refuses_or_fails_is_said_clearly(kind, mode, code, words):
    with Robot(kind) as stand_in:
        stand_in.mode = mode
        delivery = robots.send(robots.robot(stand_in.url, kind=kind), [Message("t", "a"), Message("t", "b")], 5,
                               rate=RateLimit())
    assert delivery.sent == () and len(delivery.unsent) == 2 and delivery.error.code == code
    said = delivery.error.message + delivery.error.message_en
    assert all(word in said for word in words), said


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_key_is_the_robots_own_errcode_and_the_key_is_never_said(kind):
    with Robot(kind) as stand_in:
        url = stand_in.url.replace("693a91f6", "00000000").replace("e9a8118c", "00000000")
        delivery = robots.send(robots.robot(url, kind=kind), [Message("t", "a")], 5, rate=RateLimit())
    said = delivery.error.message + delivery.error.message_en
    assert delivery.error.errcode == (93000 if kind == "wecom" else 300001) and "无效" in said
    assert "00000000" not in said


def test_a_wrong_dingtalk_secret_says_what_to_check():
    with Robot("dingtalk", secret=DINGTALK_SECRET) as stand_in:
        robot = robots.robot(stand_in.url, kind="dingtalk", secret="SECwrong")
        delivery = robots.send(robot, [Message("t", "a")], 5, rate=RateLimit())
    assert delivery.error.errcode == 310000 and "--secret" in delivery.error.message_en
    assert "SECwrong" not in delivery.error.message + delivery.error.message_en


def test_a_robot_that_trickles_its_answer_is_cut_at_the_deadline():
    with Robot("wecom") as stand_in:
        stand_in.mode, stand_in.slow_seconds = "trickle", 1.0
        started = time.monotonic()
        delivery = robots.send(robots.robot(stand_in.url, kind="wecom"), [Message("t", "a")], 1.5, rate=RateLimit())
        took = time.monotonic() - started
    assert delivery.error.code == "no_answer" and delivery.error.maybe_delivered
    assert took < 2.5


def test_the_counts_are_shared_by_every_limit_on_the_same_folder(tmp_path):
    """Two processes (here two limits on one folder) can never both take the twentieth slot."""
    first, second = RateLimit(directory=tmp_path), RateLimit(directory=tmp_path)
    for n in range(20):
        assert (first if n % 2 else second).reserve("robot", first.clock() + 5) == 0
    assert 0 < second.reserve("robot", second.clock() + 5) <= 61 + 5
    assert RateLimit(directory=tmp_path).reserve("another robot", 0) == 0
    first.block("robot", 600)
    assert second.reserve("robot", 0) > 590
    (tmp_path / "robot.json").write_text("{not json")
    assert RateLimit(directory=tmp_path).reserve("robot", 0) == 0, "unreadable counts count as none"
