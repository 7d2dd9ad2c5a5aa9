"""The cyclic garbage collector, paused while a batch's results pile up.

Annotating builds many small containers (an order's result is some 30 dicts and lists), none of
them in a cycle. While a batch keeps its results, each young-generation collection walks every
result made since the last one, and each older-generation collection walks them all again: about
a third of a batch's time. Reference counting frees them all the same, so the collector is
paused for the batch and restored afterwards. Streams, which keep nothing, leave it running."""
import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    if not gc.isenabled():  # already paused by an outer batch (or by the host program)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
