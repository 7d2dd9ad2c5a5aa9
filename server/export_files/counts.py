"""An export's counts with no copy written: the small surface through which a command that reports
on a file (the team digest) reads it, depending on none of the annotate command's internals.

- ``input_options()``: the options saying what to read (the file, ``--platform``, ``--campaign``,
  ``--as-of``, ``--map``, ``--campaign-dir``), an argparse parent parser;
- ``inputs_of(parser, args)``: those options read (a malformed one is a command-line error, exit 2);
- ``count_export(args, inputs)``: the file read and annotated as ``annotate`` does it, nothing
  written; an ``Outcome`` whose ``summary`` is the core's and whose ``tally`` has the counts by
  ship status, by hour and the orders due soonest. ``Refused`` (``message``, ``message_en``) when
  the file or an option is refused;
- ``run_stoppable(body)``: ``body()`` under the commands' SIGINT / SIGTERM handling, its exit code,
  or 130 / 143 (said on stderr) when stopped;
- ``status_label(status)``: a ship status's words ``(zh, en)``; ``SOONEST``: how many of the orders
  due soonest a report lists by default.
"""
from typing import Callable, NamedTuple

from shared.options import Options

from .annotate import Outcome, annotate_part
from .cli import (Refused, Stopped, column_map_of, input_options, options_of, prepare_job, stop_on_signals,
                  stopped_exit_code)
from .source import BrokenFile
from .summary_sheet import status_label
from .tally import SOONEST

__all__ = ["SOONEST", "Inputs", "Outcome", "Refused", "count_export", "input_options", "inputs_of", "run_stoppable",
           "status_label"]


class Inputs(NamedTuple):
    column_map: dict
    options: Options


def inputs_of(parser, args) -> Inputs:
    return Inputs(column_map_of(parser, args), options_of(parser, args))


def count_export(args, inputs: Inputs) -> Outcome:
    job, _ = prepare_job(args, inputs.column_map, inputs.options)
    try:
        return annotate_part(job, None, None, "none", 0, lambda bad: None, lambda done: None)
    except BrokenFile as exc:
        raise Refused(f"{args.file}：{exc.message}", f"{args.file}: {exc.message_en}") from None


def run_stoppable(body: Callable[[], int]) -> int:
    with stop_on_signals():
        try:
            return body()
        except Stopped as exc:
            return stopped_exit_code(exc.signum)
