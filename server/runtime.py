"""Process settings for our own entry points (API workers, export and Sheets commands)."""
import gc


def tune_gc() -> None:
    """Annotating allocates many small acyclic dicts, which trips the cyclic collector over and
    over (about a quarter of the time at default thresholds); freeze what is loaded and collect
    the young generation less often."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
