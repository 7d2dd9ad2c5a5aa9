"""A throwaway PostgreSQL cluster from Debian's ``postgresql`` package on a free loopback port.

The server refuses to run as root: as root it runs as Debian's ``postgres`` user (through ``runuser``),
otherwise as the user running the tests. Trust authentication on loopback, no fsync: a test cluster.
"""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.servers import free_port


def _bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        raise RuntimeError("Debian's postgresql is not installed (scripts/setup-test-tools.sh installs it)")
    return versions[-1].parent


class PostgresServer:
    def __init__(self):
        self.bin = _bin()
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="jdpg-pg-"))
        self.url = f"postgresql://jdpg@127.0.0.1:{self.port}/jdpg"   # as an operator writes it

    def _as_owner(self, *command) -> list[str]:
        command = [str(part) for part in command]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres", "postgres")
        data = self.tmp / "data"
        subprocess.run(self._as_owner(self.bin / "initdb", "-D", data, "-U", "jdpg", "--auth=trust", "-E", "UTF8",
                                      "--locale=C.UTF-8"), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.process = subprocess.Popen(self._as_owner(
            self.bin / "postgres", "-D", data, "-p", self.port, "-h", "127.0.0.1", "-k", self.tmp,
            "-c", "fsync=off", "-c", "max_connections=100"), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while subprocess.run([self.bin / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]).returncode:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__()
                raise RuntimeError("postgres did not start")
            time.sleep(0.1)
        subprocess.run([self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "jdpg", "jdpg"], check=True)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.tmp, ignore_errors=True)
