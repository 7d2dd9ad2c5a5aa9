"""Annotating a 1,000,000-line GBK JD export offline: rows/s and peak memory, to CSV and to xlsx.

    .venv/bin/python bench/files.py [--lines N] [--xlsx-lines N]

The export is made by ``samples/make_sample_export.py`` in a temporary folder; each run is
``python -m server annotate`` as a merchant runs it, in its own process. Peak memory is the
largest total resident size of that process and every process it starts, sampled every 20 ms.
Target (issue 6): 1,000,000 lines to CSV in under 30 s with peak memory under 1 GB, on 2 cores.
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
TARGET_SECONDS = 30.0
TARGET_BYTES = 1 << 30
ANNOTATE = ["--platform", "jingxi", "--as-of", "2022-06-20 12:00:00", "--map", "快递揽收时间=picked_up_at"]


def measure(args: list[str]) -> dict:
    """Wall time, CPU time and peak resident memory of one command and its children."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
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
    child.returncode = os.waitstatus_to_exitcode(status)
    out = child.stdout.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    # wait4's usage includes the children the command itself waited for (its workers).
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": max(peak, usage.ru_maxrss * 1024),
            "stdout": out}


def report(label: str, lines: int, m: dict, target: bool) -> None:
    rate = lines / m["wall"]
    print(f"{label}: {lines:,} lines in {m['wall']:.1f} s = {rate:,.0f} rows/s "
          f"(CPU {m['cpu']:.1f} s), peak memory {m['peak'] / 2**20:,.0f} MB")
    if target:
        projected = m["wall"] * 1_000_000 / lines
        verdict = ("met" if projected < TARGET_SECONDS else
                   f"missed: {projected / TARGET_SECONDS:.1f}x the target, {projected - TARGET_SECONDS:.0f} s over")
        memory = "met" if m["peak"] < TARGET_BYTES else f"missed by {(m['peak'] - TARGET_BYTES) / 2**20:,.0f} MB"
        print(f"  target 1,000,000 lines < {TARGET_SECONDS:.0f} s: {projected:.1f} s projected, {verdict}; "
              f"peak < 1 GB: {memory}")


def make_export(path: Path, lines: int) -> None:
    made = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample_export.py"), "--lines", str(lines),
                    "-o", str(path)], check=True, stderr=subprocess.DEVNULL)
    print(f"export: {lines:,} lines, {path.stat().st_size / 2**20:,.0f} MB GBK, "
          f"made in {time.perf_counter() - made:.1f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines for the CSV run")
    parser.add_argument("--xlsx-lines", type=int, help="lines for the xlsx run (default: --lines)")
    args = parser.parse_args(argv)
    xlsx_lines = args.xlsx_lines or args.lines
    print(f"{psutil.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
          "(other work on the machine inflates wall times)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        export = folder / "jd_orders_export_big.csv"
        make_export(export, args.lines)
        run = measure(["-m", "server", "annotate", str(export), "--format", "csv", "-o", str(folder / "out.csv"),
                       *ANNOTATE])
        report("to CSV ", args.lines, run, target=True)
        print("  " + run["stdout"].strip().replace("\n", "\n  "))

        if xlsx_lines != args.lines:
            export = folder / "jd_orders_export_xlsx.csv"
            make_export(export, xlsx_lines)
        run = measure(["-m", "server", "annotate", str(export), "-o", str(folder / "out.xlsx"), *ANNOTATE])
        report("to xlsx", xlsx_lines, run, target=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
