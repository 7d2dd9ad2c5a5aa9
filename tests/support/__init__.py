"""What the test modules share: the repository's root, commands run as merchants run them, the
stand-ins wrapped as fixtures, and data several suites read. No test module imports another."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
