import pytest

from shared import default_engine, parse_time


@pytest.fixture(scope="session")
def engine():
    return default_engine()


@pytest.fixture
def annotate(engine):
    """annotate(order fields, as_of=...) -> the result dict of the contract."""
    def run(as_of="2022-06-20T12:00:00+08:00", **order):
        order.setdefault("order_id", "T1")
        return engine.annotate_raw(order, as_of=parse_time(as_of))
    return run


def codes(result):
    return [f["code"] for f in result["flags"]]
