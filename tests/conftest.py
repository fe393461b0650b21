"""Shared fixtures: the spaCy pipeline and the seed graph are built once per test session."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kg.config import REPO_ROOT, Settings

SEEDS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "seeds"
SEED_FACTS = REPO_ROOT.parent / "shared" / "spec" / "seed-facts.json"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def nlp(settings):
    from kg.nlp import load_pipeline

    return load_pipeline(settings)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS_DIR.is_dir(), f"the seed articles are expected at {SEEDS_DIR}"
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed_store(nlp, settings, seeds_dir):
    """The five seed articles built into an in-memory store (read-only for tests: do not modify)."""
    from kg.pipeline import Builder
    from kg.store import KGStore

    store = KGStore()
    report = Builder(store, settings, nlp=nlp).build([seeds_dir])
    assert report.built == 5, report.summary()
    return store


@pytest.fixture
def build_store(nlp, settings):
    """Build the given inputs into a fresh in-memory store; returns (store, report)."""
    from kg.pipeline import Builder
    from kg.store import KGStore

    def _build(*inputs, store=None, **kwargs):
        store = store or KGStore()
        report = Builder(store, settings, nlp=nlp).build(list(inputs), **kwargs)
        return store, report

    return _build


class Listener:
    """A loopback TCP socket that records whether anything connected to it: tests that must prove
    no outbound request is made name its port in their attack and then ask ``connected()``."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]

    def getsockname(self):
        return self.sock.getsockname()

    def connected(self) -> bool:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return False
        conn.close()
        return True


@pytest.fixture
def listener():
    watch = Listener()
    yield watch
    watch.sock.close()


def pytest_terminal_summary(terminalreporter):
    """The build fuzzers' table of cases and outcomes (tests/build_tally.py), when they ran."""
    import sys

    tally = sys.modules.get("build_tally")
    if tally is not None:
        tally.report(terminalreporter.write_line)
