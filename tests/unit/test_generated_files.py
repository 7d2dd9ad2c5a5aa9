"""Every generated file is what its generator makes from the data now (scripts/generate.py)."""
import subprocess
import sys

from tests.support import ROOT


def test_no_generated_file_is_stale():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate.py"), "--check"], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr


def test_the_check_names_a_stale_file(tmp_path):
    page = ROOT / "docs" / "supported-inputs.md"
    text = page.read_bytes()
    try:
        page.write_bytes(text + b"\nedited by hand\n")
        run = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate.py"), "--check"], capture_output=True,
                             text=True, cwd=ROOT, timeout=300)
    finally:
        page.write_bytes(text)
    assert run.returncode == 1
    assert "docs/supported-inputs.md" in run.stderr
