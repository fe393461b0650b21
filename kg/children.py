"""Worker processes that end with the process that started them.

A build's NLP workers hold ~450 MB each and a server's query workers may be deep in a long query: if
the parent is SIGKILLed (OOM killer, ``kill -9``, a supervisor's timeout), nothing runs in it to stop
them, and they are re-parented to PID 1 and keep their memory for as long as they live. So each
worker, first thing, asks to go when its parent goes:

* on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the worker the moment the parent
  dies, even in the middle of a C call that holds the GIL;
* elsewhere (or if prctl is refused), a daemon thread that polls ``os.getppid()`` and leaves with
  ``os._exit`` once the parent has changed.

Either way the parent may already be gone by the time the worker gets there, so the worker first
checks that its parent is still the one that started it.

One Linux caveat the callers must respect: the death signal follows the *thread* that forked the
worker, not the process. A worker forked from a short-lived thread (a "spawner" thread that exits
after starting it) would be killed as soon as that thread ends. Fork workers from a thread that lives
as long as the workers (the main thread, or a long-lived manager thread), or call
:func:`exit_when_orphaned` instead, which watches the process.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL, poll_seconds: float = 0.5) -> str:
    """Arrange for this process to end when ``parent_pid`` (its parent now) ends.

    Returns how: ``"prctl"`` or ``"watcher"``. Exits at once if the parent is already gone.
    """
    if sys.platform.startswith("linux") and _set_pdeathsig(sig):
        if os.getppid() != parent_pid:  # the parent died before the signal was armed
            os._exit(0)
        return "prctl"
    exit_when_orphaned(parent_pid, poll_seconds)
    return "watcher"


def exit_when_orphaned(parent_pid: int, poll_seconds: float = 0.5) -> None:
    """A daemon thread ends this process (``os._exit(0)``) once its parent is no longer ``parent_pid``.

    Portable and independent of which thread forked us; it notices within ``poll_seconds``.
    Oxigraph and spaCy's C code release the GIL for long stretches, so the thread gets to run.
    """
    if os.getppid() != parent_pid:
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll_seconds)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="kg-parent-watch").start()


def _set_pdeathsig(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc symbol (musl builds without prctl, sandboxes)
        return False
