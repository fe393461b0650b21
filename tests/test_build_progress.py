"""`kg build` into a log or a pipe prints progress lines (issue 18): on a terminal it draws a bar, but
redirected a bar shows nothing, and a long build looked hung for minutes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kg.progress import LogProgress, line_step

REPO = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^building: (\d+)/(\d+) documents \(([\d.]+|…) docs/s, \d+:\d\d:\d\d\)$")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_line_every_tenth_of_the_build_and_the_last_document():
    lines: list[str] = []
    progress = LogProgress(25, lines.append, clock=Clock())
    for read in range(1, 26):
        progress(25, None)  # the builder passes how many it has read, which runs ahead: not what is shown
        assert progress.finished == read
    shown = [int(LINE.match(line).group(1)) for line in lines]
    assert shown == [3, 6, 9, 12, 15, 18, 21, 24, 25]


def test_a_slow_build_gets_a_line_every_30_seconds_between_steps():
    clock, lines = Clock(), []
    progress = LogProgress(1000, lines.append, clock=clock)  # a line every 100 documents
    for _ in range(3):
        clock.now += 31
        progress()
    assert [LINE.match(line).group(1) for line in lines] == ["1", "2", "3"]
    progress()  # no time passed, not a step: silent
    assert len(lines) == 3


def test_step_bounds():
    assert line_step(5) == 1 and line_step(25) == 3 and line_step(100_000) == 100 and line_step(0) == 100
    lines: list[str] = []
    unknown = LogProgress(0, lines.append, clock=Clock())
    for _ in range(200):
        unknown()
    assert lines == [line for line in lines if re.match(r"^building: (100|200) documents ", line)] and len(lines) == 2


def test_kg_build_piped_prints_progress_lines(tmp_path: Path):
    """The real command with stderr a pipe (as `kg build 2>&1 | cat` or a log file): plain lines,
    rising to the last document, no control codes from the bar."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(12):
        (corpus / f"a{i:02d}.txt").write_text(
            f"Militants attacked a checkpoint in Mogadishu on Saturday, killing {i + 2} soldiers, police said.\n",
            encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(tmp_path / "s")],
                            capture_output=True, text=True, timeout=300, cwd=REPO)
    assert result.returncode == 0, result.stderr
    both = result.stdout + result.stderr
    assert "\x1b" not in both and "\r" not in both
    progress = [LINE.match(line) for line in result.stderr.splitlines() if line.startswith("building:")]
    assert progress and all(progress), result.stderr
    done = [int(m.group(1)) for m in progress]
    assert done == sorted(done) and done[-1] == 12 and len(done) >= 6  # step 2 of 12: 2, 4, ... 12
    assert {m.group(2) for m in progress} == {"12"}
