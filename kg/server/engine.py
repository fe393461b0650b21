"""Evaluating users' SPARQL in worker processes, so a query over its time limit can really be stopped.

pyoxigraph cannot cancel a query from Python, and a query such as a cross-product ``COUNT`` runs
for minutes without yielding a row, so checking a deadline between rows is not enough. Each query
therefore runs in a worker process holding its own read-only view of the dataset; the request
thread waits for the answer up to the limit and, past it, kills the worker (the query dies with
it) and starts a replacement in the background, while other workers keep answering.

A worker's view of the dataset is a *snapshot*: a persistent store opened read-only when the server
never writes, a checkpoint (``Store.backup``) of a writable persistent store, or an N-Quads dump of
an in-memory store. After a SPARQL Update the server takes a new snapshot and workers made from an
older one reload the new one before they answer again, so every answer reflects every completed update.

Each worker is confined (:mod:`kg.sandbox`): it cannot open a network socket, so a ``SERVICE`` the
safety reading missed fails inside the engine and is answered as a refusal; its memory is capped, so an
expression that grows a string without end ends the worker instead of the machine; and queries run on a
thread with a stack deep enough for any text :func:`kg.query.check_structure` lets through. A worker that
dies anyway is reported by what killed it (memory, stack, signal), never as an internal error.

``workers=0`` evaluates in-process on the sandbox thread instead (no hard time limit, no memory cap): for
embedding and tests.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import fcntl
import logging
import os
import pickle
import queue
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg import sandbox
from kg.children import die_with_parent
from kg.query import (
    RESULT_FORMATS,
    QueryError,
    backup_store,
    dump_dataset,
    evaluate,
    load_snapshot,
    open_read_only,
)
from kg.resources import child_env
from kg.server.answers import AnswerCache
from kg.server.rowcap import cap_select
from kg.store import KGStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryJob:
    """One query to evaluate, with everything the worker needs (it is pickled to the worker)."""

    text: str
    fmt: str  # serialisation key: json/xml/csv/tsv or turtle/ntriples/...
    default_graphs: tuple[str, ...] | None = None  # None: the store's default graph (the union)
    named_graphs: tuple[str, ...] | None = None
    substitutions: dict[str, str] = field(default_factory=dict)
    max_rows: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The answer: ``status`` 200 with ``body``, or an error status with a message in ``body``."""

    status: int
    body: bytes
    seconds: float = 0.0
    cached: bool = False  # answered from the answer cache (no evaluation; ``seconds`` is the original's)


def _cache_key(job: QueryJob) -> tuple:
    return (job.text, job.fmt, job.default_graphs, job.named_graphs, tuple(sorted(job.substitutions.items())),
            job.max_rows)


def bounded_text(job: QueryJob) -> tuple[str, bool]:
    """The job's text, a SELECT in a result format bounded to ``max_rows + 1`` solutions where that is safe
    (:mod:`kg.server.rowcap`); and whether it was."""
    if job.max_rows is not None and job.fmt in RESULT_FORMATS:
        bounded = cap_select(job.text, job.max_rows)
        if bounded is not None:
            return bounded, True
    return job.text, False


def run_job(store: KGStore, job: QueryJob) -> Outcome:
    """Evaluate one job; every failure becomes an answer with a status (the worker must survive it).

    A SELECT answered in a result format is first bounded to ``max_rows + 1`` solutions in its own
    text (:mod:`kg.server.rowcap`) so Oxigraph can serialise it natively and the rows are counted
    afterwards; a text that cannot be bounded safely is counted row by row instead.
    """
    started = time.perf_counter()
    text, capped = bounded_text(job)
    try:
        try:
            body = _evaluate(store, job, text, capped)
        except QueryError as exc:
            if not capped or not str(exc).startswith("malformed query"):
                raise
            body = _evaluate(store, job, job.text, False)  # the parser's message about the text as written
        status = 200
    except QueryError as exc:
        body, status = f"{exc}\n".encode(), 400
    except MemoryError:
        body, status = _over_memory(None), 503
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # an engine failure (a Rust panic is a BaseException) is an answer, not a crash
        body, status = f"the engine could not evaluate this query: {exc}\n".encode(), 400
    return Outcome(status, body, time.perf_counter() - started)


def _over_memory(megabytes: int | None) -> bytes:
    limit = f" ({megabytes:,} MB)" if megabytes else ""
    return (f"query stopped: it needed more memory than this endpoint allows one query{limit}; narrow it or "
            "add LIMIT\n").encode()


def _evaluate(store: KGStore, job: QueryJob, text: str, capped: bool) -> bytes:
    return evaluate(store, text, job.fmt, default_graphs=job.default_graphs, named_graphs=job.named_graphs,
                    substitutions=job.substitutions or None, max_rows=job.max_rows, rows_capped=capped)


# -- worker processes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Snapshot:
    kind: str  # "store" (open read-only) or "nquads" (load into memory)
    path: str
    generation: int


def _open_snapshot(snapshot: Snapshot) -> KGStore:
    if snapshot.kind == "store":
        return open_read_only(snapshot.path)
    return load_snapshot(snapshot.path)


# Messages are a tag byte and a length, then the payload: jobs and control messages are pickled
# (small), an outcome is its status and time followed by the body's raw bytes, so a large answer is
# neither pickled nor concatenated on the way (it is written with writev and read into one buffer).
_FRAME = struct.Struct("!cQ")
_OUTCOME = struct.Struct("!Hd")
_PIPE_BYTES = 1 << 20  # answer pipes are widened from 64 kB so a large answer needs fewer wake-ups


def _write_all(fd: int, *parts: bytes) -> None:
    views = [memoryview(p) for p in parts if p]
    while views:
        written = os.writev(fd, views)
        while written:
            if written >= len(views[0]):
                written -= len(views.pop(0))
            else:
                views[0], written = views[0][written:], 0


def _send(fd: int, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    _write_all(fd, _FRAME.pack(b"P", len(data)), data)


def _send_outcome(fd: int, outcome: Outcome) -> None:
    head = _OUTCOME.pack(outcome.status, outcome.seconds)
    _write_all(fd, _FRAME.pack(b"O", len(head) + len(outcome.body)), head, outcome.body)


def _read_exactly(fd: int, size: int) -> bytearray:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if not n:
            raise EOFError("the worker closed its pipe")
        got += n
    return buffer


def _recv(fd: int):
    tag, size = _FRAME.unpack(_read_exactly(fd, _FRAME.size))
    if tag == b"O":
        status, seconds = _OUTCOME.unpack(_read_exactly(fd, _OUTCOME.size))
        return Outcome(status, bytes(_read_exactly(fd, size - _OUTCOME.size)), seconds)
    if tag != b"P":
        raise pickle.UnpicklingError(f"unknown message tag {tag!r}")
    return pickle.loads(_read_exactly(fd, size))


def worker_main(kind: str, path: str, memory_mb: int = 0, server_pid: int | None = None) -> None:
    """The worker process: confine itself, open the snapshot, then answer jobs read from stdin on stdout."""
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    sys.stdout = sys.stderr  # nothing else may write into the answer pipe
    die_with_parent(server_pid or os.getppid())
    try:
        sandbox.deny_network(all_threads=True)
        confined = ""
    except sandbox.SandboxUnavailable as exc:
        confined = str(exc)
    # The main thread's stack is the process's (8 MB): queries run on a thread with a deep one.
    sandbox.big_stack_thread(lambda: _answer_jobs(stdin, stdout, kind, path, confined, memory_mb), "kg-query").join()


def _open_capped(snapshot: Snapshot, memory_mb: int) -> KGStore:
    """Open a snapshot without the query memory cap, then cap what queries may add on top of it."""
    if memory_mb:
        sandbox.lift_memory_limit()
    store = _open_snapshot(snapshot)
    if memory_mb:
        sandbox.limit_memory(memory_mb)
    return store


def _answer_jobs(stdin: int, stdout: int, kind: str, path: str, confined: str, memory_mb: int) -> None:
    try:
        try:
            store = _open_capped(Snapshot(kind, path, 0), memory_mb)
        except Exception as exc:
            _send(stdout, ("failed", str(exc)))
            return
        _send(stdout, ("ready", confined))
        while True:
            try:
                job = _recv(stdin)
            except (EOFError, OSError):
                return
            if job is None:
                return
            if isinstance(job, tuple) and job[0] == "reload":  # a newer snapshot after a write
                store = None  # let the old one go before the new one is loaded
                try:
                    store = _open_capped(Snapshot(job[1], job[2], 0), memory_mb)
                except Exception as exc:
                    _send(stdout, ("failed", str(exc)))
                    return
                _send(stdout, ("ready", confined))
                continue
            _send_outcome(stdout, run_job(store, job))
    except BrokenPipeError:  # the server retired this worker or exited: nobody is listening, leave quietly
        return


def _death(returncode: int | None, last_lines: list[str], memory_mb: int) -> Outcome:
    """The answer for a query whose worker died while evaluating it: what killed it, as far as can be told."""
    said = " ".join(last_lines[-3:])
    if "memory allocation" in said or "MemoryError" in said or "bad_alloc" in said:
        return Outcome(503, _over_memory(memory_mb))
    if returncode in (-signal.SIGSEGV, -signal.SIGBUS) or "overflowed its stack" in said:
        return Outcome(400, b"the query nests too deeply for the engine (its stack ran out); simplify it\n")
    if returncode == -signal.SIGABRT and memory_mb:
        return Outcome(503, _over_memory(memory_mb))
    how = f"signal {-returncode}" if returncode is not None and returncode < 0 else f"exit status {returncode}"
    return Outcome(503, f"the query worker stopped while evaluating this query ({how}); it was not answered\n"
                   .encode())


# How a worker is started. ``python -m kg.server.worker`` would first run kg/server/__init__.py, which imports
# Flask, the blueprints and their templates: ~0.45 s of a worker's ~0.8 s start (python -X importtime), on the
# way to the first answer of ``kg serve`` and to every replacement of a worker killed over the time limit, for
# nothing a worker uses. The package is registered bare instead (its __path__, no __init__ run), so the worker
# imports only this module and what it needs (rowcap, safety, answers; kg.query, kg.sandbox, kg.store).
_WORKER_START = (
    "import os, sys, types, kg\n"
    "package = types.ModuleType('kg.server')\n"
    "package.__path__ = [os.path.join(kg.__path__[0], 'server')]\n"
    "sys.modules['kg.server'] = package\n"
    "from kg.server.engine import worker_main\n"
    "worker_main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:5]))\n"
)


class _Worker:
    """A child process (:data:`_WORKER_START`, as ``python -m kg.server.worker`` does it but without Flask): jobs
    in and answers out as framed messages on pipes.

    A plain subprocess rather than ``multiprocessing``: spawn would re-import the caller's main
    module (breaking scripts without a ``__main__`` guard) and fork is unsafe in a threaded server.
    """

    def __init__(self, snapshot: Snapshot, memory_mb: int = 0):
        self.snapshot = snapshot
        self.memory_mb = memory_mb
        self.confined = False
        env = child_env()  # an installed kg needs no PYTHONPATH; a bare checkout gets itself on it
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_START, snapshot.kind, snapshot.path, str(memory_mb), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, env=env,
            close_fds=True,
        )
        self._in = self.process.stdin.fileno()
        self._out = self.process.stdout.fileno()
        with contextlib.suppress(OSError, AttributeError):  # Linux only; the default size still works
            fcntl.fcntl(self._out, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        # What the worker writes to stderr goes to the log; its last lines tell why a worker died.
        self.last_lines: collections.deque[str] = collections.deque(maxlen=20)
        self._stderr = threading.Thread(target=self._read_stderr, daemon=True, name="kg-worker-stderr")
        self._stderr.start()

    def _read_stderr(self) -> None:
        for raw in iter(self.process.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            self.last_lines.append(line)
            log.warning("query worker %d: %s", self.process.pid, line)

    def death(self) -> Outcome:
        """Why the worker died (it must be dead or dying): waits for its exit and its last words."""
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._stderr.join(2)
        return _death(self.process.returncode, list(self.last_lines), self.memory_mb)

    def poll(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._out], [], [], max(0.0, timeout))
        return bool(ready)

    def send(self, message) -> None:
        _send(self._in, message)

    def recv(self):
        return _recv(self._out)

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float) -> bool:
        try:
            if not self.poll(timeout):
                return False
            status, message = self.recv()
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            log.error("query worker did not start: %s", exc)
            return False
        if status != "ready":
            log.error("query worker could not open the dataset: %s", message)
            return False
        self.confined = not message
        if message:
            log.warning("query worker %d has network access: %s", self.process.pid, message)
        return True

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            log.error("query worker %d did not exit after SIGKILL", self.process.pid)
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            with contextlib.suppress(OSError):
                pipe.close()


SNAPSHOT_PREFIX = "kg-snapshot-"


def remove_stale_snapshots(folder: str | None = None) -> int:
    """Delete the snapshot folders of servers that are gone (killed, so they could not clean up); each
    folder's name carries its server's process id. Returns how many were removed."""
    removed = 0
    for path in Path(folder or tempfile.gettempdir()).glob(f"{SNAPSHOT_PREFIX}*-*"):
        pid = path.name[len(SNAPSHOT_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean
        return True
    return True


class QueryPool:
    """A fixed number of worker processes; each query borrows one, and a late one is killed."""

    def __init__(self, store: KGStore, size: int, read_only: bool, start_timeout: float = 120.0,
                 cache_bytes: int = 0, memory_mb: int = 0, queue_wait: float = 1.0):
        self.store = store
        self.size = max(1, size)
        self.read_only = read_only
        self.start_timeout = start_timeout
        self.memory_mb = memory_mb  # each worker's cap (0: none)
        self.queue_wait = queue_wait  # how long a request waits for a free worker before "busy" (503)
        # answers are only kept where they cannot go stale: nobody writes this store
        self.cache = AnswerCache(cache_bytes) if read_only and cache_bytes > 0 else None
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        remove_stale_snapshots()
        self._tmp = Path(tempfile.mkdtemp(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-"))
        self._generation = 0
        self._closed = False
        self._workers: set[_Worker] = set()
        self._snapshot = self._take_snapshot()
        self._spawn_requests: queue.SimpleQueue[bool] = queue.SimpleQueue()
        threading.Thread(target=self._spawner, daemon=True, name="kg-worker-spawner").start()
        for _ in range(self.size):
            self._spawn_async()
        atexit.register(self.close)

    # snapshots
    def _take_snapshot(self) -> Snapshot:
        self._generation += 1
        if self.store.path is not None and self.read_only:
            return Snapshot("store", str(self.store.path), self._generation)
        target = self._tmp / f"g{self._generation}"
        if self.store.path is not None:
            backup_store(self.store, target)
            return Snapshot("store", str(target), self._generation)
        dump_dataset(self.store, target.with_suffix(".nq"))
        return Snapshot("nquads", str(target.with_suffix(".nq")), self._generation)

    def refresh(self, timeout: float = 30.0) -> None:
        """After a write: new snapshot; a worker on an older one reloads it before its next query.

        Reloading in place (not killing and respawning the process) matters under a stream of
        updates: a fresh process takes longer to start than the next update takes to arrive, so
        respawned workers were always stale and readers waited until "busy" (503).
        """
        with self._lock:
            old = self._snapshot
            self._snapshot = self._take_snapshot()
        if self.cache is not None:
            self.cache.clear()
        self._discard_snapshot(old, after=timeout + 5)

    def _discard_snapshot(self, snapshot: Snapshot, after: float) -> None:
        """Delete an older snapshot once no query can still be reading it (one started before the write ends
        within the time limit; a worker still loading it reloads the new one before it answers)."""
        path = Path(snapshot.path)
        if path.parent != self._tmp:
            return

        def later():
            time.sleep(after)
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)

        threading.Thread(target=later, daemon=True, name="kg-snapshot-cleanup").start()

    # workers
    def _spawn_async(self) -> None:
        """Start a worker: forked by the one long-lived spawner thread (a worker's death signal follows the
        thread that forked it, see kg.children), then waited for on a short-lived thread of its own."""
        self._spawn_requests.put(True)

    def _spawner(self) -> None:
        while self._spawn_requests.get() and not self._closed:
            worker = _Worker(self._snapshot, self.memory_mb)
            with self._lock:
                self._workers.add(worker)
            threading.Thread(target=self._welcome, args=(worker,), daemon=True, name="kg-worker-start").start()

    def _welcome(self, worker: _Worker) -> None:
        if worker.wait_ready(self.start_timeout) and not self._closed:
            self._give_back(worker)
        else:
            self._forget(worker)

    def _forget(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker and start its replacement."""
        self._forget(worker)
        self._spawn_async()

    def _give_back(self, worker: _Worker) -> None:
        self._idle.put(worker)  # a stale one reloads the current snapshot when next taken

    def _reload(self, worker: _Worker, timeout: float) -> bool:
        """Make ``worker`` open the current snapshot; False (and the worker unusable) if it cannot."""
        snapshot = self._snapshot
        try:
            worker.send(("reload", snapshot.kind, snapshot.path))
            if not worker.poll(max(timeout, self.start_timeout)):
                return False
            status, message = worker.recv()
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            return False
        if status != "ready":
            log.error("query worker could not reload the dataset: %s", message)
            return False
        worker.snapshot = snapshot
        return True

    def run(self, job: QueryJob, timeout: float) -> Outcome:
        """The answer to ``job``: from the answer cache, else evaluated in a worker within ``timeout`` seconds."""
        if self.cache is None or not AnswerCache.cacheable(job.text):
            return self._evaluate(job, timeout)
        key = _cache_key(job)
        kept = self.cache.get(key)
        if kept is not None:
            return kept
        outcome = self._evaluate(job, timeout)
        if outcome.status == 200:
            self.cache.put(key, Outcome(200, outcome.body, outcome.seconds, cached=True), len(outcome.body))
        return outcome

    def _evaluate(self, job: QueryJob, timeout: float) -> Outcome:
        """Evaluate ``job`` in a worker, stopping it after ``timeout`` seconds of evaluation."""
        waited = time.perf_counter()
        while True:
            remaining = timeout - (time.perf_counter() - waited)
            try:
                worker = self._idle.get(timeout=max(0.01, min(remaining, self.queue_wait)))
            except queue.Empty:
                return Outcome(503, b"the server is busy: every query worker is taken; try again shortly\n")
            if not worker.alive():
                self._retire(worker)
            elif worker.snapshot.generation == self._snapshot.generation or self._reload(worker, remaining):
                break
            else:
                self._retire(worker)
        started = time.perf_counter()
        try:
            worker.send(job)
            if worker.poll(timeout):
                outcome = worker.recv()
                self._give_back(worker)
                return outcome
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            outcome = worker.death()
            log.error("query worker died (%s): %s", exc, outcome.body.decode().strip())
            self._retire(worker)
            return Outcome(outcome.status, outcome.body, time.perf_counter() - started)
        self._retire(worker)  # over the limit: killing the process is what stops the query
        return Outcome(503, f"query stopped: it ran over the time limit of {timeout:g} s; narrow it or add "
                            "LIMIT\n".encode(), time.perf_counter() - started)

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Block until at least one worker is idle (for tests and for a warm start)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self._idle.qsize() > 0:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self._closed = True
        self._spawn_requests.put(False)
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.kill()
        shutil.rmtree(self._tmp, ignore_errors=True)


class InlineEngine:
    """Evaluates in-process on the sandbox thread (``workers=0``); no hard time limit, only the row limit."""

    def __init__(self, store: KGStore):
        self.store = store

    def run(self, job: QueryJob, timeout: float) -> Outcome:
        return sandbox.shared().run(run_job, self.store, job)

    def refresh(self, timeout: float = 30.0) -> None:
        pass

    def wait_ready(self, timeout: float = 0.0) -> bool:
        return True

    def close(self) -> None:
        pass
