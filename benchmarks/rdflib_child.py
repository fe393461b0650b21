"""rdflib's default in-memory engine on the same data and queries, in a process of its own so the
parent can cap its time (rdflib cannot be interrupted from another thread).

Reads a JSON job on stdin (N-Quads path, queries, per-query cap in seconds), prints one JSON line per
event: ``{"load": seconds}`` then ``{"name": ..., "times": [...], "capped": bool}`` per query.
"""

from __future__ import annotations

import json
import signal
import sys
import time


class Capped(Exception):
    pass


def _alarm(_signum, _frame):
    raise Capped()


def main() -> None:
    from rdflib import Dataset

    job = json.loads(sys.stdin.read())
    started = time.perf_counter()
    dataset = Dataset(default_union=True)  # the default graph is the union, as in the store
    dataset.parse(job["path"], format="nquads")
    print(json.dumps({"load": time.perf_counter() - started, "quads": len(dataset)}), flush=True)
    signal.signal(signal.SIGALRM, _alarm)
    for name, texts in job["queries"]:
        times, capped, rows, error = [], False, None, None
        for text in texts:
            signal.setitimer(signal.ITIMER_REAL, job["cap"])
            began = time.perf_counter()
            try:
                result = dataset.query(text)
                result.serialize(format="json")
                times.append(time.perf_counter() - began)
                rows = len(result.bindings) if result.type == "SELECT" else None
            except Capped:
                capped = True
                break
            except Exception as exc:  # an rdflib failure is a figure too, not a crash
                error = f"{type(exc).__name__}: {exc}"[:120]
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        print(json.dumps({"name": name, "times": times, "capped": capped, "rows": rows, "error": error}),
              flush=True)


if __name__ == "__main__":
    main()
