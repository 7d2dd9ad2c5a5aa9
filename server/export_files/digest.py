"""``python -m server digest FILE --webhook URL``: an export's digest posted to a team's group robot.

The file is read and annotated as ``annotate`` does (same options, same parser), nothing is
written, and a markdown summary (overdue, at risk, money, the orders due soonest) goes to a
WeCom (企业微信) or DingTalk (钉钉) group robot webhook, in the message shape their public
documentation gives:

- WeCom ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``:
  ``{"msgtype": "markdown", "markdown": {"content": …}}``, content at most 4,096 bytes;
- DingTalk ``https://oapi.dingtalk.com/robot/send?access_token=…``:
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; with ``--secret`` (the
  robot's 加签 secret, ``SEC…``) the URL also carries ``timestamp`` (ms) and ``sign``, the
  Base64 HMAC-SHA256 of ``timestamp + "\\n" + secret`` keyed by the secret.

Both answer ``{"errcode": 0, "errmsg": "ok"}``; any other errcode, an HTTP error or no answer in
``--timeout`` seconds is a failure, said in Chinese and English (exit 1). The webhook URL holds
the robot's key, so it is never printed whole.

Exit codes: 0 sent (or printed, ``--dry-run``); 1 refused or not delivered; 2 bad command line;
130 / 143 interrupted.
"""
import argparse
import sys
from datetime import datetime

from .. import robots
from .counts import SOONEST, Refused, count_export, input_options, inputs_of, run_stoppable, status_label

# WeCom's documented limit for markdown content; DingTalk's is larger, the same budget is kept.
MAX_MESSAGE_BYTES = 4096
DEFAULT_TIMEOUT = 10.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m server digest", parents=[input_options()],
        description="把订单导出文件的摘要（已超时、即将超时、赔付、最先到期的订单）发到企业微信或钉钉群机器人。"
                    " Post an export file's digest (overdue, at risk, money, the orders due soonest) to a WeCom "
                    "or DingTalk group robot webhook.")
    parser.add_argument("--webhook", required=True, metavar="URL",
                        help="群机器人的 Webhook 地址 the group robot's webhook URL")
    parser.add_argument("--kind", choices=tuple(robots.NAMES),
                        help="机器人类型 wecom or dingtalk (default: from the URL's host)")
    parser.add_argument("--secret", help="钉钉机器人的加签密钥 the DingTalk robot's signing secret (SEC…)")
    parser.add_argument("--top", type=_count, default=SOONEST,
                        help=f"列出最先到期的订单数 how many of the orders due soonest to list (default {SOONEST})")
    parser.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT,
                        help=f"等待机器人应答的秒数 seconds to wait for the webhook (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--dry-run", action="store_true", help="只打印消息，不发送 print the message, send nothing")
    return parser


def _count(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 50:
        raise argparse.ArgumentTypeError(f"应为 0 到 50 的整数 / must be a whole number from 0 to 50: {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError(f"应为 0 到 300 之间的秒数 / must be seconds between 0 and 300: {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    inputs = inputs_of(parser, args)
    kind = args.kind or _kind_of(parser, args.webhook)
    if args.secret and kind != "dingtalk":
        parser.error("--secret 只用于钉钉机器人 / --secret is for DingTalk robots only")
    return run_stoppable(lambda: _digest(args, inputs, kind))


def _digest(args, inputs, kind: str) -> int:
    try:
        robot = robots.robot(args.webhook, kind=kind, secret=args.secret)
        outcome = count_export(args, inputs)
        title, text = digest_markdown(args.file.name, outcome, args.top, kind)
        if args.dry_run:
            print(text)
            return 0
        delivery = robots.send(robot, [robots.Message(title, text)], args.timeout)
        if delivery.error:
            raise delivery.error
    except (Refused, robots.RobotError) as exc:
        print(f"错误：{exc.message}\nError: {exc.message_en}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a merchant gets a sentence, never a traceback
        print(f"错误：意外的内部错误，未发送（{type(exc).__name__}: {exc}）\n"
              f"Error: unexpected internal error, nothing sent ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    zh, en = robot.name
    print(f"已发送到{zh}群 Sent to the {en} group: {robot.where}")
    return 0


def _kind_of(parser, url: str) -> str:
    kind = robots.kind_of(url)
    if kind is None:
        parser.error("无法从地址判断机器人类型，请加 --kind wecom 或 --kind dingtalk / cannot tell the robot from the "
                     "webhook's host: add --kind wecom or --kind dingtalk")
    return kind


def digest_markdown(file_name: str, outcome, top: int, kind: str) -> tuple[str, str]:
    """``(title, markdown)`` within ``MAX_MESSAGE_BYTES``: the counts first, then as many of the
    orders due soonest as fit."""
    tally, summary = outcome.tally, outcome.summary
    as_of = tally.as_of.strftime("%Y-%m-%d %H:%M")
    counts = tally.by_status
    title = f"订单提醒 Order digest：已超时 {counts['overdue']}，即将超时 {counts['at_risk']}"
    warn = (lambda s: f'<font color="warning">{s}</font>') if kind == "wecom" else (lambda s: f"**{s}**")
    head = ["### 京东订单提醒 JD order digest",
            f"> {_md(file_name)} · 以 {as_of} 为准 as of (Beijing time) · 订单 orders {summary['orders']}",
            ""]
    for status in ("overdue", "at_risk", "pending"):
        zh, en = status_label(status)
        value = str(counts[status])
        head.append(f"- {zh} {en}: {warn(value) if status != 'pending' and counts[status] else value}")
    head.append(f"- 应付赔偿 Owed: ¥{summary['compensation_total']} · 若被索赔 If claimed: "
                f"¥{summary['if_claimed_total']} · 补贴损失 Lost: ¥{summary['losses_total']}")
    if summary.get("errors"):
        head.append(f"- 无法读取的订单 Orders that could not be read: {summary['errors']}")
    lines = list(head)
    soonest = tally.soonest()[:top]
    if soonest:
        lines += ["", "**最先到期 Due soonest**"]
        for n, order in enumerate(soonest, start=1):
            zh, en = status_label(order["status"])
            due = datetime.fromisoformat(order["deadline"]).strftime("%m-%d %H:%M")
            line = f"{n}. {_md(order['order_id'])} · 截止 due {due} · {zh} {en}"
            if _size(lines + [line]) > MAX_MESSAGE_BYTES:
                lines.append(f"…（另有 {len(soonest) - n + 1} 单 {len(soonest) - n + 1} more）")
                break
            lines.append(line)
    text = "\n".join(lines)
    return title, text.encode("utf-8")[:MAX_MESSAGE_BYTES].decode("utf-8", "ignore")


def _size(lines: list[str]) -> int:
    return len("\n".join(lines).encode("utf-8")) + 40  # room for the "more" line


_md = robots.plain
