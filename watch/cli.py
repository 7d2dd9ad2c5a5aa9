"""``jdpg shops add|list|remove|key`` and ``jdpg watch [--once] [--as-of …]``.

Every failure is one sentence in Chinese and English (exit 1; a bad command line exits 2); no
secret is ever printed: a shop's app secret, tokens, robot URL and signing secret are stored
encrypted and shown as "set" at most.
"""
import argparse
import getpass
import logging
import secrets
import signal
import sys
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from server.config import SettingsError
from shared.beijing_time import BEIJING, parse_time
from shared.errors import InvalidTime

from .crypto import SecretKeyMissing, SecretKeyWrong, new_key
from .jos_client import JosClient
from .settings import WatchSettings
from .store import OAuthState, Shop, open_store

# How long the link printed by ``shops add`` stays good (its ``state`` is single use).
STATE_LIFETIME = timedelta(minutes=30)


class Refused(Exception):
    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message, self.message_en = message, message_en


def _fail(exc) -> int:
    zh, en = (exc.message, exc.message_en) if isinstance(exc, Refused) else (str(exc), str(exc))
    print(f"错误：{zh}\nError: {en}" if zh != en else f"错误 Error: {zh}", file=sys.stderr)
    return 1


def _open(settings: WatchSettings):
    return open_store(settings.database_url, settings.secret_key)


def _guarded(run):
    def wrapper(argv, prog="jdpg"):
        try:
            return run(argv, prog)
        except SettingsError as exc:
            print(f"设置错误 bad setting: {exc}", file=sys.stderr)
            return 2
        except (SecretKeyMissing, SecretKeyWrong, Refused) as exc:
            return _fail(exc)
    return wrapper


# shops
def shops_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{prog} shops", description="被监控的京东店铺 The JD shops the watch pulls.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="add|list|remove|key")
    add = commands.add_parser("add", help="添加或更新店铺，打印京东授权链接 add or update a shop; prints JD's authorise link",
                              description="Adds (or updates) a shop. Without tokens it prints JD's authorise link: open it, "
                                          "approve, and the server (jdpg serve) receives the code at its callback.")
    add.add_argument("name", help="店铺名（自己取） the shop's name, your choice")
    add.add_argument("--app-key", help="京东开放平台应用的 App Key (required for a new shop)")
    add.add_argument("--app-secret", help="App Secret（不填则提示输入，不回显）; leave out to be prompted without echo")
    add.add_argument("--access-token", help="已有的 access_token（在别处授权所得） a token obtained elsewhere")
    add.add_argument("--refresh-token", help="与之配套的 refresh_token")
    add.add_argument("--expires-in", type=int, metavar="SECONDS", help="access_token 的剩余有效秒数 seconds the token has left")
    add.add_argument("--webhook", metavar="URL", help="群机器人 Webhook 地址 the group robot's webhook URL")
    add.add_argument("--kind", choices=("wecom", "dingtalk"), help="机器人类型 (default: from the URL's host)")
    add.add_argument("--secret", help="钉钉机器人的加签密钥 the DingTalk robot's signing secret (SEC…)")
    commands.add_parser("list", help="列出店铺 list the shops")
    remove = commands.add_parser("remove", help="删除店铺及其订单 remove a shop and its orders")
    remove.add_argument("name")
    commands.add_parser("key", help="生成 JDPG_SECRET_KEY print a new key for JDPG_SECRET_KEY")
    return parser


@_guarded
def shops_main(argv, prog: str = "jdpg") -> int:
    parser = shops_parser(prog)
    args = parser.parse_args(argv)
    if args.command == "key":
        print(new_key())
        print("把它设为 JDPG_SECRET_KEY 并妥善保存：丢失后已存的店铺密钥无法解密。\n"
              "Set it as JDPG_SECRET_KEY and keep it safe: without it the stored shops cannot be decrypted.",
              file=sys.stderr)
        return 0
    settings = WatchSettings.from_env()
    if args.command == "add":
        return _add(parser, args, settings)
    store = _open(settings)
    with store.session() as session:
        if args.command == "list":
            return _list(session)
        shop = session.scalar(select(Shop).where(Shop.name == args.name))
        if shop is None:
            raise Refused(f"没有名为 {args.name!r} 的店铺", f"no shop named {args.name!r}")
        session.delete(shop)
        session.commit()
        print(f"已删除 removed: {args.name}")
    return 0


def _robot_kind(parser, url: str, kind: str | None, secret: str | None) -> str:
    """The robot's kind, once ``server.robots`` has checked its URL (https, a plain host, no user info)."""
    from server.robots import RobotError, robot
    try:
        return robot(url, kind=kind, secret=secret).kind
    except RobotError as exc:
        parser.error(f"--webhook: {exc.message} / {exc.message_en}")


def _add(parser, args, settings: WatchSettings) -> int:
    if (args.access_token is None) != (args.expires_in is None):
        parser.error("--access-token 与 --expires-in 要一起给 / give --access-token and --expires-in together")
    if args.expires_in is not None and not 0 < args.expires_in <= 10 * 365 * 86400:
        parser.error("--expires-in 应为正的秒数 / --expires-in must be a positive number of seconds")
    kind = _robot_kind(parser, args.webhook, args.kind, args.secret) if args.webhook else None
    if not settings.secret_key:
        raise Refused("添加店铺需要 JDPG_SECRET_KEY（用 jdpg shops key 生成），用来加密店铺的密钥和令牌",
                      "adding a shop needs JDPG_SECRET_KEY (make one with `jdpg shops key`): it encrypts the shop's secrets")
    store = _open(settings)
    vault = store.vault
    now = datetime.now(timezone.utc)
    with store.session() as session:
        shop = session.scalar(select(Shop).where(Shop.name == args.name))
        if shop is None:
            if not args.app_key:
                parser.error("新店铺需要 --app-key / a new shop needs --app-key")
            secret = args.app_secret or getpass.getpass("App Secret（不回显 not echoed）: ")
            if not secret.strip():
                raise Refused("App Secret 不能为空", "the app secret cannot be empty")
            shop = Shop(name=args.name, app_key=args.app_key, app_secret=vault.seal(secret.strip()), created_at=now)
            session.add(shop)
        else:
            if args.app_key:
                shop.app_key = args.app_key
            if args.app_secret:
                shop.app_secret = vault.seal(args.app_secret.strip())
        if args.webhook:
            shop.webhook, shop.robot_kind = vault.seal(args.webhook), kind
            shop.robot_secret = vault.seal(args.secret) if args.secret else None
        if args.access_token:
            shop.access_token = vault.seal(args.access_token)
            shop.refresh_token = vault.seal(args.refresh_token) if args.refresh_token else None
            shop.token_expires_at = now + timedelta(seconds=args.expires_in)
            shop.state, shop.state_message, shop.paused_until = "ok", None, None
        session.flush()
        link = None
        if not args.access_token:
            state = secrets.token_urlsafe(24)
            session.add(OAuthState(state=state, shop_id=shop.id, expires_at=now + STATE_LIFETIME))
            client = JosClient(shop.app_key, "", oauth=settings.oauth)
            link = client.authorize_url(settings.redirect_uri, state)
            if shop.access_token is None:
                shop.state = "authorising"
        session.commit()
    print(f"已保存店铺 saved shop: {args.name}")
    if link:
        print(f"\n请用店铺主账号在 {int(STATE_LIFETIME.total_seconds() // 60)} 分钟内打开此链接并授权 "
              f"Open this link as the shop's main account within {int(STATE_LIFETIME.total_seconds() // 60)} minutes "
              f"and approve:\n{link}\n\n"
              f"回调地址 the callback: {settings.redirect_uri} (register it with JD as the app's redirect URI; "
              f"`jdpg serve` must be running there, with the same JDPG_SECRET_KEY and store)")
    return 0


def _when(value) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if value else "—"


def _list(session) -> int:
    shops = session.scalars(select(Shop).order_by(Shop.name)).all()
    if not shops:
        print("还没有店铺 no shops yet: jdpg shops add NAME --app-key …")
        return 0
    from .health import empty, lag_words, shop_health
    health = shop_health(session)
    print("店铺 shop | 状态 state | 上次拉取 last pull | 上次成功 last ok | 滞后 lag | 失败 failures since | "
          "未出库 open | 令牌到期 token expires | 机器人 robot")
    for shop in shops:
        opened = "—" if shop.open_orders is None else str(shop.open_orders)
        h = health.get(shop.id, empty())
        print(f"{shop.name} | {shop.state} | {_when(shop.last_pull_at)} | {_when(h['last_ok_at'])} | "
              f"{lag_words(h['lag_seconds'])} | {h['failures']} | {opened} | {_when(shop.token_expires_at)} | "
              f"{shop.robot_kind or '—'}")
        if shop.state_message:
            print(f"    {shop.state_message}")
    return 0


# watch
def watch_parser(prog: str, settings_interval: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{prog} watch",
        description="拉取每个店铺的未出库订单，判断，提醒群 Pull every shop's open orders, judge them, tell the team. "
                    "Runs a cycle every --interval minutes until stopped; --once runs one cycle and exits "
                    "(for cron, systemd timers, the Windows Task Scheduler).")
    parser.add_argument("--once", action="store_true", help="只运行一轮 run one cycle and exit")
    parser.add_argument("--as-of", help="以此时间（北京时间）判断 judge as of this time (Beijing); default now")
    parser.add_argument("--queue", metavar="redis://…",
                        help="排队给 jdpg worker 而不自己拉取 enqueue one job per shop for `jdpg worker` instead "
                             "of pulling (env JDPG_WATCH_QUEUE)")
    parser.add_argument("--interval", type=int, default=settings_interval,
                        help=f"每轮间隔分钟 minutes between cycles (default {settings_interval}, env JDPG_WATCH_INTERVAL)")
    return parser


@_guarded
def watch_main(argv, prog: str = "jdpg") -> int:
    settings = WatchSettings.from_env()
    parser = watch_parser(prog, settings.interval_minutes)
    args = parser.parse_args(argv)
    as_of = None
    if args.as_of:
        try:
            as_of = parse_time(args.as_of)
        except InvalidTime as exc:
            parser.error(f"--as-of: {exc.message_en}")
        if as_of is None:
            parser.error("--as-of: 应为时间 must be a time")
    if not 1 <= args.interval <= 1440:
        parser.error("--interval 应为 1–1440 分钟 / must be 1–1440 minutes")
    from .cycle import Watch, run_cycle
    store = _open(settings)
    if args.queue or settings.queue_url:
        from .worker import run_scheduler
        return run_scheduler(store, settings, args.queue or settings.queue_url, interval=args.interval,
                             once=args.once, as_of=as_of)
    watch = Watch.from_env(store, settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    failed = False
    while True:
        outcomes = run_cycle(store, watch, as_of=as_of)
        if not outcomes:
            print("还没有店铺 no shops yet: jdpg shops add NAME --app-key …", flush=True)
        for o in outcomes:
            print(f"{o.shop}: {o.outcome} · 未出库 open {o.orders} · 已发送 sent {o.sent}"
                  + (f" · {o.message}" if o.message else ""), flush=True)
        failed = any(o.outcome == "failed" for o in outcomes)
        if args.once or stop.wait(args.interval * 60):
            break
    return 1 if failed else 0
