"""Hostile input to the team digest and its robot client (``server.robots``), one case per test:
webhook URLs whose host a parser and an HTTP client could disagree about, a robot that never
finishes answering, and order ids made of robot markdown."""
import csv
import io
import os
import subprocess
import sys
import time

import pytest

from server import robots
from standins.group_robots import WECOM_KEY, Robot
from tests.support import ROOT

AS_OF = "2022-06-20 12:00:00"
HEADER = ["订单号", "商品名称", "付款确认时间", "揽收时间"]
OVERDUE_PAID = "2022-06-16 10:00:00"  # Jingxi 618: a 96-hour day, overdue at AS_OF


def run(source, *args, timeout=60):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "server", "digest", str(source), "--platform", "jingxi",
                           "--as-of", AS_OF, *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=timeout)


def export(path, order_ids):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([HEADER, *[[order_id, "商品", OVERDUE_PAID, ""] for order_id in order_ids]])
    path.write_bytes(text.getvalue().encode("utf-8"))
    return path


# 26.6: the host checked must be the host connected to. Each of these names another host to some
# parser (a browser's WHATWG parser and urllib3 read "\" as "/"; user info hides the real host),
# or plain http to a host that is not this machine: refused, before anything is read or sent.
DISAGREEING_URLS = {
    "backslash before @ (WHATWG: evil.example)": "http://evil.example\\@127.0.0.1/cgi-bin/webhook/send?key=K",
    "backslash, https, known host first": "https://qyapi.weixin.qq.com\\@evil.example/cgi-bin/webhook/send?key=K",
    "user info naming loopback": "http://127.0.0.1@evil.example/cgi-bin/webhook/send?key=K",
    "user info with a port": "http://127.0.0.1:80@evil.example/cgi-bin/webhook/send?key=K",
    "encoded backslash in user info": "http://evil.example%5C@127.0.0.1/cgi-bin/webhook/send?key=K",
    "IPv6 loopback as user info": "http://[::1]@evil.example/cgi-bin/webhook/send?key=K",
    "full-width solidus before @": "http://evil.example\uff0f@127.0.0.1/cgi-bin/webhook/send?key=K",
    "fragment hiding @": "http://evil.example#@127.0.0.1/cgi-bin/webhook/send?key=K",
    "query hiding @": "http://evil.example?@127.0.0.1/cgi-bin/webhook/send?key=K",
    "tab inside the host (stripped by urlsplit)": "http://127.0.0.1\t.evil.example/cgi-bin/webhook/send?key=K",
    "space before @": "http://127.0.0.1 @evil.example/cgi-bin/webhook/send?key=K",
    "loopback as a prefix": "http://127.0.0.1.evil.example/cgi-bin/webhook/send?key=K",
    "localhost as a prefix": "http://localhost.evil.example/cgi-bin/webhook/send?key=K",
    "percent-encoded dot in the host": "http://127.0.0.1%2eevil.example/cgi-bin/webhook/send?key=K",
    "CR LF in the path": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K\r\nHost: evil.example",
}


@pytest.mark.parametrize("url", DISAGREEING_URLS.values(), ids=DISAGREEING_URLS.keys())
def test_a_webhook_whose_host_could_be_read_two_ways_is_refused(url):
    with pytest.raises(robots.RobotError) as caught:
        robots.robot(url, kind="wecom")
    assert caught.value.code == "bad_url"
    assert caught.value.message.startswith("Webhook 地址不可用") and "cannot be used" in caught.value.message_en


def test_the_reported_url_is_refused_by_the_command_before_anything_is_sent(tmp_path):
    source = export(tmp_path / "orders.csv", ["235711131701"])
    with Robot("wecom") as stand_in:
        url = stand_in.url.replace("http://", "http://evil.example\\@")
        result = run(source, "--webhook", url, "--kind", "wecom")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "反斜杠" in result.stderr and "backslash" in result.stderr
    assert stand_in.requests == 0 and WECOM_KEY not in result.stderr


# 26.7: --timeout is a deadline for the whole send, however the robot answers.
@pytest.mark.parametrize("kind, mode", [("wecom", "trickle"), ("dingtalk", "trickle"), ("wecom", "slow")],
                         ids=["wecom answering one byte a second", "dingtalk answering one byte a second",
                              "wecom never answering"])
def test_timeout_bounds_the_whole_send_against_a_robot_that_never_finishes(tmp_path, kind, mode):
    source = export(tmp_path / "orders.csv", ["235711131701"])
    with Robot(kind) as stand_in:
        stand_in.mode, stand_in.slow_seconds = mode, 1.0 if mode == "trickle" else 60.0
        started = time.monotonic()
        result = run(source, "--webhook", stand_in.url, "--kind", kind, "--timeout", "3", timeout=30)
        took = time.monotonic() - started
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "3 秒内没有答完" in result.stderr and "may not have been delivered" in result.stderr
    assert took < 3 + 8, f"{took:.1f} s: the deadline did not hold"  # the run itself takes a few seconds


# 26.13: order ids written in the robots' markdown, HTML, mentions or links stay plain text.
MARKDOWN_IDS = {
    "bold underscores": "__x__",
    "strikethrough": "~~x~~",
    "bare URL": "http://evil.example/x",
    "bare www host": "www.evil.example",
    "mention all": "@all",
    "WeCom mention": "<@zhangsan>",
    "HTML entities": "&lt;font color=\"warning\"&gt;x&lt;/font&gt;",
    "numeric entities": "&#60;b&#62;x",
    "a link": "[点我](http://evil.example)",
    "a font tag": "<font color=\"info\">x</font>",
    "bold stars and code": "**x** `y`",
    "heading and quote": "# x > y",
}
MARKUP = set("_~@&<>[]()*`#:/.\"")


@pytest.mark.parametrize("order_id", MARKDOWN_IDS.values(), ids=MARKDOWN_IDS.keys())
def test_an_order_id_made_of_markdown_reaches_the_robot_as_plain_text(tmp_path, order_id):
    source = export(tmp_path / "orders.csv", [order_id])
    with Robot("wecom") as stand_in:
        result = run(source, "--webhook", stand_in.url, "--kind", "wecom")
    assert result.returncode == 0, result.stderr
    content = stand_in.messages[0]["markdown"]["content"]
    line = next(line for line in content.splitlines() if line.startswith("1. "))
    shown = line[3:].split(" · ")[0]
    assert shown == robots.plain(order_id) and not MARKUP & set(shown), line
    assert order_id not in content


@pytest.mark.parametrize("column", ["<font>付款</font>", "[付款](http://evil.example)", "@all 付款"],
                         ids=["font tag", "link", "mention all"])
def test_a_column_name_made_of_markdown_is_plain_in_the_digests_lead(tmp_path, column):
    """The merchant's column, named in what could not be checked (its values unreadable), stays text."""
    text = io.StringIO(newline="")
    csv.writer(text).writerows([["订单号", column], ["235711131701", "不是时间"]])
    source = tmp_path / "orders.csv"
    source.write_bytes(text.getvalue().encode("utf-8"))
    with Robot("wecom") as stand_in:
        result = run(source, "--webhook", stand_in.url, "--kind", "wecom", "--map", f"{column}=paid_at")
    assert result.returncode == 0, result.stderr
    content = stand_in.messages[0]["markdown"]["content"]
    lead = next(line for line in content.splitlines() if line.startswith("- 1 单无法判断发货时效"))
    assert robots.plain(column) in lead and column not in content
