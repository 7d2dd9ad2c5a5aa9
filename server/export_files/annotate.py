"""Annotating one export file: read a record, let the rules core annotate it, write it out.

Everything streams. The core groups the adjacent lines of one multi-SKU order before it
yields their annotations, so the original cells wait in a queue until their line comes back.
A large CSV going to CSV is cut at order boundaries (``split``) and its parts annotated by one
worker process per CPU, each writing its own part of the copy; the parts are then joined.
The copy is written under a hidden temporary name beside the target and renamed into place
only when complete: an interrupted run never leaves a half-written copy under the real name,
and an output that exists and is not a regular file (a device, a FIFO) is never replaced.
Worker processes talk back through pipes (no semaphores), and the command stops its
multiprocessing resource tracker when they are done: no process outlives the command.
"""
import multiprocessing
import multiprocessing.connection
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable

from shared import default_engine
from shared.coverage import merge_coverage
from shared.headers import map_header
from shared.options import DEFAULT, Options
from shared.rows import RowAnnotator

from ..runtime import tune_gc
from .csv_source import CsvExport
from .reader import open_export
from .seen_ids import BoundedSeenIds
from .source import BadRecord
from .xlsx_source import cell_text
from .split import Part, plan_parts
from .tally import Tally, needs_attention
from .writer import OutputError, open_output

OUR_COLUMN_PREFIX = "JDPG "
# How coverage's reasons tell the merchant to name a column of theirs (the commands' option).
MAP_HINT = "--map {header}={field}"


class WorkerDied(Exception):
    """A worker process ended without its part's outcome (killed, out of memory)."""

    def __init__(self, index: int):
        super().__init__(f"worker {index} died")
        self.message = f"第 {index + 1} 个标注进程意外退出（被终止或内存不足），未写入输出文件"
        self.message_en = f"worker process {index + 1} ended unexpectedly (killed, or out of memory): no output written"


@dataclass(frozen=True)
class BadRow:
    """A line the core could not annotate, with the core's reason."""

    line: int
    reason: str


@dataclass(frozen=True)
class Job:
    """What to annotate and how: everything a worker process needs, and picklable."""

    source: Path
    kind: str
    encoding: str | None
    header: list[str]
    as_of: datetime
    # Rows above the header (the after-sales export's group row), copied as they are.
    preamble: list = field(default_factory=list)
    defaults: dict = field(default_factory=dict)
    column_map: dict = field(default_factory=dict)
    options: Options = DEFAULT
    campaign_dirs: tuple[str, ...] = ()
    only_flagged: bool = False
    summary_sheet: bool = True
    # CSV output: a CSV source's cells that would start a formula copied as they are (else neutralised).
    keep_formulas: bool = False
    # ``map_header`` of the kept columns, worked out once (``mapped``) and handed to every part.
    mapping: tuple = ()

    @property
    def keep(self) -> list[int]:
        """Indexes of the merchant's own columns: an annotated file's ``JDPG`` columns are redone."""
        return [i for i, title in enumerate(self.header) if not title.startswith(OUR_COLUMN_PREFIX)]

    def mapped(self) -> "Job":
        """This job with its header mapped, once; raises ``UnmappableHeader`` for a header without
        an order id column (and ``DataFileError`` for a bad campaign folder)."""
        job = replace(self, mapping=self._mapping())
        job.annotator()
        return job

    def _mapping(self) -> tuple:
        return self.mapping or map_header([self.header[i] for i in self.keep], self.column_map)

    def annotator(self, seen_ids=None) -> RowAnnotator:
        """``seen_ids``: where the order ids met are kept for the lines-apart note (``RowAnnotator``)."""
        return RowAnnotator([self.header[i] for i in self.keep], engine=default_engine(*self.campaign_dirs),
                            as_of=self.as_of, defaults=self.defaults, column_map=self.column_map,
                            options=self.options, map_hint=MAP_HINT, mapped=self._mapping(), seen_ids=seen_ids)

    @property
    def id_column(self) -> int:
        """The source column holding the order id."""
        columns, _ = self._mapping()
        return self.keep[next(i for i, f in columns.items() if f == "order_id")]


@dataclass
class Outcome:
    """What annotating a file (or a part of it) came to."""

    rows: int = 0
    rows_read: int = 0
    summary: dict = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_count: int = 0
    # Rows per ``writer.OUTPUT_NOTES`` kind: what the copy could not hold, said on each row.
    notes: Counter = field(default_factory=Counter)
    tally: Tally | None = None


def annotate_file(job: Job, out_path: Path, fmt: str, *, jobs: int, listed_bad_rows: int,
                  on_bad_row: Callable[[BadRow], None], on_progress: Callable[[int], None]) -> Outcome:
    """Write the annotated copy of ``job.source`` to ``out_path``, a CSV to CSV in ``jobs`` processes.

    ``on_bad_row`` hears of the first ``listed_bad_rows`` bad rows in line order (all are counted);
    ``on_progress`` of the bytes (CSV) or rows (xlsx) read so far.
    """
    out_path = Path(out_path)
    refuse_special_output(out_path)
    sweep_stale_partials(out_path)
    partial = out_path.with_name(f"{_hidden_stem(out_path)}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL}")
    parts = _parts(job, fmt, jobs)
    try:
        if len(parts) == 1:
            outcome = annotate_part(job, parts[0], partial, fmt, listed_bad_rows, on_bad_row, on_progress)
        else:
            outcome = _annotate_parts(job, parts, partial, listed_bad_rows, on_bad_row, on_progress)
        refuse_special_output(out_path)  # it may have appeared while the copy was written
        partial.replace(out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return outcome


# The copy is written as ".<output name>.<pid>-<8 hex>.partial" (and ".partial.<n>" for the parts of
# worker n), the output's name cut to fit a file name's 255 bytes.
PARTIAL = ".partial"
_NAME_BYTES = 255
_PARTIAL_TAIL = re.compile(r"\.([0-9]{1,10})-[0-9a-f]{8}\.partial(?:\.[0-9]{1,4})?")


def _hidden_stem(out_path: Path) -> str:
    room = _NAME_BYTES - len(f".{2**32}-{'0' * 8}{PARTIAL}.9999") - 1
    return "." + out_path.name.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")


def sweep_stale_partials(out_path: Path) -> None:
    """Remove the copies a run stopped without its clean-up (SIGKILL, a power cut) left beside
    ``out_path``: hidden files named for it whose process is gone. A copy a live run is still
    writing is left alone (POSIX; elsewhere nothing is swept)."""
    if os.name != "posix":
        return
    stem = _hidden_stem(out_path)
    try:
        names = [entry.name for entry in os.scandir(out_path.parent) if entry.name.startswith(stem + ".")]
    except OSError:
        return
    for name in names:
        tail = _PARTIAL_TAIL.fullmatch(name, len(stem))
        if tail and not _alive(int(tail.group(1))):
            try:
                (out_path.parent / name).unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's process
        return True
    return True


def refuse_special_output(path: Path) -> None:
    """An output that exists must be a regular file: a rename over a device node or a FIFO
    would replace it (as root, ``-o /dev/null`` would turn /dev/null into a file)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"无法检查输出文件（{exc.strerror}）", f"the output cannot be checked ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = ("目录", "a folder") if stat.S_ISDIR(mode) else (
            ("命名管道", "a FIFO") if stat.S_ISFIFO(mode) else ("设备或特殊文件", "a device or special file"))
        raise OutputError(f"输出路径已存在且是{kind[0]}，不是普通文件：不会替换它",
                          f"the output path exists and is {kind[1]}, not a regular file: it is not replaced")


def _parts(job: Job, fmt: str, jobs: int) -> list[Part | None]:
    if jobs < 2 or job.kind != "csv" or fmt != "csv":
        return [None]
    return plan_parts(job.source, job.encoding, job.id_column, jobs)


def annotate_part(job: Job, part: Part | None, out_path: Path, fmt: str, listed_bad_rows: int,
                  on_bad_row: Callable[[BadRow], None], on_progress: Callable[[int], None]) -> Outcome:
    """Annotate the whole file (``part`` None) or one part of it into ``out_path``."""
    if part is None:
        source = open_export(job.source)
    else:
        source = CsvExport(job.source, encoding=job.encoding, start=part.start, end=part.end,
                           first_line=part.first_line)
    outcome = Outcome(tally=Tally(job.as_of))
    seen_ids = BoundedSeenIds()  # memory flat in the orders (seen_ids.py)
    annotator = job.annotator(seen_ids)
    keep = job.keep
    try:
        output = open_output(fmt, out_path, [job.header[i] for i in keep], annotator.columns, source.kind,
                             with_header=source.header is not None, preamble=job.preamble,
                             keep_formulas=job.keep_formulas)
        try:
            _write_rows(source, annotator, job, output, outcome, listed_bad_rows, on_bad_row, on_progress)
            outcome.summary = annotator.summary
            if fmt == "xlsx" and job.summary_sheet:
                from .summary_sheet import write_summary_sheet

                output.add_summary(lambda book: write_summary_sheet(book, outcome))
        finally:
            output.close()
    finally:
        source.close()
        seen_ids.close()
    return outcome


def _write_rows(source, annotator, job, output, outcome, listed_bad_rows, on_bad_row, on_progress):
    waiting = deque()
    errors_at = next(i for i, column in enumerate(annotator.columns) if column.key == "errors")
    empty_row = [""] * len(annotator.columns)
    keep = job.keep
    project = len(keep) != len(job.header)
    as_text = source.kind == "xlsx"
    notes = getattr(source, "notes", None) or {}
    # A CSV row with all its columns kept is copied as the source has it (see CsvOutput.write).
    verbatim = source.kind == "csv" and not project

    def core_rows():
        for line, cells in source.records():
            if cells.__class__ is BadRecord:
                # The core sees a blank row (it ends the order before it); the row is written bad.
                waiting.append((line, [], None, cells.reason))
                yield []
                continue
            if project:
                cells = [cells[i] if i < len(cells) else "" for i in keep]
            waiting.append((line, cells, source.record_text() if verbatim else None, None))
            yield [cell_text(v) for v in cells] if as_text else cells

    rows = read = 0
    tally = outcome.tally
    for run in annotator.runs(core_rows()):
        if run.result is not None:
            tally.add(run.result)
        status = run.status
        # --only flagged: an order's rows go or stay together; a row that could not be read stays.
        skip = job.only_flagged and status != "error" and (status == "blank" or not needs_attention(run.result))
        for _ in range(run.rows):
            line, cells, text, unreadable = waiting.popleft()
            read += 1
            annotation, status = run.annotation, run.status
            # A bad row is a row with an errors cell (a late order may have one too), everywhere.
            bad_row = unreadable is not None or bool(annotation[errors_at])
            if unreadable is not None:
                annotation, status = list(empty_row), "error"
                annotation[errors_at] = unreadable
            elif line in notes:
                annotation = list(annotation)
                errors = annotation[errors_at]
                annotation[errors_at] = f"{errors}；{notes[line]}" if errors else notes[line]
            if skip and not bad_row:
                continue
            if unreadable is None and line in notes:
                outcome.notes["formula"] += 1
            if bad_row:
                outcome.bad_count += 1
                if outcome.bad_count <= listed_bad_rows:
                    bad = BadRow(line, str(annotation[errors_at]))
                    outcome.bad_rows.append(bad)
                    on_bad_row(bad)
            for kind in output.write(cells, annotation, status, text):
                outcome.notes[kind] += 1
            rows += 1
            if not read & 0x1FFF:
                on_progress(source.progress())
    on_progress(source.progress())
    outcome.rows = rows
    outcome.rows_read = read


def _annotate_parts(job, parts, partial, listed_bad_rows, on_bad_row, on_progress) -> Outcome:
    context = multiprocessing.get_context("spawn")
    done = context.Array("q", len(parts), lock=False)
    paths = [partial] + [partial.with_name(f"{partial.name}.{i}") for i in range(1, len(parts))]
    pipes = [context.Pipe(duplex=False) for _ in parts]
    workers = [context.Process(target=_worker, args=(job, i, part, paths[i], listed_bad_rows, done, pipes[i][1]),
                               daemon=True) for i, part in enumerate(parts)]
    outcomes = {}
    try:
        for worker, (_, sender) in zip(workers, pipes):
            worker.start()
            sender.close()  # the worker holds its end; a dead worker's pipe then reads as closed
        readers = {pipes[i][0]: i for i in range(len(parts))}
        while len(outcomes) < len(parts):
            for reader in multiprocessing.connection.wait(list(readers), timeout=0.05):
                index = readers.pop(reader)
                try:
                    outcome = reader.recv()
                except EOFError:
                    raise WorkerDied(index) from None
                if isinstance(outcome, BaseException):
                    raise outcome
                outcomes[index] = outcome
            on_progress(sum(done))
        with partial.open("ab") as joined:
            for path in paths[1:]:
                with path.open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 22)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        for reader, _ in pipes:
            reader.close()
        for path in paths[1:]:
            path.unlink(missing_ok=True)
        _stop_resource_tracker()
    return _merge([outcomes[i] for i in range(len(parts))], listed_bad_rows, on_bad_row)


def _stop_resource_tracker() -> None:
    """Spawned workers start multiprocessing's resource tracker, a process that would outlive the
    command for a moment after it exits. Nothing is left for it to track once the workers are
    joined (the workers share no semaphores), so it is stopped here, as Python's own tests do."""
    from multiprocessing import resource_tracker

    stop = getattr(resource_tracker._resource_tracker, "_stop", None)
    if stop is not None:
        stop()


def _worker(job, index, part, out_path, listed_bad_rows, done, sender) -> None:
    # Ctrl-C reaches the whole process group; the command stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    tune_gc()  # a spawned worker starts with default settings

    def on_progress(position: int) -> None:
        done[index] = position

    try:
        outcome = annotate_part(job, part, out_path, "csv", listed_bad_rows, lambda bad: None, on_progress)
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the command, which reports it
        try:
            sender.send(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            sender.send(RuntimeError(repr(exc)))
        return
    sender.send(outcome)


def _die_with_parent() -> None:
    """A worker ends, at once and silently, when the command that started it is gone (killed by
    SIGKILL, say, so that it could not stop its workers): a thread watches the pipe that
    multiprocessing keeps from the parent, which reads as closed when the parent dies."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch():
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _merge(outcomes: list[Outcome], listed_bad_rows: int, on_bad_row) -> Outcome:
    merged = Outcome(rows=sum(o.rows for o in outcomes), rows_read=sum(o.rows_read for o in outcomes),
                     bad_count=sum(o.bad_count for o in outcomes), tally=outcomes[0].tally)
    merged.bad_rows = [bad for o in outcomes for bad in o.bad_rows][:listed_bad_rows]
    for bad in merged.bad_rows:
        on_bad_row(bad)
    for o in outcomes:
        merged.notes.update(o.notes)
    for o in outcomes[1:]:
        merged.tally.merge(o.tally)
    merged.summary = merge_summaries([o.summary for o in outcomes])
    return merged


def merge_summaries(summaries: list[dict]) -> dict:
    """The core's summary over all parts: counts added, money (2-decimal strings) added exactly."""
    merged = {}
    for key, value in summaries[0].items():
        if key == "coverage":
            merged[key] = merge_coverage([s[key] for s in summaries], MAP_HINT)
        elif isinstance(value, str):
            merged[key] = str(sum((Decimal(s[key]) for s in summaries), Decimal("0.00")))
        else:
            merged[key] = sum(s[key] for s in summaries)
    return merged
