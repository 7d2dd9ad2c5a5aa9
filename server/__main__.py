"""``python -m server``: the API on 127.0.0.1; ``python -m server annotate FILE``: annotate an export."""
import argparse
import logging
import sys

from .config import Settings, is_loopback


def serve(argv) -> int:
    defaults = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m server", description="JD Promo Guard API (development server)")
    parser.add_argument("--host", default=defaults.host, help="default 127.0.0.1 (env JDPG_HOST)")
    parser.add_argument("--port", type=int, default=defaults.port, help="default 8000 (env PORT); 0 picks a free port")
    args = parser.parse_args(argv)
    settings = Settings.from_env(host=args.host, port=args.port)
    if not is_loopback(settings.host) and not settings.api_keys:
        print("拒绝启动：绑定到非本机地址时必须设置 JDPG_API_KEYS / refusing to start: set JDPG_API_KEYS "
              f"when binding to {settings.host}", file=sys.stderr)
        return 2
    from werkzeug.serving import make_server

    from .app import create_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = make_server(settings.host, settings.port, create_app(settings), threaded=True)
    print(f"JD Promo Guard API listening on http://{settings.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "annotate":
        from .export_files.cli import main as annotate_main
        return annotate_main(argv[1:])
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
