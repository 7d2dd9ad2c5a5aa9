"""The production WSGI entry point: ``gunicorn 'server.wsgi:app'``, ``waitress-serve server.wsgi:app``.

Each worker process imports this once: the collector is tuned for the process, then the app is
made from the environment's settings (README, Configuration)."""
from .app import create_app
from .runtime import tune_gc

tune_gc()
app = create_app()
