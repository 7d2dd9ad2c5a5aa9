"""``python -m server`` in a checkout: the same one command as the installed ``jdpg``."""
import subprocess

import pytest

from tests.support.commands import jdpg

pytestmark = pytest.mark.packaging

COMMANDS = ("serve", "annotate", "digest", "sheets", "keys", "shops", "watch", "worker")


def run(*args) -> subprocess.CompletedProcess:
    return jdpg(*args, timeout=60, env={"PATH": "/usr/bin:/bin"})


def test_help_names_every_command_and_that_none_means_serve():
    done = run("--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: python -m server")
    for command in COMMANDS:
        assert f"\n    {command} " in done.stdout, command
    assert "runs `serve`" in done.stdout


@pytest.mark.parametrize("command, usage", [("annotate", "usage: python -m server annotate"),
                                            ("serve", "usage: python -m server serve"),
                                            ("keys", "usage: python -m server keys"),
                                            ("worker", "usage: python -m server worker")])
def test_each_command_has_its_own_help(command, usage):
    done = run(command, "--help")
    assert done.returncode == 0 and done.stdout.startswith(usage)


def test_an_unknown_command_is_refused_naming_the_commands():
    done = run("anotate", "orders.csv")
    assert done.returncode == 2
    assert "'anotate'" in done.stderr and all(command in done.stderr for command in COMMANDS)


def test_serve_options_without_the_word_serve_still_serve():
    done = run("--port", "0", "--trusted-proxy", "127.0.0.1")
    assert done.returncode == 2 and "--trusted-proxy needs --production" in done.stderr
