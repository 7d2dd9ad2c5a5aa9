"""The API with the rules core's answers worked out ahead: what HTTP, Flask and JSON cost alone.

``bench/api.py --without-core`` serves this app: the real ``create_app`` with its engine wrapped.
Each distinct order is annotated for real the first time it is posted, and that result is answered
again afterwards, so every later request makes the same response, of the same size, without
running the rules. Benchmarks only."""
from server.app import create_app as _create_app
from server.runtime import tune_gc
from shared.options import DEFAULT


class PrecomputedEngine:
    """The engine's interface, answering each (order, as_of) with the result worked out the first time."""

    def __init__(self, engine):
        self._engine = engine
        self._answers = {}
        self.catalog, self.calendar, self.params = engine.catalog, engine.calendar, engine.params

    def annotate_raw(self, raw, *, as_of, defaults=None, options=DEFAULT):
        key = (as_of, str(raw.get("order_id")))
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._engine.annotate_raw(raw, as_of=as_of, defaults=defaults, options=options)
        return answer


def create_app():
    tune_gc()
    app = _create_app()
    app.extensions["jdpg.engine"] = PrecomputedEngine(app.extensions["jdpg.engine"])
    return app
