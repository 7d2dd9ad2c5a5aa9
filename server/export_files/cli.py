"""``python -m server annotate``: annotate a JD order export (订单导出) offline.

Exit codes: 0 the annotated copy was written (bad rows, if any, are listed on stderr and
in the copy's errors column); 3 the copy was written, but a rule family run could judge no
order at all, for a column or values the file lacks (not only for unreadable values: those are
bad rows), or, with ``--strict``, some order could not
be judged by some family (``summary.coverage``); 1 nothing was written (the file or an option
was refused); 2 the command line itself is wrong (argparse); 130 interrupted (SIGINT, Ctrl-C)
and 143 stopped (SIGTERM), nothing written and any earlier copy under the output name left as
it was. The closing lines lead with what could not be judged, and a count that was not
measured is shown as "—" with the reason, never as 0.
"""
import argparse
import os
import signal
import sys
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from shared import default_engine
from shared.beijing_time import BEIJING, parse_time
from shared.errors import DataFileError, InputError
from shared.headers import BadColumnMap, add_map_argument, clean_header, parse_column_map
from shared.options import BadOption, Options, add_arguments, from_arguments
from shared.rows import UnmappableHeader
from shared.vocabulary import VOCAB

from ..runtime import tune_gc
from .annotate import BadRow, Job, Outcome, WorkerDied, annotate_file, refuse_special_output
from .reader import open_export
from .source import BrokenFile, UnreadableFile
from .writer import OUTPUT_NOTES, OutputError

PLATFORMS = ("jd", "jingxi", "jd_international")
# Past this many, bad rows are counted, not listed: every one is in the copy's errors column.
LISTED_BAD_ROWS = 20
# Below this size a second process costs more than it saves.
PARALLEL_MIN_BYTES = 8 << 20
# The copy was written, with a coverage gap: a family judged no order (or any gap, with --strict).
EXIT_GAP = 3
NOT_MEASURED = "—"
AS_OF_FORM = "例如 --as-of \"2022-06-20 12:00:00\"，北京时间"
AS_OF_FORM_EN = "e.g. --as-of \"2022-06-20 12:00:00\", Beijing time"
# The families whose rules make each money total (compensation: price and promotions; lost subsidies: shipping).
MONEY_FAMILIES = {"compensation_total": ("price", "promotions"), "if_claimed_total": ("price", "promotions"),
                  "losses_total": ("shipping",)}


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; raised where the command was, so that it cleans up on its way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class Refused(Exception):
    """The run stops before writing anything; the message names what was refused."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def input_options() -> argparse.ArgumentParser:
    """The options saying what to read and how (``annotate`` and ``digest`` both take them)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("file", type=Path, help="订单导出文件 the export file (.csv GBK/UTF-8, or .xlsx)")
    parser.add_argument("--platform", choices=PLATFORMS,
                        help="文件没有平台列时使用 platform of orders whose row has none (default jd)")
    add_arguments(parser, campaigns=sorted(default_engine().calendar.campaigns))
    parser.add_argument("--as-of", help="以此时间为“现在” the time taken as now, e.g. '2022-06-20 12:00:00' "
                                        "(Beijing time; default: the current time)")
    add_map_argument(parser)
    parser.add_argument("--campaign-dir", type=Path,
                        help="额外的活动日历目录 a folder of extra campaign calendar files (*.toml)")
    return parser


def build_parser(prog: str = "python -m server annotate") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, parents=[input_options()],
        description="给京东订单导出文件加上发货截止、超时与赔付标注（离线）。"
                    " Annotate a JD order export (CSV or .xlsx) offline: ship-by, late / at risk, compensation.")
    parser.add_argument("-o", "--output", type=Path,
                        help="输出文件 output file (default: <name>.annotated.xlsx next to the input)")
    parser.add_argument("--format", choices=("xlsx", "csv"),
                        help="输出格式 output format (default: from -o's extension, else xlsx)")
    parser.add_argument("--only", choices=("flagged",),
                        help="只写需要处理的订单 flagged: only the rows of orders with a flag above info, money "
                             "owed or money at stake (and rows that could not be read)")
    parser.add_argument("--keep-formulas", action="store_true",
                        help="CSV 输出时按原样复制 CSV 源文件中以 = + - @ 开头的单元格 copy a CSV source's cells that "
                             "start with = + - @, a tab or a CR as they are (default: a ' is put first, so that a "
                             "spreadsheet opening the copy never runs them)")
    parser.add_argument("--jobs", type=_positive, default=_cpus(),
                        help="并行进程数 worker processes for a large CSV to CSV (default: one per CPU)")
    parser.add_argument("--strict", action="store_true",
                        help=f"有订单无法判断即失败 exit {EXIT_GAP} when any order could not be judged by any rule "
                             f"family (default: exit {EXIT_GAP} only when a family could judge no order at all)")
    return parser


def _cpus() -> int:
    """The CPUs this process may use (Linux); elsewhere (Windows, macOS) the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a whole number of at least 1: {text!r}")
    return int(text)


def column_map_of(parser: argparse.ArgumentParser, args) -> dict:
    """``--map`` items as ``{header: field}``; a malformed one is a command-line error (exit 2)."""
    try:
        return parse_column_map(args.map)
    except BadColumnMap as exc:
        parser.error(f"--map {exc.message} / {exc.message_en}")


def options_of(parser: argparse.ArgumentParser, args) -> Options:
    """The run's options (``shared.options``); a malformed one is a command-line error (exit 2).
    The campaign is checked against the calendar in ``prepare_job``."""
    try:
        return from_arguments(args)
    except BadOption as exc:
        parser.error(f"--{exc.option.replace('_', '-')} {exc.message} / {exc.message_en}")


def main(argv: list[str] | None = None, prog: str = "python -m server annotate") -> int:
    """Run the command; returns the exit code."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    tune_gc()
    column_map = column_map_of(parser, args)
    options = options_of(parser, args)
    with stop_on_signals():
        try:
            return _run(args, column_map, options)
        except Refused as exc:
            print(f"错误：{exc.message}\nError: {exc.message_en}", file=sys.stderr)
            return 1
        except Stopped as exc:
            return stopped_exit_code(exc.signum)
        except KeyboardInterrupt:
            return stopped_exit_code(signal.SIGINT)
        except MemoryError:
            print("错误：内存不足，未写入输出文件\nError: out of memory: no output written", file=sys.stderr)
            return 1
        except Exception as exc:  # noqa: BLE001 - a merchant gets a sentence, never a traceback
            print(f"错误：意外的内部错误，未写入输出文件（{type(exc).__name__}: {exc}）\n"
                  f"Error: unexpected internal error, no output written ({type(exc).__name__}: {exc})",
                  file=sys.stderr)
            return 1


def stopped_exit_code(signum: int) -> int:
    if signum == signal.SIGTERM:
        print("已停止（SIGTERM），未写入输出文件 / stopped (SIGTERM): no output written", file=sys.stderr)
        return 128 + signal.SIGTERM
    print("已中断，未写入输出文件 / interrupted: no output written", file=sys.stderr)
    return 128 + signal.SIGINT


@contextmanager
def stop_on_signals():
    """SIGINT and SIGTERM raise ``Stopped`` while the command runs, so the partial copy is removed
    and the workers stopped. Installed whatever was inherited: a command started in the background
    by a shell (or nohup, or some CI runners) inherits SIGINT ignored, and Python then installs no
    handler of its own. A second signal during the clean-up is ignored. The previous handlers are
    put back afterwards (the command also runs inside tests)."""
    def stop(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def prepare_job(args, column_map: dict, options: Options, *, only_flagged: bool = False):
    """``(job, source)`` for ``args.file`` with the options checked, or ``Refused``; ``source`` is
    the export as opened (now closed), for its kind and size."""
    source_path = args.file
    _check_input(source_path)
    source = _open(source_path)
    source.close()
    job = Job(source=source_path, kind=source.kind, encoding=source.encoding, header=source.header,
              preamble=source.preamble,
              as_of=_as_of(args.as_of),
              defaults={"platform": args.platform} if args.platform else {}, options=options,
              column_map=column_map, campaign_dirs=(str(args.campaign_dir),) if args.campaign_dir else (),
              only_flagged=only_flagged)
    titles = {clean_header(title).lower() for title in source.header}
    absent = [title for title in column_map if clean_header(title).lower() not in titles]
    if absent:
        raise Refused(f"{source_path}：--map 指定的列不在表头中：{'、'.join(absent)}",
                      f"{source_path}: the header has no column {', '.join(absent)} named by --map")
    try:
        job = job.mapped()
        options.check_campaign(default_engine(*job.campaign_dirs).calendar)
    except UnmappableHeader as exc:
        raise Refused(f"{source_path}：{exc.message}", f"{source_path}: {exc.message_en}") from None
    except DataFileError as exc:
        raise Refused(f"活动日历文件有误：{exc}", f"bad campaign calendar file: {exc}") from None
    except BadOption as exc:
        raise Refused(f"--campaign：{exc.message}", f"--campaign: {exc.message_en}") from None
    return job, source


def output_format(args) -> str:
    """The output's format: ``--format``, else from ``-o``'s extension (.csv or .xlsx), else xlsx.
    An ``-o`` whose extension says another format than the one that would be written is refused
    (``-o out.txt`` would otherwise be an xlsx named .txt)."""
    suffix = args.output.suffix.lower() if args.output else ""
    named = {".csv": "csv", ".xlsx": "xlsx"}.get(suffix)
    if args.output and named is None and args.format is None:
        raise Refused(f"-o {args.output}：扩展名应为 .xlsx 或 .csv（或用 --format xlsx / csv 指定格式）",
                      f"-o {args.output}: the name should end .xlsx or .csv (or give --format xlsx / csv)")
    if named and args.format and named != args.format:
        raise Refused(f"-o {args.output} 的扩展名与 --format {args.format} 不符",
                      f"-o {args.output} ends {suffix}, but --format is {args.format}")
    return args.format or named or "xlsx"


def _run(args, column_map: dict, options: Options) -> int:
    source_path = args.file
    fmt = output_format(args)
    out_path = args.output or source_path.with_name(f"{_stem(source_path)}.annotated.{fmt}")
    _check_paths(source_path, out_path)
    job, source = prepare_job(args, column_map, options, only_flagged=args.only == "flagged")
    job = replace(job, keep_formulas=args.keep_formulas)
    with _progress_bar(source) as bar:
        def on_bad_row(bad: BadRow) -> None:
            bar.write(f"第 {bad.line} 行 line {bad.line}: {bad.reason}", file=sys.stderr)

        def on_progress(done: int) -> None:
            bar.update(done - bar.n)

        try:
            jobs = args.jobs if source_path.stat().st_size >= PARALLEL_MIN_BYTES else 1
            outcome = annotate_file(job, out_path, fmt, jobs=jobs, listed_bad_rows=LISTED_BAD_ROWS,
                                    on_bad_row=on_bad_row, on_progress=on_progress)
        except BrokenFile as exc:
            raise Refused(f"{source_path}：{exc.message}（未写入输出文件）",
                          f"{source_path}: {exc.message_en} (no output written)") from None
        except OutputError as exc:
            raise Refused(f"{out_path}：{exc.message}", f"{out_path}: {exc.message_en}") from None
        except WorkerDied as exc:
            raise Refused(exc.message, exc.message_en) from None
        except OSError as exc:
            raise Refused(f"读写失败 {exc.filename or out_path}（{exc.strerror}）",
                          f"reading or writing failed: {exc.filename or out_path} ({exc.strerror})") from None
    print(_summary_text(outcome, out_path))
    return _exit_code(outcome.summary.get("coverage", {}), args.strict)


def _exit_code(coverage: dict, strict: bool) -> int:
    """``EXIT_GAP`` when a family judged no order (or, ``strict``, when any order was not judged)."""
    # A family blind to the whole file: no order judged, and not only for values that could not be
    # read (bad rows are said as such, and exit 0 as ever), but for a column or values it lacks.
    blind = [f for f, entry in coverage.items() if entry["orders"] and not entry["judged"]
             and any(r["code"] != "unreadable" for r in entry["reasons"])]
    gaps = [f for f, entry in coverage.items() if entry["not_judged"]]
    if blind or (strict and gaps):
        families = "、".join(_family_words(f)[0] for f in blind or gaps)
        families_en = ", ".join(_family_words(f)[1] for f in blind or gaps)
        if blind:
            print(f"退出码 {EXIT_GAP}：{families}无法判断任何订单 / exit {EXIT_GAP}: {families_en}: no order could be "
                  "judged", file=sys.stderr)
        else:
            print(f"退出码 {EXIT_GAP}（--strict）：有订单无法判断{families} / exit {EXIT_GAP} (--strict): some orders "
                  f"not judged for {families_en}", file=sys.stderr)
        return EXIT_GAP
    return 0


def _stem(path: Path) -> str:
    return path.name[: -len(path.suffix)] if path.suffix else path.name


def _check_input(source: Path) -> None:
    if source.is_dir():
        raise Refused(f"{source} 是文件夹，请给出一个导出文件（如 {source / '订单导出.csv'}）",
                      f"{source} is a folder: give one export file (such as {source / 'orders.csv'})")
    if not source.is_file():
        raise Refused(f"找不到文件 {source}", f"no such file: {source}")


def _check_paths(source: Path, out: Path) -> None:
    _check_input(source)
    try:
        same = out.resolve() == source.resolve() or (out.exists() and out.samefile(source))
    except (OSError, RuntimeError):  # a loop of symbolic links (RuntimeError before Python 3.13)
        raise Refused(f"输出路径无法解析（符号链接循环）：{out}",
                      f"the output path cannot be resolved (a loop of symbolic links): {out}") from None
    if same:
        raise Refused(f"输出文件不能是输入文件本身：{out}（输入文件从不被修改）",
                      f"the output must not be the input file itself: {out} (the input is never modified)")
    if not out.parent.is_dir():
        raise Refused(f"输出目录不存在：{out.parent}", f"the output folder does not exist: {out.parent}")
    try:
        refuse_special_output(out)
    except OutputError as exc:
        raise Refused(f"{out}：{exc.message}", f"{out}: {exc.message_en}") from None


def _as_of(text: str | None) -> datetime:
    if text is None:
        return datetime.now(BEIJING)
    try:
        as_of = parse_time(text)
    except InputError as exc:
        raise Refused(f"--as-of：{exc.message}（{AS_OF_FORM}）", f"--as-of: {exc.message_en} ({AS_OF_FORM_EN})") from None
    if as_of is None:
        raise Refused(f"--as-of 不是有效时间：{text!r}（{AS_OF_FORM}）",
                      f"--as-of is not a usable time: {text!r} ({AS_OF_FORM_EN})")
    return as_of


def _open(path: Path):
    try:
        return open_export(path)
    except UnreadableFile as exc:
        raise Refused(f"{exc.path}：{exc.message}", f"{exc.path}: {exc.message_en}") from None


def _progress_bar(source):
    from tqdm import tqdm

    if source.kind == "csv":
        return tqdm(total=source.size, unit="B", unit_scale=True, desc="标注 annotating", disable=None)
    return tqdm(total=source.size, unit="行", desc="标注 annotating", disable=None)


def _family_words(family: str) -> tuple[str, str]:
    words = VOCAB["phrases"]["family"][family]
    return words["zh"], words["en"]


def coverage_lines(coverage: dict) -> tuple[list, list]:
    """``(loud, rest)``: the lines saying what could not be judged. Loud: a family that could not
    judge most of its orders, or a column the file does not have; they lead the closing lines."""
    loud, rest = [], []
    for family, entry in coverage.items():
        for reason in entry["reasons"]:
            text = f"{reason['message']}\n   {reason['message_en']}"
            if reason["code"] == "missing_column" or 2 * reason["orders"] > entry["orders"]:
                loud.append(f"！！ {text}")
            else:
                rest.append(f"- {text}")
    return loud, rest


def _gap(coverage: dict, families) -> tuple[bool, str]:
    """``(measured, remark)`` for counts the rules of ``families`` make: not measured when no
    family of them ran or none judged any order; the remark says why, or how many orders the
    count leaves out."""
    run = [(f, coverage[f]) for f in families if f in coverage]
    if coverage and not run:
        return False, "（未运行这些规则 not run）"
    if run and all(entry["orders"] and not entry["judged"] for _, entry in run):
        zh, en = zip(*(_family_words(f) for f, _ in run))
        return False, f"（无法判断{'、'.join(zh)}，见上 / {', '.join(en)} not judged, see above）"
    missing = max((entry["not_judged"] for _, entry in run), default=0)
    if missing:
        return True, f"（另有 {missing} 单无法判断，见上 / {missing} more orders not judged, see above）"
    return True, ""


def _summary_text(outcome: Outcome, out_path: Path) -> str:
    summary, rows, bad_rows = outcome.summary, outcome.rows, outcome.bad_count
    coverage = summary.get("coverage", {})
    loud, rest = coverage_lines(coverage)
    read = f"（共读取 {outcome.rows_read} 行 of {outcome.rows_read} read）" if outcome.rows != outcome.rows_read else ""

    def count(key, measured):
        return str(summary[key]) if measured else NOT_MEASURED

    def money(key):
        measured, remark = _gap(coverage, MONEY_FAMILIES[key])
        return (f"¥{summary[key]}" if measured else NOT_MEASURED), remark

    shipped, ship_remark = _gap(coverage, ("shipping",))
    late = str(summary["late"] + summary["overdue"]) if shipped else NOT_MEASURED
    owed, owed_remark = money("compensation_total")
    claimed, _ = money("if_claimed_total")
    lost, lost_remark = money("losses_total")
    lines = loud + [
        f"已写入 Written: {out_path}",
        f"行数 rows: {rows}{read}    订单 orders: {summary['orders']}",
        f"超时 late: {late} (已发货超时 shipped late {count('late', shipped)}, 超时未发货 overdue "
        f"{count('overdue', shipped)})    即将超时 at risk: {count('at_risk', shipped)}{ship_remark}",
        f"应付赔偿 compensation owed: {owed}    若被索赔 if claimed: {claimed}{owed_remark}",
        f"补贴损失 subsidy lost: {lost}{lost_remark}",
    ]
    if rest:
        lines.append("无法判断 not judged:")
        lines += rest
    if bad_rows > LISTED_BAD_ROWS:
        lines.append(f"有错误的行 bad rows: {bad_rows}（上方列出前 {LISTED_BAD_ROWS} 行，全部见错误列 / the first "
                     f"{LISTED_BAD_ROWS} are listed above, all are in the errors column）")
    elif bad_rows:
        lines.append(f"有错误的行 bad rows: {bad_rows}（见上方行号与错误列 / see the line numbers above and the "
                     "errors column）")
    for kind, count in outcome.notes.items():
        zh, en = OUTPUT_NOTES[kind]
        lines.append(f"注意 note: {count} 行{zh}（见错误列）/ {count} row(s): {en} (see the errors column)")
    return "\n".join(lines)
