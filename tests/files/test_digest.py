"""``python -m server digest``: an export's digest to a WeCom or DingTalk group robot, tested against
local stand-ins of both webhooks over real HTTP (``standins.group_robots``)."""
import csv
import io
import json
import os
import socket
from pathlib import Path

import pytest

from server import robots
from standins.group_robots import DINGTALK_SECRET, Robot
from tests.support import ROOT
from tests.support.commands import jdpg

AS_OF = "2022-06-20 12:00:00"
HEADER = ["订单号", "商品名称", "付款确认时间", "揽收时间", "应付金额", "满3免3"]
# Jingxi 618 2022 (seed 004: 6月16日至6月18日成交的订单须96小时内完成发货): paid 06-16 is a 96-hour day.
OVERDUE = ["235711131701", "T恤", "2022-06-16 10:00:00", "", "59.00", ""]
AT_RISK = ["235711131702", "凉席", "2022-06-16 13:00:00", "", "159.00", ""]
PENDING = ["235711131703", "水杯", "2022-06-19 09:00:00", "", "29.00", ""]
OWED = ["235711131704", "抽纸", "2022-06-16 10:00:00", "2022-06-16 12:00:00", "6.45", "是"]
BAD = ["235711131705", "电风扇", "2022-06-31 25:00:00", "", "199.00", ""]


def write_export(path, rows):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([HEADER, *rows])
    path.write_bytes(text.getvalue().encode("gbk"))
    return path


@pytest.fixture
def export(tmp_path):
    return write_export(tmp_path / "orders.csv", [OVERDUE, AT_RISK, PENDING, OWED, BAD])


def run(command, source, *args):
    # The robots' counts are kept in JDPG_DATA_DIR/robots: the test's own folder.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JDPG_DATA_DIR": str(Path(source).parent / "data")}
    return jdpg(command, source, "--platform", "jingxi", "--as-of", AS_OF, *args, env=env, timeout=60)


def annotated(source, tmp_path):
    """The same file through ``annotate``: the digest must agree with it."""
    out = tmp_path / "copy.csv"
    assert run("annotate", source, "-o", out).returncode == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes()[3:].decode("utf-8"), newline="")))
    index = {title: i for i, title in enumerate(rows[0])}
    return {row[0]: {"ship_by": row[index["JDPG 发货截止 Ship by"]], "owed": row[index["JDPG 应赔金额 Owed (¥)"]],
                     "late": row[index["JDPG 超时小时 Hours late"]]}
            for row in rows[1:]}


def assert_failed(result, *words):
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "错误" in result.stderr and "Error" in result.stderr
    for word in words:
        assert word in result.stderr
    assert "693a91f6" not in result.stderr and "e9a8118c" not in result.stderr, "the robot's key is never printed"


def test_wecom_gets_a_markdown_digest_in_its_documented_shape(export, tmp_path):
    with Robot("wecom") as robot:
        result = run("digest", export, "--webhook", robot.url, "--kind", "wecom")
    assert result.returncode == 0, result.stderr
    assert "已发送 1 条到企业微信群" in result.stdout and "WeCom" in result.stdout
    assert len(robot.messages) == 1
    content = robot.messages[0]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert "已超时未发货 Overdue: <font color=\"warning\">1</font>" in content
    assert "即将超时 At risk: <font color=\"warning\">1</font>" in content
    assert "待发货 Pending: 1" in content
    copy = annotated(export, tmp_path)
    assert f"应付赔偿 Owed: ¥{copy[OWED[0]]['owed']}" in content and copy[OWED[0]]["owed"] != "0.00"
    assert "无法读取的订单 Orders that could not be read: 1" in content
    lead = content.index("- 1 单无法判断发货时效：“付款确认时间”列的值无法读取")
    assert lead < content.index("- 发货时效只判断了 4/5 单 Shipping judged for 4 of 5 orders:") < content.index(
        "Overdue:"), "what could not be checked leads, then how many the counts are of"
    overdue = content.split("**已超时未发货 Overdue（最久的在前 longest first）**\n")[1].split("\n\n")[0].splitlines()
    assert copy[OVERDUE[0]]["late"] == "2.0"  # paid 06-16 10:00 (a 96-hour day), as of 06-20 12:00
    assert overdue == [f"1. {OVERDUE[0]} · 超时 2 小时 2 h late · 截止 {copy[OVERDUE[0]]['ship_by'][5:16]} due"]
    assert content.index("Overdue（") < content.index("Due soonest"), "the overdue orders are named first"
    soonest = content.split("**最先到期 Due soonest**")[1].strip().splitlines()
    assert [line.split(" · ")[0] for line in soonest] == [f"1. {AT_RISK[0]}", f"2. {PENDING[0]}"]
    assert f"截止 {copy[PENDING[0]]['ship_by'][5:16]} due" in soonest[1]


def test_dingtalk_gets_title_and_text_and_a_valid_signature(export):
    with Robot("dingtalk", secret=DINGTALK_SECRET) as robot:
        result = run("digest", export, "--webhook", robot.url, "--kind", "dingtalk", "--secret", DINGTALK_SECRET)
        assert result.returncode == 0, result.stderr
        message = robot.messages[0]["markdown"]
        assert "已超时 1" in message["title"] and "即将超时 1" in message["title"]
        assert "已超时未发货 Overdue: **1**" in message["text"] and "<font" not in message["text"]
        wrong = run("digest", export, "--webhook", robot.url, "--kind", "dingtalk", "--secret", "SECwrong")
    assert_failed(wrong, "310000", "sign not match", "钉钉机器人拒绝了消息", "DingTalk robot refused", "--secret")
    assert len(robot.messages) == 1


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
@pytest.mark.parametrize("mode, words", [
    ("errcode", ("errcode", "太频繁", "too many messages")),
    ("http500", ("HTTP 500", "消息未送达", "not delivered")),
    ("not-json", ("JSON", "errcode/errmsg")),
    ("slow", ("1 秒内没有答完", "within the 1 s deadline")),
])
def test_a_robot_that_refuses_fails_or_does_not_answer_is_said_clearly(export, kind, mode, words):
    with Robot(kind) as robot:
        robot.mode = mode
        result = run("digest", export, "--webhook", robot.url, "--kind", kind, "--timeout", "1")
    assert_failed(result, *words)


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
def test_a_wrong_key_is_the_robots_own_errcode(export, kind):
    with Robot(kind) as robot:
        url = robot.url.replace("693a91f6", "00000000").replace("e9a8118c", "00000000")
        result = run("digest", export, "--webhook", url, "--kind", kind)
    assert_failed(result, "93000" if kind == "wecom" else "300001")


def test_a_robot_that_cannot_be_reached_is_said_clearly(export):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    result = run("digest", export, "--webhook", f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=693a91f6",
                 "--kind", "wecom")
    assert_failed(result, "无法连接企业微信机器人", "cannot reach the WeCom robot")


def test_the_kind_comes_from_the_host_and_an_unknown_host_needs_kind(export):
    wecom = run("digest", export, "--webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "--dry-run")
    assert wecom.returncode == 0 and '<font color="warning">1</font>' in wecom.stdout
    dingtalk = run("digest", export, "--webhook", "https://oapi.dingtalk.com/robot/send?access_token=x", "--dry-run")
    assert dingtalk.returncode == 0 and "Overdue: **1**" in dingtalk.stdout
    unknown = run("digest", export, "--webhook", "https://hooks.example.com/x", "--dry-run")
    assert unknown.returncode == 2 and "--kind" in unknown.stderr


def test_a_plain_http_webhook_elsewhere_is_refused_and_the_secret_is_dingtalk_only(export):
    plain = run("digest", export, "--webhook", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    assert_failed(plain, "https://")
    wecom_secret = run("digest", export, "--webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
                       "--secret", "SECx")
    assert wecom_secret.returncode == 2 and "--secret" in wecom_secret.stderr


def test_the_digest_takes_annotates_input_options_and_refuses_the_same_way(export, tmp_path):
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    bad_map = run("digest", export, "--webhook", url, "--map", "揽收时间=pickup_time")
    assert bad_map.returncode == 2 and "picked_up_at" in bad_map.stderr
    missing = run("digest", tmp_path / "nope.csv", "--webhook", url)
    assert_failed(missing, "找不到文件", "no such file")
    renamed = write_export(tmp_path / "renamed.csv", [[*OVERDUE[:3], "2022-06-20 11:00:00", *OVERDUE[4:]]])
    text = renamed.read_bytes().decode("gbk").replace("揽收时间", "快递揽收", 1)
    renamed.write_bytes(text.encode("gbk"))
    without = run("digest", renamed, "--webhook", url, "--dry-run")
    with_map = run("digest", renamed, "--webhook", url, "--dry-run", "--map", "快递揽收=picked_up_at")
    assert "Overdue: <font" in without.stdout and "Overdue: 0" in with_map.stdout


def test_a_long_list_is_cut_to_what_wecom_takes(tmp_path):
    rows = [[f"2357{n:08d}", "商品", f"2022-06-19 {n % 24:02d}:00:00", "", "9.90", ""] for n in range(300)]
    source = write_export(tmp_path / "many.csv", rows)
    with Robot("wecom") as robot:
        result = run("digest", source, "--webhook", robot.url, "--kind", "wecom", "--top", "50")
    assert result.returncode == 0, result.stderr
    content = robot.messages[0]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    listed = [line for line in content.splitlines() if line[:1].isdigit()]
    assert 10 < len(listed) <= 50


def overdue_export(tmp_path, n):
    """``n`` overdue orders (Jingxi 618, paid 06-16 00:00 and on: 96-hour days), each 1 minute apart,
    every other one with the 满3免3 red envelope, so that it costs something."""
    rows = [[f"2357{k:08d}", "商品", f"2022-06-16 {k // 60:02d}:{k % 60:02d}:00", "", "9.90", "是" if k % 2 else ""]
            for k in range(n)]
    return write_export(tmp_path / "overdue.csv", rows)


def listed_orders(texts):
    return [line.split(" · ")[0].split(". ", 1)[1] for text in texts for line in text.splitlines()
            if " 小时 " in line and " h late" in line]


def more_count(texts, words):
    counts = [int(line.split("还有 ")[1].split(" ")[0]) for text in texts for line in text.splitlines()
              if line.startswith("…还有") and words in line]
    assert len(counts) <= 1
    return sum(counts)


@pytest.mark.parametrize("kind, limit", [("wecom", 4096), ("dingtalk", 20000)])
def test_300_overdue_orders_are_named_longest_first_within_the_size_and_rate_limits(tmp_path, kind, limit):
    source = overdue_export(tmp_path, 300)
    with Robot(kind) as robot:
        result = run("digest", source, "--webhook", robot.url, "--kind", kind)
    assert result.returncode == 0, result.stderr
    assert robot.refusals == [], "the robot never had to refuse anything"
    assert len(robot.messages) == (3 if kind == "wecom" else 2), "split, within the default 3 messages"
    texts = [m["markdown"]["content" if kind == "wecom" else "text"] for m in robot.messages]
    sizes = [len(t.encode()) if kind == "wecom" else len(json.dumps(m, ensure_ascii=False, separators=(",", ":")).encode())
             for t, m in zip(texts, robot.messages)]
    assert max(sizes) <= limit and f"已发送 {len(texts)} 条" in result.stdout
    assert "已超时未发货 Overdue: " + robots.warn(kind, "300") in texts[0]
    named = listed_orders(texts)
    assert named == [f"2357{k:08d}" for k in range(len(named))], "longest overdue first (paid earliest)"
    assert len(named) + more_count(texts, "已超时") == 300
    if kind == "wecom":  # 4,096 bytes hold about 40 lines: the rest is counted
        assert more_count(texts, "已超时") > 0 and texts[-1].splitlines()[-1].startswith("…还有")
    else:  # 20,000 bytes as UTF-8 hold them all (as \\uXXXX escapes they would not)
        assert more_count(texts, "已超时") == 0
    lines = [line for text in texts for line in text.splitlines() if " h late" in line]
    for k, line in enumerate(lines):  # the odd ones owe the 满3免3 share: what each order costs
        assert line.endswith(" · 应赔 ¥4.95 owed") if k % 2 else "¥" not in line, line
    assert all(text.startswith(("### 京东订单提醒", "**订单提醒")) for text in texts)


def test_every_overdue_order_is_named_when_more_messages_are_allowed(tmp_path):
    source = overdue_export(tmp_path, 300)
    with Robot("wecom") as robot:
        result = run("digest", source, "--webhook", robot.url, "--kind", "wecom", "--messages", "10")
    assert result.returncode == 0, result.stderr
    texts = [m["markdown"]["content"] for m in robot.messages]
    assert len(listed_orders(texts)) == 300 and more_count(texts, "已超时") == 0
    assert robot.refusals == [] and all(len(t.encode()) <= 4096 for t in texts)


def test_a_digest_the_robot_cannot_take_in_one_minute_is_stopped_not_pushed_over(tmp_path):
    source = overdue_export(tmp_path, 300)
    with Robot("wecom") as robot:
        for _ in range(19):  # 19 of the minute's 20 already used by another sender
            robot._counted.append(robot.clock())
        result = run("digest", source, "--webhook", robot.url, "--kind", "wecom")
    assert result.returncode == 1
    assert "已发送 1/3 条" in result.stderr and "1 of 3 messages sent" in result.stderr
    assert "45009" in result.stderr and robot.refusals == [(45009, robot.refusals[0][1])]


def test_dry_run_needs_no_webhook_and_sending_does(export):
    dry = run("digest", export, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("### 京东订单提醒") and '<font color="warning">1</font>' in dry.stdout
    dingtalk = run("digest", export, "--dry-run", "--kind", "dingtalk")
    assert dingtalk.returncode == 0 and "Overdue: **1**" in dingtalk.stdout
    missing = run("digest", export)
    assert missing.returncode == 2 and "--webhook" in missing.stderr and "--dry-run" in missing.stderr


def test_a_renamed_header_leads_the_digest_and_no_count_reads_zero(tmp_path):
    """The sample's 付款确认时间 renamed: nothing can be judged, and the digest says so first."""
    source = overdue_export(tmp_path, 79)
    text = source.read_bytes().decode("gbk").replace("付款确认时间", "付款日期", 1)
    source.write_bytes(text.encode("gbk"))
    with Robot("dingtalk") as robot:
        result = run("digest", source, "--webhook", robot.url, "--kind", "dingtalk")
    assert result.returncode == 0, result.stderr
    message = robot.messages[0]["markdown"]
    lines = message["text"].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("- "))
    assert "79 单无法判断发货" in lines[first], "what could not be checked comes first"
    assert "Not checked" in lines[first - 1]
    assert "Overdue: —" in message["text"] and "At risk: —" in message["text"] and "Pending: —" in message["text"]
    assert ": 0" not in message["text"].split("Owed")[0], "a count not measured is never shown as 0"
    assert "已超时 —" in message["title"] and "not checked" in message["title"]


def test_digests_run_one_after_another_share_the_robots_20_a_minute(tmp_path):
    source = overdue_export(tmp_path, 300)
    with Robot("wecom") as robot:
        runs = [run("digest", source, "--webhook", robot.url, "--kind", "wecom", "--messages", "8", "--timeout", "3")
                for _ in range(3)]
    assert [r.returncode for r in runs] == [0, 0, 1], [r.stderr for r in runs]
    n = int(runs[0].stdout.split("已发送 ")[1].split(" ")[0])  # each run's messages (7: 300 lines in 4,096 bytes)
    assert 2 * n < 20 < 3 * n and f"已发送 {20 - 2 * n}/{n} 条" in runs[2].stderr
    assert "每分钟最多 20 条" in runs[2].stderr and "at most 20 messages a minute" in runs[2].stderr
    assert len(robot.messages) == 20 and robot.refusals == [], "the robot never had to refuse"
