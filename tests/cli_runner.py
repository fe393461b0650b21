"""Run the ``kg`` command inside the test process, with the session's spaCy pipeline.

The hostile-input and fuzz tests run hundreds of builds; a subprocess each would spend most of its
time loading spaCy. ``typer.testing.CliRunner`` calls the same command function with the same
arguments and captures stdout and stderr apart; an exception that escapes the command (a traceback on
the real command line) comes back as ``Run.exception``. A few tests per file still run the real
command line in a subprocess, so the in-process path is not the only one tested.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None  # escaped the command: would have been a traceback

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def invoke(nlp, *args: str, env: dict[str, str] | None = None) -> Run:
    from typer.testing import CliRunner

    import kg.nlp
    from kg.cli import app

    original = kg.nlp.load_pipeline
    kg.nlp.load_pipeline = lambda settings=None, data_dir=None: nlp
    try:
        result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    finally:
        kg.nlp.load_pipeline = original
    escaped = None if isinstance(result.exception, SystemExit) else result.exception
    return Run(result.exit_code, result.stdout, result.stderr, escaped)


def assert_printable(text: str) -> None:
    """No control character but the line ends, and no invisible direction override, reached the terminal."""
    bad = [c for c in text if c != "\n" and (unicodedata.category(c) == "Cc" or 0x202A <= ord(c) <= 0x202E
                                             or 0x2066 <= ord(c) <= 0x2069)]
    assert not bad, f"raw control characters {bad!r} in {text!r}"
