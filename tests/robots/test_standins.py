"""The robot stand-ins themselves, posted to with a plain HTTP client (not ours): the documented
shapes, the size limits with the real errcodes and bodies, 20 messages a minute, DingTalk's
10-minute block."""
import base64
import hashlib
import hmac
import json
import time

import pytest
import requests

from standins.group_robots import DINGTALK_SECRET, Robot


def post(robot, message, *, raw=None, params=None, url=None):
    data = raw if raw is not None else json.dumps(message, ensure_ascii=False).encode("utf-8")
    response = requests.post(url or robot.url, data=data, params=params, timeout=10,
                             headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200
    return response.json()


def wecom(content):
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk(text, title="订单提醒"):
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def test_wecom_takes_4096_bytes_of_content_and_refuses_one_more_with_40058():
    with Robot("wecom") as robot:
        assert post(robot, wecom("订" * 1365 + "x")) == {"errcode": 0, "errmsg": "ok"}  # 4,096 bytes
        over = post(robot, wecom("订" * 1365 + "xy"))
    assert over["errcode"] == 40058
    assert over["errmsg"].startswith("markdown.content exceed max length 4096.")
    assert "more info at https://open.work.weixin.qq.com/devtool/query?e=40058" in over["errmsg"]
    assert len(robot.messages) == 1


def test_dingtalk_counts_the_body_as_sent_so_unicode_escapes_can_push_it_over():
    text = "订" * 6000  # 18,000 bytes as UTF-8, 36,000 as \\uXXXX escapes
    with Robot("dingtalk") as robot:
        escaped = post(robot, None, raw=json.dumps(dingtalk(text)).encode("ascii"))
        as_utf8 = post(robot, dingtalk(text))
    assert escaped == {"errcode": 460101, "errmsg": "description: body 大小不合法;solution:请保持大小在 20000bytes 以内;"}
    assert as_utf8 == {"errcode": 0, "errmsg": "ok"}
    assert robot.messages == [dingtalk(text)]


def test_dingtalk_takes_a_body_of_exactly_20000_bytes_and_refuses_20001():
    base = len(json.dumps(dingtalk(""), ensure_ascii=False).encode("utf-8"))
    with Robot("dingtalk") as robot:
        assert post(robot, dingtalk("a" * (20000 - base)))["errcode"] == 0
        assert post(robot, dingtalk("a" * (20001 - base)))["errcode"] == 460101


@pytest.mark.parametrize("kind, errcode, errmsg", [
    ("wecom", 45009, "api freq out of limit"),
    ("dingtalk", 130101, "send too fast, exceed 20 times per minute"),
])
def test_twenty_messages_a_minute_then_the_robots_own_refusal(kind, errcode, errmsg):
    message = wecom("hi") if kind == "wecom" else dingtalk("hi")
    with Robot(kind) as robot:
        now = [1000.0]
        robot.clock = lambda: now[0]
        answers = [post(robot, message) for _ in range(21)]
        assert [a["errcode"] for a in answers] == [0] * 20 + [errcode]
        assert answers[-1]["errmsg"].startswith(errmsg)
        now[0] += 60.0  # the first messages leave the minute
        after_a_minute = post(robot, message)["errcode"]
        now[0] += 600.0
        after_ten = post(robot, message)["errcode"]
    if kind == "wecom":
        assert after_a_minute == 0, "WeCom takes messages again once the minute has passed"
    else:
        assert after_a_minute == 130101, "DingTalk blocks a robot that went over for 10 minutes"
        assert after_ten == 0
    assert len(robot.messages) == 20 + (after_a_minute == 0) + (after_ten == 0)


def test_dingtalk_signing_is_checked_as_documented():
    def signed(secret, timestamp):
        sign = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
        return {"timestamp": str(timestamp), "sign": sign}

    now = int(time.time() * 1000)
    with Robot("dingtalk", secret=DINGTALK_SECRET) as robot:
        assert post(robot, dingtalk("hi"), params=signed(DINGTALK_SECRET, now))["errcode"] == 0
        assert post(robot, dingtalk("hi"), params=signed("SECwrong", now)) == {"errcode": 310000,
                                                                               "errmsg": "sign not match"}
        old = post(robot, dingtalk("hi"), params=signed(DINGTALK_SECRET, now - 2 * 3600 * 1000))
        assert old["errcode"] == 310000
        assert post(robot, dingtalk("hi"))["errcode"] == 310000


@pytest.mark.parametrize("kind, errcode", [("wecom", 93000), ("dingtalk", 300001)])
def test_a_wrong_key_is_refused_and_not_counted(kind, errcode):
    with Robot(kind) as robot:
        wrong = robot.url.replace("693a91f6", "00000000").replace("e9a8118c", "00000000")
        message = wecom("hi") if kind == "wecom" else dingtalk("hi")
        assert all(post(robot, message, url=wrong)["errcode"] == errcode for _ in range(25))
        assert post(robot, message)["errcode"] == 0


@pytest.mark.parametrize("kind, message, errcode", [
    ("wecom", {"msgtype": "text", "text": {"content": "hi"}}, 40008),
    ("wecom", wecom(""), 44004),
    ("dingtalk", {"msgtype": "markdown", "markdown": {"text": "hi"}}, 40035),
])
def test_a_message_not_in_the_documented_shape_is_refused(kind, message, errcode):
    with Robot(kind) as robot:
        assert post(robot, message)["errcode"] == errcode
        assert robot.messages == []


def test_a_trickling_stand_in_sends_its_answer_one_byte_at_a_time():
    with Robot("wecom") as robot:
        robot.mode, robot.slow_seconds = "trickle", 0.05
        started = time.monotonic()
        answer = post(robot, wecom("hi"))
        took = time.monotonic() - started
    assert answer == {"errcode": 0, "errmsg": "ok"}
    assert took >= 0.05 * (len(b'{"errcode": 0, "errmsg": "ok"}') - 1)
