"""The API with the rules core's answers worked out ahead: what HTTP, Flask and JSON cost alone.

``bench/api.py --without-core`` serves this app. Each distinct batch is annotated for real the
first time it is posted, and that result is answered again afterwards, so every later request
makes the same response, of the same size, without running the rules. Benchmarks only.
"""
import server.service as service
from server.app import create_app as _create_app

_annotate = service.annotate_batch
_answers = {}


def _precomputed(engine, orders, *, as_of, **options):
    key = (as_of, tuple(str(o.get("order_id")) for o in orders))
    if key not in _answers:
        _answers[key] = _annotate(engine, orders, as_of=as_of, **options)
    return _answers[key]


def create_app():
    service.annotate_batch = _precomputed
    return _create_app()
