"""Stopping the export command: SIGINT and SIGTERM, in the foreground or the background, with
one process or several; the earlier copy stays as it was, and no process is left behind."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.support import ROOT

AS_OF = "2022-06-20 12:00:00"
EARLIER = b"the copy from yesterday's run\r\n"


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    """Large enough that the command starts worker processes (8 MB and more)."""
    path = tmp_path_factory.mktemp("big") / "orders.csv"
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample_export.py"), "--lines", "40000",
                    "-o", str(path)], check=True, capture_output=True)
    return path


def start(source, out, jobs, ignore_sigint=False, output=subprocess.PIPE):
    """The command in a session of its own, so its process group can be looked at afterwards.
    ``ignore_sigint``: started as a shell starts a background job (or nohup): SIGINT ignored."""
    def as_background_job():
        if ignore_sigint:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "server", "annotate", str(source), "-o", str(out),
                             "--platform", "jingxi", "--as-of", AS_OF, "--jobs", jobs],
                            cwd=ROOT, env=env, stdout=output, stderr=output, text=True,
                            start_new_session=True, preexec_fn=as_background_job)


def processes_in_group(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_for_partial(folder: Path, proc) -> None:
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".partial") for p in folder.iterdir()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.3)  # well into the file, workers (if any) running


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signum, code, words", [
    (signal.SIGINT, 130, ("已中断", "interrupted")),
    (signal.SIGTERM, 143, ("已停止", "stopped (SIGTERM)")),
], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("background", [False, True], ids=["foreground", "background"])
def test_a_stopped_run_keeps_the_earlier_copy_and_leaves_nothing_behind(big_export, tmp_path, jobs, signum, code,
                                                                         words, background):
    out = tmp_path / "out.csv"
    out.write_bytes(EARLIER)
    proc = start(big_export, out, jobs, ignore_sigint=background)
    wait_for_partial(tmp_path, proc)
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert all(word in err for word in words) and "Traceback" not in err
    assert out.read_bytes() == EARLIER, "the earlier copy is left as it was"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"], "no partial file"
    assert processes_in_group(proc.pid) == []


def test_a_finished_run_with_workers_leaves_no_process_in_its_group(big_export, tmp_path):
    log = tmp_path / "log.txt"
    with log.open("w") as output:  # not pipes: reading a pipe to its end would wait for every holder
        proc = start(big_export, tmp_path / "out.csv", "2", output=output)
        assert proc.wait(timeout=120) == 0, log.read_text()
        left = processes_in_group(proc.pid)
    assert left == [], "workers and multiprocessing's resource tracker are gone when the command is"
    assert "订单 orders:" in log.read_text()


def test_when_the_command_returns_it_has_no_child_process_left(big_export, tmp_path):
    """Checked from inside (the same moment the command exits): after a run with workers, the
    workers and multiprocessing's resource tracker (a process of its own) are gone."""
    import psutil

    from server.export_files.annotate import Job, annotate_file
    from server.export_files.reader import open_export
    from shared import parse_time

    source = open_export(big_export)
    source.close()
    job = Job(source=big_export, kind="csv", encoding=source.encoding, header=source.header,
              as_of=parse_time(AS_OF), defaults={"platform": "jingxi"})
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    annotate_file(job, tmp_path / "out.csv", "csv", jobs=2, listed_bad_rows=5, on_bad_row=lambda bad: None,
                  on_progress=lambda done: None)
    left = [p.cmdline() for p in psutil.Process().children(recursive=True) if p.pid not in before]
    assert left == []


def test_a_worker_killed_mid_file_is_one_clear_message_and_the_earlier_copy_stays(big_export, tmp_path):
    import psutil

    out = tmp_path / "out.csv"
    out.write_bytes(EARLIER)
    proc = start(big_export, out, "2")
    wait_for_partial(tmp_path, proc)
    workers = [p for p in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(p.cmdline())]
    assert workers, "the command runs worker processes for this file"
    workers[0].kill()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "Traceback" not in err, err
    assert "标注进程意外退出" in err and "ended unexpectedly" in err
    assert out.read_bytes() == EARLIER
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"], "no partial file, no part files"
    assert processes_in_group(proc.pid) == []
