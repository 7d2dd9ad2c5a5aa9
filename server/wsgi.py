"""The production WSGI entry point: ``gunicorn 'server.wsgi:app'``, ``waitress-serve server.wsgi:app``.

Each worker process imports this once: the app is made from the environment's settings
(README, Configuration), then the collector is tuned, freezing the loaded rule data out of its
reach. A bad setting or campaign file stops the worker with one line naming it, as ``jdpg serve``
does; gunicorn then stops too (exit code 3 is its "worker failed to boot")."""
import sys

from shared.errors import DataFileError

from .app import create_app
from .config import SettingsError
from .runtime import tune_gc

WORKER_BOOT_ERROR = 3

try:
    app = create_app()
except SettingsError as exc:
    print(f"设置错误，未启动 / bad setting, not started: {exc}", file=sys.stderr, flush=True)
    sys.exit(WORKER_BOOT_ERROR)
except DataFileError as exc:
    print(f"活动日历文件错误，未启动 / bad campaign file, not started: {exc}", file=sys.stderr, flush=True)
    sys.exit(WORKER_BOOT_ERROR)
tune_gc()
