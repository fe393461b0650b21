"""Where users' SPARQL is evaluated: with no network, a bounded stack and (in workers) bounded memory.

Oxigraph evaluates ``SERVICE`` (and ``LOAD`` in updates) with its own HTTP client, out of Python's
reach. A text check in front of the engine is a second parser that disagrees with the engine's
somewhere: two such disagreements let queries make the server fetch any URL. So the decision is taken
where it cannot be argued with: the thread (or process) that hands user text to the engine may not
open a network socket. A seccomp filter (libseccomp, through pyseccomp) makes ``socket()`` fail with
``ENONET`` for every address family but ``AF_UNIX`` (and refuses ``io_uring``, which could open one
behind the filter's back). A ``SERVICE`` the engine tries to call then fails inside the engine, and
:func:`is_network_refusal` recognises that failure by its errno so callers can answer with a refusal.

Oxigraph's parser, optimiser and evaluator recurse over the query's structure, so a query can also
overflow the stack of the thread that runs it (20,000 nested braces, a long chain of ``+``, a long
basic graph pattern); that kills the process, not just the query. :func:`structure_count` is a bound on
how deep that recursion can go that no lexing can fool (it counts every bracket, operator, separator and
variable sigil in the raw text, inside strings and IRIs too), and evaluation runs on threads whose stack
holds :data:`MAX_STRUCTURE` of the costliest kind of level with a wide margin (measured: about 4.5 KB per
counted character for nested function calls, the worst shape found; 256 MB allows 13 KB).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import queue
import resource
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

NETWORK_ERRNO = errno.ENONET  # "Machine is not on the network": nothing else in a query raises it
_NETWORK_MESSAGES = (f"os error {NETWORK_ERRNO})", os.strerror(NETWORK_ERRNO))
STACK_BYTES = 256 * 1024 * 1024
MAX_STRUCTURE = 20_000
STRUCTURAL = "{}()[]!&|+-*/^=<>.;,?$"

T = TypeVar("T")


class SandboxUnavailable(RuntimeError):
    """seccomp cannot be used here (not Linux, or libseccomp missing)."""


def structure_count(text: str) -> int:
    """How many characters of ``text`` can each open one level of the engine's recursion.

    Counted on the raw text, strings and IRIs included, so it can only over-count: a lexer that read a
    string differently from the engine could otherwise hide structure from the count.
    """
    return sum(text.count(c) for c in STRUCTURAL)


def _filter(all_threads: bool):
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError, RuntimeError) as exc:  # no libseccomp on this system
        raise SandboxUnavailable(f"libseccomp is not available ({exc})") from None
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    refuse = seccomp.ERRNO(NETWORK_ERRNO)
    rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
        with contextlib.suppress(Exception):  # an old kernel or libseccomp may not know the name
            rules.add_rule(refuse, name)
    if all_threads:
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
    return rules


def deny_network(all_threads: bool = False) -> None:
    """From now on, the calling thread (or, with ``all_threads``, every thread of the process) cannot open
    a network socket; threads it starts later inherit the rule. It cannot be undone.

    Raises :class:`SandboxUnavailable` where seccomp cannot be used.
    """
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"seccomp needs Linux (this is {sys.platform})")
    try:
        _filter(all_threads).load()
    except SandboxUnavailable:
        raise
    except Exception as exc:
        raise SandboxUnavailable(f"the seccomp filter could not be loaded ({exc})") from None


def is_network_refusal(exc: BaseException) -> bool:
    """Did ``exc`` come from the engine trying to open a socket inside the sandbox?"""
    if isinstance(exc, OSError) and exc.errno == NETWORK_ERRNO:
        return True
    text = str(exc)
    return any(m in text for m in _NETWORK_MESSAGES)


def data_bytes() -> int:
    """This process's data size now (heap and private mappings, what RLIMIT_DATA counts), from /proc."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def limit_memory(megabytes: int) -> None:
    """Let this process grow by at most ``megabytes`` from now on (RLIMIT_DATA: heap and private mappings,
    not address space a library reserves without using it). Past it an allocation fails, which ends a query
    worker; the pool reports it and starts another. Only the soft limit is set, so :func:`lift_memory_limit`
    can undo it for the worker's own work (loading a new snapshot)."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = data_bytes() + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def lift_memory_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))


def big_stack_thread(target: Callable[[], Any], name: str) -> threading.Thread:
    """A started thread with :data:`STACK_BYTES` of stack (``threading.stack_size`` applies only to threads
    started while it is set, so it is set and restored around the start)."""
    with _STACK_LOCK:
        previous = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    return thread


_STACK_LOCK = threading.Lock()


class Sandbox:
    """One thread with no network and a big stack that runs callables handed to it, in order.

    For evaluating user text inside a process that otherwise needs the network or is shared (the server's
    update path, ``workers=0``, ``kg query``): only this thread is filtered. Where seccomp is unavailable
    the thread still runs, with a warning once, and :attr:`confined` is False.
    """

    def __init__(self, name: str = "kg-sandbox"):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._ready = threading.Event()
        self.confined = False
        self.reason = ""
        self._thread = big_stack_thread(self._loop, name)
        self._ready.wait()

    def _loop(self) -> None:
        try:
            deny_network()
            self.confined = True
        except SandboxUnavailable as exc:
            self.reason = str(exc)
            log.warning("outbound requests from queries cannot be blocked here: %s", exc)
        self._ready.set()
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, args, done = job
            try:
                done.append((True, fn(*args)))
            except BaseException as exc:  # handed back to the caller's thread, without its frames:
                # pyoxigraph's result objects must be dropped on the thread that made them.
                exc.__traceback__ = exc.__context__ = exc.__cause__ = None
                done.append((False, exc))
            finally:
                done.event.set()

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` evaluated on the sandbox thread; its exception is raised here."""
        done = _Result()
        self._jobs.put((fn, args, done))
        done.event.wait()
        ok, value = done[0]
        if ok:
            return value
        raise value

    def close(self) -> None:
        self._jobs.put(None)


class _Result(list):
    def __init__(self) -> None:
        super().__init__()
        self.event = threading.Event()


_shared: Sandbox | None = None
_shared_lock = threading.Lock()


def shared() -> Sandbox:
    """The process's sandbox thread, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Sandbox()
        return _shared
