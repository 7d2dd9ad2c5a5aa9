"""The production WSGI entry point: ``gunicorn 'server.wsgi:app'``, ``waitress-serve server.wsgi:app``.

Each worker process imports this once: the app is made from the environment's settings
(README, Configuration), then the collector is tuned, freezing the loaded rule data out of its reach."""
from .app import create_app
from .runtime import tune_gc

app = create_app()
tune_gc()
