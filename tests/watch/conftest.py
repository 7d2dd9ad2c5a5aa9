"""The watch's fixtures: the JOS stand-in over real HTTP."""
import pytest

from standins.jos import JosStandin


@pytest.fixture
def jos():
    with JosStandin() as standin:
        yield standin
