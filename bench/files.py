"""Annotating a GBK JD export offline, as ratios to the copy floor measured in the same run.

    .venv/bin/python bench/files.py [--lines N] [--runs K] [--xlsx-lines N]

The export (default 1,000,000 lines) is made by ``samples/make_sample_export.py`` in a temporary
folder. Each measured run is a process of its own; its wall time, CPU time (its own and its
children's) and peak memory (the largest total resident size of it and every process it starts,
sampled every 20 ms) are taken the same way:

- **floor**: a plain copy, the csv module reading GBK and writing UTF-8 with a BOM, no rules;
- **command**: ``python -m server annotate FILE --format csv`` as a merchant runs it (one
  worker process per CPU);
- **stages**, one process, no workers: reading (the records and their text), + the rules core
  (grouping the lines of an order, annotating it), + writing the copy; each stage's cost is its
  difference from the one before, and the worker hand-off is what the command costs beyond
  the one-process run, in CPU.

Floor and command runs alternate ``--runs`` times (the machine's pace drifts over a day);
each ratio is printed as its range over the runs, for each build of the rules core (pure
Python, and compiled where built). Targets (issue 27): wall ÷ floor ≤ 3.0 pure, ≤ 2.2 compiled;
peak memory < 1 GB.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import builds  # noqa: E402
TARGET_RATIO = (3.0, 2.2)  # issue 27: wall ÷ floor, pure Python and compiled
TARGET_BYTES = 1 << 30
AS_OF = "2022-06-20 12:00:00"
ANNOTATE = ["--platform", "jingxi", "--as-of", AS_OF, "--map", "快递揽收时间=picked_up_at"]
STAGES = ("read", "core", "write")

COPY_FLOOR = """
import csv, sys
with open(sys.argv[1], encoding="gbk", newline="") as src, \\
        open(sys.argv[2], "w", encoding="utf-8", newline="") as dst:
    dst.write("\\ufeff")
    csv.writer(dst).writerows(csv.reader(src))
"""


def measure(args: list[str], build: str = "compiled") -> dict:
    """Wall time, CPU time and peak resident memory of one process and its children, running
    ``build`` of the rules core (pure Python, or compiled where built: bench/builds.py)."""
    env = {**builds.env(build), "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    watched = psutil.Process(child.pid)
    peak = 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        try:
            peak = max(peak, sum(p.memory_info().rss for p in [watched, *watched.children(recursive=True)]))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    out = child.stdout.read().decode()
    if code not in (0, 3):  # 3: the copy was written, a rule family judged no order
        raise SystemExit(f"{' '.join(args)} failed with exit code {code}")
    # wait4's usage includes the children the process itself waited for (the command's workers).
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": max(peak, usage.ru_maxrss * 1024),
            "stdout": out}


def run_stage(stage: str, source: Path, out: Path) -> None:
    """One process, no workers: read only, read and annotate, or the whole copy."""
    from server.export_files.annotate import Job, annotate_part
    from server.export_files.reader import open_export
    from shared import parse_time

    export = open_export(source)
    export.close()
    job = Job(source=source, kind=export.kind, encoding=export.encoding, header=export.header,
              preamble=export.preamble, as_of=parse_time(AS_OF), defaults={"platform": "jingxi"},
              column_map={"快递揽收时间": "picked_up_at"})
    if stage == "write":
        annotate_part(job, None, out, "csv", 0, lambda bad: None, lambda done: None)
        return
    if stage == "core":
        annotate_part(job, None, None, "none", 0, lambda bad: None, lambda done: None)
        return
    export = open_export(source)
    for _ in export.records():
        export.record_text()
    export.close()


def ratio_range(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.2f}×" if abs(high - low) < 0.005 else f"{low:.2f}–{high:.2f}×"


def make_export(path: Path, lines: int) -> None:
    made = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample_export.py"), "--lines", str(lines),
                    "-o", str(path)], check=True, stderr=subprocess.DEVNULL)
    print(f"export: {lines:,} lines, {path.stat().st_size / 2**20:,.0f} MB GBK, "
          f"made in {time.perf_counter() - made:.1f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of the CSV export")
    parser.add_argument("--runs", type=int, default=2, help="alternating floor / command runs")
    parser.add_argument("--xlsx-lines", type=int, default=0, help="also time this many lines to xlsx (0: no)")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        run_stage(args.stage, *args.paths)
        return 0
    print(f"{psutil.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
          "(other work on the machine inflates wall times; the ratios are what to compare)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        export = folder / "jd_orders_export_big.csv"
        make_export(export, args.lines)
        kinds = builds.available()
        floors, commands = [], {build: [] for build in kinds}
        for _ in range(args.runs):  # floor, then the command on each build, alternating
            floors.append(measure(["-c", COPY_FLOOR, str(export), str(folder / "floor.csv")]))
            for build in kinds:
                commands[build].append(measure(["-m", "server", "annotate", str(export), "--format", "csv",
                                                "-o", str(folder / "out.csv"), *ANNOTATE], build))
        print(f"copy floor: {min(f['wall'] for f in floors):.1f} s wall, {min(f['cpu'] for f in floors):.1f} s CPU")
        for build, runs in commands.items():
            target = TARGET_RATIO[build == "compiled"]
            wall = [c["wall"] / f["wall"] for f, c in zip(floors, runs)]
            cpu = [c["cpu"] / f["cpu"] for f, c in zip(floors, runs)]
            peak = max(c["peak"] for c in runs)
            print(f"[{build}] command: {min(c['wall'] for c in runs):.1f} s wall, {min(c['cpu'] for c in runs):.1f} s "
                  f"CPU, peak memory {peak / 2**20:,.0f} MB")
            print(f"[{build}] ratio to the floor: wall {ratio_range(wall)}, CPU {ratio_range(cpu)} "
                  f"(target wall ≤ {target}×: {'met' if max(wall) <= target else 'missed'}; "
                  f"peak < 1 GB: {'met' if peak < TARGET_BYTES else 'missed'})")
        print("  " + runs[-1]["stdout"].strip().replace("\n", "\n  "))
        commands = commands[kinds[-1]]

        stages = {stage: measure([str(Path(__file__).resolve()), "--stage", stage, str(export),
                                  str(folder / "stage.csv")], kinds[-1]) for stage in STAGES}
        floor_cpu = min(f["cpu"] for f in floors)
        print(f"where the CPU goes ({kinds[-1]} build, one process, no workers), ÷ the floor's CPU {floor_cpu:.1f} s:")
        before = 0.0
        for stage, label in zip(STAGES, ("reading (records and their text)", "the rules core (grouping, rules, "
                                         "annotation cells)", "writing the copy")):
            cost = stages[stage]["cpu"] - before
            before = stages[stage]["cpu"]
            print(f"  {label}: {cost:.1f} s = {cost / floor_cpu:.2f}×")
        handoff = min(c["cpu"] for c in commands) - stages["write"]["cpu"]
        print(f"  the worker hand-off (the command's CPU beyond one process): {handoff:.1f} s = "
              f"{handoff / floor_cpu:.2f}×")

        if args.xlsx_lines:
            export = folder / "jd_orders_export_xlsx.csv"
            make_export(export, args.xlsx_lines)
            run = measure(["-m", "server", "annotate", str(export), "-o", str(folder / "out.xlsx"), *ANNOTATE])
            print(f"to xlsx: {args.xlsx_lines:,} lines in {run['wall']:.1f} s (CPU {run['cpu']:.1f} s), "
                  f"peak memory {run['peak'] / 2**20:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
