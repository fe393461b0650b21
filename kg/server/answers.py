"""A small cache of finished answers, for a store that nobody writes while the server runs.

Dashboards and canned queries send the same text again and again; on a read-only store the answer
cannot change, so the second request can skip the worker and the evaluation. A hit runs no query at
all, so the time limit is untouched. What is kept is bounded in bytes (least recently used first
out), only successful answers are kept, and a text that calls a function whose value changes
between evaluations (``NOW``, ``RAND``, ``UUID``/``STRUUID``, ``BNODE``) is never kept: the check is a
plain substring test, which may skip a cacheable text but never keeps an uncacheable one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

_VOLATILE = ("NOW", "RAND", "UUID", "BNODE")


class AnswerCache:
    """Least-recently-used answers by key, at most ``max_bytes`` of bodies in all."""

    def __init__(self, max_bytes: int, max_entry_bytes: int | None = None):
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes if max_entry_bytes is not None else max_bytes // 8
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def cacheable(text: str) -> bool:
        upper = text.upper()
        return not any(word in upper for word in _VOLATILE)

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key, value, size: int) -> None:
        if size > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
