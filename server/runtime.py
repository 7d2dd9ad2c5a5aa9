"""The cyclic garbage collector, set by our own entry points only (the console command, the WSGI
entry point, the API's batch views, export worker processes): the rules core never touches it.

Annotating builds many small containers (an order's result is some 30 dicts and lists), none
of them in a cycle. While a batch keeps its results, each young-generation collection walks
every result made since the last one, and each older one walks them all again: about a third
of a batch's time. Reference counting frees them all the same."""
import gc
from contextlib import contextmanager


def tune_gc() -> None:
    """Freeze what is loaded (rule data, libraries) out of the collector's reach, and let the young
    generation grow before it is collected: streams (export rows, Sheets rows) make many
    short-lived acyclic dicts."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


@contextmanager
def collector_paused():
    """The collector paused while a batch's results pile up, and restored afterwards."""
    if not gc.isenabled():  # already paused by an outer batch (or by the host program)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
