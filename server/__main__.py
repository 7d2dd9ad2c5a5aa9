"""``jdpg`` (also ``python -m server``): JD Promo Guard's one command.

``jdpg`` alone, or ``jdpg serve``, starts the API with the demo page; ``jdpg annotate FILE``
annotates an export file; ``jdpg digest FILE --webhook URL`` sends a digest to a group robot;
``jdpg sheets …`` annotates a Google Sheets worksheet; ``jdpg keys new`` makes an API key;
``jdpg shops …`` and ``jdpg watch`` manage and run the watch (the ``watch`` package).
Each command after the first word is its own program with its own ``--help``; the imports
are per command, so the export command loads neither the web framework nor its settings.
"""
import argparse
import logging
import os
import secrets
import socket
import sys
from importlib import metadata

# Waitress's own default; the rules are CPU-bound, so more threads mostly serve slow clients.
PRODUCTION_THREADS = 4
# The headers a reverse proxy named by --trusted-proxy may set (Caddy and our nginx.conf set these).
PROXY_HEADERS = "x-forwarded-for x-forwarded-host x-forwarded-proto x-forwarded-port"
KEY_BYTES = 32


def _prog() -> str:
    return "jdpg" if os.path.basename(sys.argv[0]).lower().startswith("jdpg") else "python -m server"


def _threads(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"应为 1–256 / must be a whole number from 1 to 256: {text!r}")
    return int(text)


def serve(argv, prog: str | None = None) -> int:
    """The API and the demo page: the development server, or waitress with ``--production``.
    A bad setting or campaign file stops the start with one line naming it (exit 2)."""
    from shared.errors import DataFileError

    from .config import SettingsError
    try:
        return _serve(argv, prog)
    except SettingsError as exc:
        print(f"设置错误，未启动 / bad setting, not started: {exc}", file=sys.stderr)
    except DataFileError as exc:
        print(f"活动日历文件错误，未启动 / bad campaign file, not started: {exc}", file=sys.stderr)
    return 2


def _serve(argv, prog):
    from .config import Settings, is_loopback
    defaults = Settings.from_env()
    parser = argparse.ArgumentParser(
        prog=f"{prog or _prog()} serve",
        description="启动 JD Promo Guard API 与演示页 Start the JD Promo Guard API and the demo page. "
                    "Without --production: the development server, for one merchant's own machine.")
    parser.add_argument("--host", default=defaults.host, help="default 127.0.0.1 (env JDPG_HOST)")
    parser.add_argument("--port", type=int, default=defaults.port, help="default 8000 (env PORT); 0 picks a free port")
    parser.add_argument("--production", action="store_true",
                        help="生产模式 serve with waitress (Linux, macOS, Windows); needs JDPG_API_KEYS")
    parser.add_argument("--threads", type=_threads, default=PRODUCTION_THREADS,
                        help=f"waitress worker threads with --production (default {PRODUCTION_THREADS})")
    parser.add_argument("--trusted-proxy", metavar="ADDRESS",
                        help="with --production: the reverse proxy's address (e.g. 127.0.0.1) whose "
                             "X-Forwarded-For/-Proto/-Host headers are believed; others are dropped")
    args = parser.parse_args(argv)
    if args.trusted_proxy and not args.production:
        parser.error("--trusted-proxy 需要 --production / --trusted-proxy needs --production")
    settings = Settings.from_env(host=args.host, port=args.port)
    if args.production and not settings.api_keys:
        print("拒绝启动：生产模式必须设置 JDPG_API_KEYS（用 jdpg keys new 生成）/ refusing to start: "
              "--production needs JDPG_API_KEYS (make one with `jdpg keys new`)", file=sys.stderr)
        return 2
    if not is_loopback(settings.host) and not settings.api_keys:
        print("拒绝启动：绑定到非本机地址时必须设置 JDPG_API_KEYS / refusing to start: set JDPG_API_KEYS "
              f"when binding to {settings.host}", file=sys.stderr)
        return 2
    from .app import create_app
    from .runtime import tune_gc
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        _check_port(settings.host, settings.port)
    except OSError as exc:
        print(f"端口 {settings.host}:{settings.port} 无法使用（{exc.strerror}）：请换一个 --port，或用 --port 0 自动选择\n"
              f"port {settings.host}:{settings.port} cannot be used ({exc.strerror}): choose another --port, or "
              "--port 0 for a free one", file=sys.stderr)
        return 2
    app = create_app(settings)
    tune_gc()
    if args.production:
        import waitress
        proxy = {}
        if args.trusted_proxy:
            proxy = dict(trusted_proxy=args.trusted_proxy, trusted_proxy_headers=PROXY_HEADERS,
                         clear_untrusted_proxy_headers=True)
        server = waitress.create_server(app, host=settings.host, port=settings.port, threads=args.threads,
                                        ident="jdpg", **proxy)
        port, run, close = server.effective_port, server.run, server.close
        kind = "waitress"
    else:
        from werkzeug.serving import make_server
        server = make_server(settings.host, settings.port, app, threaded=True)
        port, run, close = server.server_port, server.serve_forever, server.server_close
        kind = "development server"
    print(f"JD Promo Guard API ({kind}) listening on http://{settings.host}:{port}", flush=True)
    try:
        run()
    except KeyboardInterrupt:
        pass
    finally:
        close()
    return 0


def _check_port(host: str, port: int) -> None:
    """Raises ``OSError`` when ``host:port`` cannot be listened on (another program has it), before
    a server library says so in English only. Port 0 (a free one) always can."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as the servers bind; on Windows the option would share a port in use
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def keys(argv, prog: str | None = None) -> int:
    """``keys new``: a random API key on stdout (alone, for scripts), how to set it on stderr."""
    parser = argparse.ArgumentParser(prog=f"{prog or _prog()} keys", description="API 密钥 API keys")
    commands = parser.add_subparsers(dest="command", required=True, metavar="new")
    commands.add_parser("new", help="生成一个随机密钥 print a new random API key",
                        description="Prints a new random key (secrets.token_urlsafe, 32 bytes) for JDPG_API_KEYS.")
    parser.parse_args(argv)
    key = secrets.token_urlsafe(KEY_BYTES)
    print(key, flush=True)
    print("\n把它加入 JDPG_API_KEYS（多个密钥用逗号分隔），再把同一个密钥填入扩展或表格的设置。\n"
          "Add it to JDPG_API_KEYS (several keys: comma-separated), then enter the same key in the\n"
          "extension's options or the Sheets settings.\n"
          f"  Linux / macOS:        export JDPG_API_KEYS={key}\n"
          f"  Windows PowerShell:   $env:JDPG_API_KEYS=\"{key}\"\n"
          f"  Windows cmd:          set JDPG_API_KEYS={key}\n"
          f"  systemd (EnvironmentFile): JDPG_API_KEYS={key}", file=sys.stderr)
    return 0


def _annotate(argv, prog):
    from .export_files.cli import main as annotate_main
    return annotate_main(argv, prog=f"{prog} annotate")


def _digest(argv, prog):
    from .export_files.digest import main as digest_main
    return digest_main(argv, prog=f"{prog} digest")


def _sheets(argv, prog):
    from sheets_addon.__main__ import main as sheets_main
    return sheets_main(argv, prog=f"{prog} sheets")


def _shops(argv, prog):
    from watch.cli import shops_main
    return shops_main(argv, prog)


def _watch(argv, prog):
    from watch.cli import watch_main
    return watch_main(argv, prog)


def _worker(argv, prog):
    from watch.worker import worker_main
    return worker_main(argv, prog)


COMMANDS = {
    "serve": (serve, "启动 API 与演示页 start the API and the demo page (the default; --production: waitress)"),
    "annotate": (_annotate, "给订单导出文件加标注 annotate a JD order export file offline (CSV, xlsx, or .json of orders / JOS payloads)"),
    "digest": (_digest, "把导出文件的摘要发到企业微信 / 钉钉群 send an export file's digest to a group robot webhook"),
    "sheets": (_sheets, "标注 Google 表格 annotate a Google Sheets worksheet (service account)"),
    "keys": (keys, "API 密钥：jdpg keys new 生成一个 API keys: `keys new` prints a new one"),
    "shops": (_shops, "被监控的京东店铺 the JD shops the watch pulls: add, list, remove, key"),
    "watch": (_watch, "定时拉取店铺订单并提醒群 pull watched shops' orders on a schedule and warn the team (--once: one cycle)"),
    "worker": (_worker, "运行监控队列的任务 run the watch's queued shop jobs (jdpg watch --queue fills the queue)"),
}


def _version() -> str:
    try:
        return metadata.version("jd-promo-guard")
    except metadata.PackageNotFoundError:
        return "checkout"


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The top-level help: every command, and that no command means ``serve``."""
    parser = argparse.ArgumentParser(
        prog=prog, description="JD Promo Guard 京东大促规则助手: the API, export files, Google Sheets, keys.",
        epilog=f"`{prog}` with no command (or only serve's options, e.g. --port 0) runs `serve`. "
               f"`{prog} COMMAND --help` shows a command's options.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, (_, text) in COMMANDS.items():
        commands.add_parser(name, help=text, add_help=False)
    return parser


def _tolerant_output() -> None:
    """A console whose code page cannot show a character (Windows cmd: GBK) gets an escape, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _tolerant_output()
    prog = _prog()
    if argv and argv[0] in COMMANDS:
        run, _ = COMMANDS[argv[0]]
        return run(argv[1:], prog)
    if argv and not argv[0].startswith("-"):
        build_parser(prog).error(f"未知命令 unknown command {argv[0]!r} (choose from {', '.join(COMMANDS)})")
    if argv and argv[0] in ("-h", "--help", "--version"):
        build_parser(prog).parse_args(argv[:1])
    return serve(argv, prog)


if __name__ == "__main__":
    sys.exit(main())
