"""`kg serve` through the real command: a busy port is one line of error, a free one serves."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "browser" / "data" / "sample.trig"
KG = [sys.executable, "-m", "kg.cli", "serve", "--data", str(SAMPLE), "--workers", "0"]


def test_busy_port_is_one_line_naming_the_port_and_the_way_out():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*KG, "--port", str(port)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 1
    assert "serving on" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {port}" in lines[0] and "in use" in lines[0] and "--port" in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_host_is_one_line():
    result = subprocess.run([*KG, "--host", "no-such-host.invalid"], capture_output=True, text=True, timeout=120,
                            cwd=REPO)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--host no-such-host.invalid" in result.stderr


def test_a_free_port_is_served_after_the_check():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([*KG, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=REPO, start_new_session=True)
    try:
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline, line = time.monotonic() + 120, ""
        while "serving on" not in line and time.monotonic() < deadline and process.poll() is None:
            if selector.select(timeout=1):
                line = process.stdout.readline()
        assert f"serving on http://127.0.0.1:{port}/" in line, process.stderr.read() if process.poll() else line
        for _ in range(100):  # the line is printed just before waitress binds the port
            try:
                r = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s a ckg:State }"},
                                 timeout=30)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["boolean"] is True
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
