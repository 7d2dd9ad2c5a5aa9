"""JD Promo Guard's rules core: pure, deterministic, standard library only.

Inputs and an explicit ``as_of`` in, deadlines, flags and money out. Rule parameters and
campaign calendars are data files under ``data/``, loaded and validated once.
"""
from functools import lru_cache

from .build import BUILD, compiled_path

__path__[:0] = compiled_path()  # the compiled build first, when it is used (shared.build)

from .annotate import Engine, Summary, annotate_batch
from .beijing_time import BEIJING, parse_time
from .campaigns import Calendar, load_calendar
from .catalog import Catalog, load_catalog
from .errors import DataFileError, InputError

__all__ = ["BEIJING", "BUILD", "Calendar", "DataFileError", "Catalog", "Engine", "InputError", "Summary",
           "annotate_batch", "default_engine", "load_calendar", "load_catalog", "parse_time"]


@lru_cache(maxsize=8)
def default_engine(*campaign_dirs: str) -> Engine:
    """The engine on the built-in rule data plus any campaign folders, loaded once."""
    return Engine(load_catalog(), load_calendar(*campaign_dirs))
