"""The export command's processes and output names under hostile conditions: killed with SIGKILL
(its workers must not outlive it, and what it left is swept by the next run), an output path that
is a loop of symbolic links, an output name as long as a file name may be."""
import csv
import os
import signal
import subprocess
import sys
import time

import psutil
from tests.support import ROOT

AS_OF = "2022-06-20 12:00:00"
# Exit codes of a run that wrote its copy (3: a rule family could judge no order, as in these small files).
WRITTEN = (0, 3)
HEADER = ["订单号", "商品名称", "付款确认时间", "揽收时间"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "server", "annotate", *map(str, args), "--platform", "jingxi",
                           "--as-of", AS_OF], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)


def small_csv(path):
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, ["235711131720", "抽纸", "2022-06-02 23:30:00", "2022-06-03 08:00:00"]])
    return path


def big_csv(path, rows=250_000):
    """Over the command's 8 MiB threshold for worker processes."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow([str(235711131720 + i), "抽纸 纸巾 三层 120 抽", "2022-06-02 23:30:00", "2022-06-03 08:00:00"])
    return path


def test_sigkill_of_the_command_ends_its_workers_and_the_next_run_sweeps_what_it_left(tmp_path):
    source = big_csv(tmp_path / "orders.csv")
    out = tmp_path / "orders.annotated.csv"
    with (tmp_path / "stderr.txt").open("w") as stderr:
        command = subprocess.Popen([sys.executable, "-m", "server", "annotate", str(source), "-o", str(out),
                                    "--jobs", "2", "--platform", "jingxi", "--as-of", AS_OF],
                                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                                   stderr=stderr)
        try:
            parent = psutil.Process(command.pid)
            deadline = time.monotonic() + 60
            while True:
                workers = [p for p in parent.children() if "python" in p.name().lower()]
                busy = [w for w in workers if w.cpu_times().user > 0.5]
                if len(busy) >= 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert len(busy) >= 2, "the workers never started"
            partials = list(tmp_path.glob(".orders.annotated.csv.*"))
            command.send_signal(signal.SIGKILL)
            command.wait(timeout=10)
            gone, alive = psutil.wait_procs(workers, timeout=5)
            for process in alive:
                process.kill()
            assert not alive, "workers outlived the command"
        finally:
            if command.poll() is None:
                command.kill()
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
    assert partials and any(p.exists() for p in partials), "the killed run should have left its copies"
    assert not out.exists()
    again = run(small_csv(tmp_path / "small.csv"), "-o", out)
    assert again.returncode in WRITTEN, again.stderr
    assert not list(tmp_path.glob(".orders.annotated.csv.*")), "stale copies were not swept"


def test_a_stale_copy_of_a_live_run_is_left_alone(tmp_path):
    out = tmp_path / "o.csv"
    live = tmp_path / f".o.csv.{os.getpid()}-0123abcd.partial"
    live.write_text("being written")
    result = run(small_csv(tmp_path / "s.csv"), "-o", out)
    assert result.returncode in WRITTEN, result.stderr
    assert live.exists()


def test_an_output_path_that_is_a_loop_of_symbolic_links_is_refused_clearly(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    result = run(small_csv(tmp_path / "s.csv"), "-o", tmp_path / "a.csv")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "internal" not in result.stderr
    assert "symbolic" in result.stderr


def test_an_output_name_of_245_characters_is_written(tmp_path):
    out = tmp_path / ("x" * 241 + ".csv")
    result = run(small_csv(tmp_path / "s.csv"), "-o", out)
    assert result.returncode in WRITTEN, result.stderr
    assert out.exists()


def test_an_output_name_of_255_bytes_of_chinese_is_written(tmp_path):
    out = tmp_path / ("订" * 83 + ".csv")  # 249 + 4 bytes
    result = run(small_csv(tmp_path / "s.csv"), "-o", out)
    assert result.returncode in WRITTEN, result.stderr
    assert out.exists()
