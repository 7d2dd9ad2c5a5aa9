"""Annotating one export file: read a record, let the rules core annotate it, write it out.

Everything streams. The core groups the adjacent lines of one multi-SKU order before it
yields their annotations, so the original cells wait in a queue until their line comes back.
A large CSV going to CSV is cut at order boundaries (``split``) and its parts annotated by one
worker process per CPU, each writing its own part of the copy; the parts are then joined.
The copy is written under a hidden temporary name beside the target and renamed into place
only when complete: an interrupted run never leaves a half-written copy under the real name.
"""
import multiprocessing
import secrets
import shutil
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable

from shared import default_engine
from shared.headers import map_header
from shared.rows import RowAnnotator

from ..runtime import tune_gc
from .reader import CsvExport, cell_text, open_export
from .split import Part, plan_parts
from .writer import open_output

OUR_COLUMN_PREFIX = "JDPG "


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
    defaults: dict = field(default_factory=dict)
    column_map: dict = field(default_factory=dict)
    campaign_dirs: tuple[str, ...] = ()

    @property
    def keep(self) -> list[int]:
        """Indexes of the merchant's own columns: an annotated file's ``JDPG`` columns are redone."""
        return [i for i, title in enumerate(self.header) if not title.startswith(OUR_COLUMN_PREFIX)]

    def annotator(self) -> RowAnnotator:
        """Raises ``UnmappableHeader`` for a header without an order id column."""
        return RowAnnotator([self.header[i] for i in self.keep], engine=default_engine(*self.campaign_dirs),
                            as_of=self.as_of, defaults=self.defaults, column_map=self.column_map)


@dataclass
class Outcome:
    """What annotating a file (or a part of it) came to."""

    rows: int = 0
    summary: dict = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_count: int = 0


def annotate_file(job: Job, out_path: Path, fmt: str, *, jobs: int, listed_bad_rows: int,
                  on_bad_row: Callable[[BadRow], None], on_progress: Callable[[int], None]) -> Outcome:
    """Write the annotated copy of ``job.source`` to ``out_path``, a CSV to CSV in ``jobs`` processes.

    ``on_bad_row`` hears of the first ``listed_bad_rows`` bad rows in line order (all are counted);
    ``on_progress`` of the bytes (CSV) or rows (xlsx) read so far.
    """
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.name}.{secrets.token_hex(4)}.partial")
    parts = _parts(job, fmt, jobs)
    try:
        if len(parts) == 1:
            outcome = annotate_part(job, parts[0], partial, fmt, listed_bad_rows, on_bad_row, on_progress)
        else:
            outcome = _annotate_parts(job, parts, partial, listed_bad_rows, on_bad_row, on_progress)
        partial.replace(out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return outcome


def _parts(job: Job, fmt: str, jobs: int) -> list[Part | None]:
    if jobs < 2 or job.kind != "csv" or fmt != "csv":
        return [None]
    columns, _ = map_header([job.header[i] for i in job.keep], job.column_map)
    id_column = job.keep[next(i for i, f in columns.items() if f == "order_id")]
    return plan_parts(job.source, job.encoding, id_column, jobs)


def annotate_part(job: Job, part: Part | None, out_path: Path, fmt: str, listed_bad_rows: int,
                  on_bad_row: Callable[[BadRow], None], on_progress: Callable[[int], None]) -> Outcome:
    """Annotate the whole file (``part`` None) or one part of it into ``out_path``."""
    if part is None:
        source = open_export(job.source)
    else:
        source = CsvExport(job.source, encoding=job.encoding, start=part.start, end=part.end,
                           first_line=part.first_line)
    annotator = job.annotator()
    keep = job.keep
    outcome = Outcome()
    try:
        output = open_output(fmt, out_path, [job.header[i] for i in keep], annotator.columns, source.kind,
                             with_header=source.header is not None)
        try:
            _write_rows(source, annotator, keep, len(keep) != len(job.header), output, outcome, listed_bad_rows,
                        on_bad_row, on_progress)
        finally:
            output.close()
    finally:
        source.close()
    outcome.summary = annotator.summary
    return outcome


def _write_rows(source, annotator, keep, project, output, outcome, listed_bad_rows, on_bad_row, on_progress):
    waiting = deque()
    errors_at = next(i for i, column in enumerate(annotator.columns) if column.key == "errors")
    as_text = source.kind == "xlsx"
    # A CSV row with all its columns kept is copied as the source has it (see CsvOutput.write).
    verbatim = source.kind == "csv" and not project

    def core_rows():
        for line, cells in source.records():
            if project:
                cells = [cells[i] if i < len(cells) else "" for i in keep]
            waiting.append((line, cells, source.record_text() if verbatim else None))
            yield [cell_text(v) for v in cells] if as_text else cells

    rows = 0
    for annotation, status in annotator.annotate_stream(core_rows()):
        line, cells, text = waiting.popleft()
        if status == "error":
            outcome.bad_count += 1
            if outcome.bad_count <= listed_bad_rows:
                bad = BadRow(line, str(annotation[errors_at]))
                outcome.bad_rows.append(bad)
                on_bad_row(bad)
        output.write(cells, annotation, status, text)
        rows += 1
        if not rows & 0x1FFF:
            on_progress(source.progress())
    on_progress(source.progress())
    outcome.rows = rows


def _annotate_parts(job, parts, partial, listed_bad_rows, on_bad_row, on_progress) -> Outcome:
    context = multiprocessing.get_context("spawn")
    done = context.Array("q", len(parts), lock=False)
    results = context.SimpleQueue()
    paths = [partial] + [partial.with_name(f"{partial.name}.{i}") for i in range(1, len(parts))]
    workers = [context.Process(target=_worker, args=(job, i, part, paths[i], listed_bad_rows, done, results),
                               daemon=True) for i, part in enumerate(parts)]
    outcomes = {}
    try:
        for worker in workers:
            worker.start()
        while len(outcomes) < len(parts):
            while not results.empty():
                index, outcome = results.get()
                if isinstance(outcome, BaseException):
                    raise outcome
                outcomes[index] = outcome
            if any(w.exitcode not in (None, 0) for w in workers):
                raise RuntimeError("标注进程意外退出 / a worker process died")
            on_progress(sum(done))
            time.sleep(0.05)
        with partial.open("ab") as joined:
            for path in paths[1:]:
                with path.open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 22)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        for path in paths[1:]:
            path.unlink(missing_ok=True)
    return _merge([outcomes[i] for i in range(len(parts))], listed_bad_rows, on_bad_row)


def _worker(job, index, part, out_path, listed_bad_rows, done, results) -> None:
    # Ctrl-C reaches the whole process group; the command stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_gc()  # a spawned worker starts with default settings

    def on_progress(position: int) -> None:
        done[index] = position

    try:
        outcome = annotate_part(job, part, out_path, "csv", listed_bad_rows, lambda bad: None, on_progress)
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the command, which reports it
        try:
            results.put((index, exc))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            results.put((index, RuntimeError(repr(exc))))
        return
    results.put((index, outcome))


def _merge(outcomes: list[Outcome], listed_bad_rows: int, on_bad_row) -> Outcome:
    merged = Outcome(rows=sum(o.rows for o in outcomes), bad_count=sum(o.bad_count for o in outcomes))
    merged.bad_rows = [bad for o in outcomes for bad in o.bad_rows][:listed_bad_rows]
    for bad in merged.bad_rows:
        on_bad_row(bad)
    merged.summary = merge_summaries([o.summary for o in outcomes])
    return merged


def merge_summaries(summaries: list[dict]) -> dict:
    """The core's summary over all parts: counts added, money (2-decimal strings) added exactly."""
    merged = {}
    for key, value in summaries[0].items():
        if isinstance(value, str):
            merged[key] = str(sum((Decimal(s[key]) for s in summaries), Decimal("0.00")))
        else:
            merged[key] = sum(s[key] for s in summaries)
    return merged
