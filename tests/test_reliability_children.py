"""Worker processes die with their parent (issue 16 item 4): ``kg.children`` and the build's NLP workers.

A SIGKILLed ``kg build -j 2`` used to leave its two workers running, re-parented to PID 1 and holding
~900 MB, for as long as one watched. Now each worker arms ``PR_SET_PDEATHSIG`` (Linux) or a watcher
thread. The server's query workers have their own test in ``test_reliability_crash.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from kg.config import REPO_ROOT

GRACE = 5.0  # seconds a child may take to notice


def still_running(pids: list[int], within: float = GRACE) -> list[int]:
    """The pids still alive (zombies count as gone: they hold no memory) after ``within`` seconds."""
    deadline = time.monotonic() + within
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if _alive(pid)]
        time.sleep(0.1)
    return alive


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_sigkill_of_a_parallel_build_leaves_no_worker_running(tmp_path: Path):
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from corpus import write_jsonl

    corpus = write_jsonl(300, tmp_path / "corpus.jsonl", seed=5)
    build = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "--memory", "-j", "2"],
                             cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
            workers = [c.pid for c in psutil.Process(build.pid).children(recursive=True)]
            time.sleep(0.2)
        assert len(workers) >= 2, f"the build never started its two workers (exit {build.poll()})"
        time.sleep(1.0)  # both at work on their first chunks
        os.kill(build.pid, signal.SIGKILL)
        build.wait(10)
        left = still_running(workers)
        assert not left, f"NLP workers {left} outlived the SIGKILLed build by {GRACE} s"
    finally:
        kill_all(workers)
        if build.poll() is None:
            build.kill()


MIDDLE = """
import os, sys, time
from kg import children
if sys.argv[1] == "watcher":
    children._set_pdeathsig = lambda sig: False  # as on a system without prctl
read, write = os.pipe()
if os.fork() == 0:
    how = children.die_with_parent(os.getppid(), poll_seconds=0.1)
    os.write(write, f"{os.getpid()} {how}\\n".encode())
    time.sleep(600)
    os._exit(0)
sys.stdout.write(os.read(read, 100).decode())
sys.stdout.flush()
time.sleep(600)
"""


@pytest.mark.parametrize("mode", ["prctl", "watcher"])
def test_a_child_dies_when_its_parent_is_sigkilled(mode):
    middle = subprocess.Popen([sys.executable, "-c", MIDDLE, mode], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    child = 0
    try:
        pid, how = middle.stdout.readline().split()
        child = int(pid)
        assert how == mode and _alive(child)
        os.kill(middle.pid, signal.SIGKILL)
        middle.wait(10)
        assert not still_running([child]), f"the child ({how}) outlived its SIGKILLed parent"
    finally:
        kill_all([child] if child else [])
        if middle.poll() is None:
            middle.kill()


def test_a_child_whose_parent_is_already_gone_leaves_at_once():
    """The parent may die between fork and the call: the child must not arm a signal that never comes."""
    code = ("import os; from kg.children import die_with_parent; "
            "die_with_parent(os.getppid() + 1_000_000); print('ran on')")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "ran on" not in result.stdout, result.stdout
