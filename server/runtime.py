"""Process settings for our own entry points (API workers, export and Sheets commands)."""
import gc


def tune_gc() -> None:
    """Freeze what is loaded (rule data, libraries) out of the cyclic collector's reach, and let the
    young generation grow before it is collected: streams (export rows, Sheets rows) make many
    short-lived acyclic dicts. Batches pause the collector altogether (``shared.collector``)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
