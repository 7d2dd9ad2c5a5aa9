"""``python -m server digest FILE --webhook URL``: an export's digest posted to a team's group robot.

The file is read and annotated as ``annotate`` does (same options, same parser), nothing is
written, and a markdown digest goes to a WeCom (企业微信) or DingTalk (钉钉) group robot through
``server.robots`` (URL check, 加签 with ``--secret``, size limits, 20 messages a minute, one
deadline). The digest leads with what could not be checked, so it never reads as a clean bill
of health when it is not one; then the counts and the money; then the overdue orders by name,
longest overdue first, with how late each is and what it costs; then the orders due soonest. It
fits each robot's limit, in at most ``--messages`` messages, and says "…还有 N 单… N more" for
what does not fit. ``--dry-run`` prints the messages (``--webhook`` not needed).

Exit codes: 0 every message sent (or printed, ``--dry-run``); 1 refused, or not every message
delivered (the first ones may have been: stderr says how many); 2 bad command line; 130 / 143
interrupted.
"""
import argparse
import sys
from datetime import datetime
from decimal import Decimal

from shared.messages import duration, sentences

from .. import robots
from .counts import SOONEST, Refused, count_export, input_options, inputs_of, run_stoppable, status_label
from .tally import SOONEST_KEPT

DEFAULT_TIMEOUT = 10.0
# Messages one digest may take: a fraction of a robot's 20 a minute, leaving room for the watch.
DEFAULT_MESSAGES = 3
MAX_MESSAGES = 10
DRY_RUN_KIND = "wecom"  # the format --dry-run prints without --webhook or --kind


def build_parser(prog: str = "python -m server digest") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, parents=[input_options()],
        description="把订单导出文件的摘要（无法检查的、已超时的订单及其损失、最先到期的订单）发到企业微信或钉钉群机器人。"
                    " Post an export file's digest (what could not be checked, the overdue orders and what they "
                    "cost, the orders due soonest) to a WeCom or DingTalk group robot webhook.")
    parser.add_argument("--webhook", metavar="URL",
                        help="群机器人的 Webhook 地址 the group robot's webhook URL (not needed with --dry-run)")
    parser.add_argument("--kind", choices=tuple(robots.NAMES),
                        help=f"机器人类型 wecom or dingtalk (default: from the URL's host; {DRY_RUN_KIND} for a "
                             "--dry-run without --webhook)")
    parser.add_argument("--secret", help="钉钉机器人的加签密钥 the DingTalk robot's signing secret (SEC…)")
    parser.add_argument("--top", type=_count, default=SOONEST,
                        help=f"列出最先到期的订单数 how many of the orders due soonest to list (default {SOONEST}, "
                             f"at most {SOONEST_KEPT})")
    parser.add_argument("--messages", type=_messages, default=DEFAULT_MESSAGES,
                        help=f"最多发几条消息 the most messages to send (default {DEFAULT_MESSAGES}, at most "
                             f"{MAX_MESSAGES}; a robot takes 20 a minute); what does not fit is counted")
    parser.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT,
                        help=f"整个发送的时限（秒）the deadline in seconds for the whole send (default "
                             f"{DEFAULT_TIMEOUT:g})")
    parser.add_argument("--dry-run", action="store_true", help="只打印消息，不发送 print the messages, send nothing")
    return parser


def _count(text: str) -> int:
    return _whole(text, 0, SOONEST_KEPT)


def _messages(text: str) -> int:
    return _whole(text, 1, MAX_MESSAGES)


def _whole(text: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(f"应为 {low} 到 {high} 的整数 / must be a whole number from {low} to {high}: "
                                         f"{text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError(f"应为 0 到 300 之间的秒数 / must be seconds between 0 and 300: {text!r}")
    return value


def main(argv: list[str] | None = None, prog: str = "python -m server digest") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    inputs = inputs_of(parser, args)
    if not args.webhook and not args.dry_run:
        parser.error("需要 --webhook（或用 --dry-run 只打印）/ --webhook is required (or --dry-run to print only)")
    kind = args.kind or (_kind_of(parser, args.webhook) if args.webhook else DRY_RUN_KIND)
    if args.secret and kind != "dingtalk":
        parser.error("--secret 只用于钉钉机器人 / --secret is for DingTalk robots only")
    return run_stoppable(lambda: _digest(args, inputs, kind))


def _digest(args, inputs, kind: str) -> int:
    try:
        robot = robots.robot(args.webhook, kind=kind, secret=args.secret) if args.webhook else None
        outcome = count_export(args, inputs)
        messages = digest_messages(args.file.name, outcome, kind, top=args.top, max_messages=args.messages)
        if args.dry_run:
            print(_printed(messages))
            return 0
        delivery = robots.send(robot, messages, args.timeout)
    except (Refused, robots.RobotError) as exc:
        print(f"错误：{exc.message}\nError: {exc.message_en}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a merchant gets a sentence, never a traceback
        print(f"错误：意外的内部错误，未发送（{type(exc).__name__}: {exc}）\n"
              f"Error: unexpected internal error, nothing sent ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    zh, en = robot.name
    sent, total = len(delivery.sent), len(messages)
    if delivery.error:
        error = delivery.error
        print(f"错误：已发送 {sent}/{total} 条到{zh}群，其余未发送：{error.message}\n"
              f"Error: {sent} of {total} messages sent to the {en} group, the rest not: {error.message_en}",
              file=sys.stderr)
        return 1
    print(f"已发送 {total} 条到{zh}群 Sent {total} message(s) to the {en} group: {robot.where}")
    return 0


def _printed(messages: list) -> str:
    if len(messages) == 1:
        return messages[0].text
    return "\n\n".join(f"—— 第 {i}/{len(messages)} 条 message {i} of {len(messages)} ——\n{m.text}"
                        for i, m in enumerate(messages, start=1))


def _kind_of(parser, url: str) -> str:
    kind = robots.kind_of(url)
    if kind is None:
        parser.error("无法从地址判断机器人类型，请加 --kind wecom 或 --kind dingtalk / cannot tell the robot from the "
                     "webhook's host: add --kind wecom or --kind dingtalk")
    return kind


OVERDUE_MORE = ("还有 {n} 单已超时未列出", "{n} more overdue not listed")
SOONEST_MORE = ("还有 {n} 单待发货未列出", "{n} more waiting not listed")
SHIPPING = "shipping"
# Reasons listed in the digest's lead; the rest are counted (each is a line of up to ~300 bytes).
MAX_GAP_LINES = 6


def digest_messages(file_name: str, outcome, kind: str, *, top: int = SOONEST,
                    max_messages: int = DEFAULT_MESSAGES) -> list[robots.Message]:
    """The digest as robot messages: what could not be checked first (the summary's coverage), the
    counts and money, the overdue orders (longest first: hours late, what each costs), the orders
    due soonest. Ship counts read "—" when no order's ship-by deadline could be judged."""
    tally, summary = outcome.tally, outcome.summary
    counts = tally.by_status
    coverage = summary["coverage"]
    shipping = coverage.get(SHIPPING)
    judged = shipping["judged"] if shipping else 0

    def count(status: str) -> str:
        if not judged:
            return "—"
        value = counts[status]
        return robots.warn(kind, str(value)) if value and status != "pending" else str(value)

    gaps = _gaps(coverage)
    title = (f"订单提醒 Order digest：已超时 {counts['overdue'] if judged else '—'}，"
             f"即将超时 {counts['at_risk'] if judged else '—'}")
    if gaps:
        title += "，有未检查的订单 some not checked"
    as_of = tally.as_of.strftime("%Y-%m-%d %H:%M")
    head = [robots.heading("京东订单提醒 JD order digest"),
            robots.quote(f"{robots.plain(file_name)} · 以 {as_of} 为准 as of (Beijing time) · 订单 orders "
                         f"{summary['orders']}"), ""]
    if gaps:
        head.append(robots.warn(kind, "⚠ 未能检查 Not checked — 下面的数字不含这些订单 the figures below leave them out"))
        head += [f"- {zh} / {en}" for zh, en in gaps[:MAX_GAP_LINES]]
        if len(gaps) > MAX_GAP_LINES:
            n = len(gaps) - MAX_GAP_LINES
            head.append(f"- …另有 {n} 条原因未列出（annotate 的汇总页有全部）{n} more reasons not listed "
                        "(annotate's summary sheet has them all)")
        head.append("")
    if shipping is None:
        head.append("- 本次未检查发货时效（--families 不含 shipping）Shipping not checked (not in --families)")
    elif shipping["not_judged"] and judged:
        head.append(f"- 发货时效只判断了 {judged}/{shipping['orders']} 单 Shipping judged for {judged} of "
                    f"{shipping['orders']} orders:")
    for status in ("overdue", "at_risk", "pending"):
        zh, en = status_label(status)
        head.append(f"- {zh} {en}: {count(status)}")
    head.append(f"- 应付赔偿 Owed: ¥{summary['compensation_total']} · 若被索赔 If claimed: "
                f"¥{summary['if_claimed_total']} · 补贴损失 Lost: ¥{summary['losses_total']}")
    if summary.get("errors"):
        head.append(f"- 无法读取的订单 Orders that could not be read: {summary['errors']}")
    head.append("")
    overdue = tally.overdue()
    soonest = tally.soonest()[:top]
    sections = [
        robots.Section(robots.bold("已超时未发货 Overdue（最久的在前 longest first）"),
                       [_overdue_line(n, order, tally.as_of) for n, order in enumerate(overdue, start=1)],
                       OVERDUE_MORE, hidden=counts["overdue"] - len(overdue)),
        robots.Section("\n" + robots.bold("最先到期 Due soonest"),
                       [_soonest_line(n, order) for n, order in enumerate(soonest, start=1)],
                       SOONEST_MORE, hidden=max(counts["at_risk"] + counts["pending"] - len(soonest), 0) if top else 0),
    ]
    return robots.pack(kind, title, head, sections, max_messages=max_messages)


def _gaps(coverage: dict) -> list[tuple[str, str]]:
    """What could not be checked, ``(zh, en)``: the coverage's reasons, shipping's first, then by the
    orders they cost; the merchant's own words in them (a column, a suggested header) kept plain."""
    listed = [(family, reason) for family, entry in coverage.items() for reason in entry["reasons"]
              if reason["orders"]]
    ordered = sorted(listed, key=lambda item: (item[0] != SHIPPING, -item[1]["orders"]))  # stable: ties as given
    return [(_plain_merchant(reason, "message"), _plain_merchant(reason, "message_en"))
            for _, reason in ordered]


def _plain_merchant(reason: dict, key: str) -> str:
    text = reason[key]
    for words in {reason.get("column"), (reason.get("suggest") or {}).get("header")} - {None, ""}:
        text = text.replace(words, robots.plain(words))
    return text


def _overdue_line(n: int, order: dict, as_of: datetime) -> str:
    deadline = datetime.fromisoformat(order["deadline"])
    late = duration(as_of - deadline, up=True)  # the one duration format, as the rules' sentences say it
    zh, en = sentences({"code": late["phrase"], "params": late["params"]})
    money = [f"{zh} ¥{order[key]} {en}" for key, zh, en in (("owed", "应赔", "owed"), ("if_claimed", "若被索赔", "if claimed"),
                                                        ("lost", "补贴损失", "lost")) if Decimal(order[key])]
    line = f"{n}. {robots.plain(order['order_id'])} · 超时 {zh} {en} late · 截止 {deadline:%m-%d %H:%M} due"
    return " · ".join([line, *money])


def _soonest_line(n: int, order: dict) -> str:
    zh, en = status_label(order["status"])
    due = datetime.fromisoformat(order["deadline"])
    return f"{n}. {robots.plain(order['order_id'])} · 截止 {due:%m-%d %H:%M} due · {zh} {en}"
