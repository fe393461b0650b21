"""Start a real SPARQL server for a test or a benchmark: Oxigraph server or Virtuoso, on free ports, in a temp folder.

Both are context managers yielding a :class:`Server` (its query URL, update URL, credentials) and stop the
server they started, by its process id, on the way out.

* Oxigraph server comes with the ``oxigraph`` package (``oxigraph serve``; in the test extra);
* Virtuoso is Debian's ``virtuoso-opensource`` (``virtuoso-t``; ``.ci/run`` installs it). It gets a
  database folder and an ini of its own (ports, no system-wide files written), and updates go to its
  ``/sparql-auth`` endpoint with the ``dba`` account (Digest authentication), which is how a Virtuoso
  is written to over SPARQL without granting the anonymous user update rights.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"


@dataclass(frozen=True)
class Server:
    name: str
    query_url: str
    update_url: str
    auth: str | None = None  # USER:PASS for --store-auth

    def cli_args(self) -> list[str]:
        args = ["--store-url", self.query_url, "--update-url", self.update_url]
        return args + (["--store-auth", self.auth] if self.auth else [])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_http(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: "
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url} within {seconds:g} s: "
                       f"{log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def oxigraph_server(timeout_s: int = 30) -> Iterator[Server]:
    """``oxigraph serve`` on a persistent folder; queries stop after ``timeout_s`` on the server's side too."""
    folder = Path(tempfile.mkdtemp(prefix="kg-oxigraph-"))
    port = free_port()
    binary = shutil.which("oxigraph", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if binary is None:
        raise RuntimeError("oxigraph (the server) is not installed: pip install oxigraph")
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}",
                                    "--timeout-s", str(timeout_s)], stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(f"{base}/query?query=ASK%7B%7D", process, 30, log)
        yield Server("oxigraph", f"{base}/query", f"{base}/update")
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


VIRTUOSO_INI = """[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
Striping           = 0
[Parameters]
ServerPort               = {sql_port}
DisableUnixSocket        = 1
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
ThreadsPerQuery          = 2
MaxSortedTopRows         = 1000001
[HTTPServer]
ServerPort                  = {http_port}
ServerRoot                  = {dir}/vsp
MaxClientConnections        = 10
ServerThreads               = 10
Charset                     = UTF-8
[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = {timeout_s}
"""


@contextlib.contextmanager
def virtuoso_server(timeout_s: int = 30) -> Iterator[Server]:
    """A fresh Virtuoso with its own database folder and ini; writes as ``dba`` through ``/sparql-auth``."""
    if not Path(VIRTUOSO).exists():
        raise RuntimeError("Virtuoso is not installed: apt-get install virtuoso-opensource")
    folder = Path(tempfile.mkdtemp(prefix="kg-virtuoso-"))
    (folder / "vsp").mkdir()
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, timeout_s=timeout_s))
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{http_port}"
        _wait_http(f"{base}/sparql?query=ASK%7B%7D", process, 120, log)
        yield Server("virtuoso", f"{base}/sparql", f"{base}/sparql-auth", "dba:dba")
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


SERVERS = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
