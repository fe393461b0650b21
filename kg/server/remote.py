"""The query engine of ``kg serve --store-url``: users' queries are evaluated by the SPARQL server behind it.

The endpoint's own rules hold in front of it, unchanged: every text is inspected (:mod:`kg.server.safety`)
and SERVICE, LOAD and updates are refused *before* anything is sent to the store; formats are negotiated
first; the result-size limit is applied to what comes back (a SELECT is first bounded to
``max_rows + 1`` solutions in its own text, so an oversized answer is never transferred whole). The time
limit is the HTTP request's: past it the request is abandoned and the user gets the same 503 as from the
embedded engine. Abandoning a request does not stop the server's evaluation of it, so start the server
with a query timeout of its own (``oxigraph serve --timeout-s``, Virtuoso's ``MaxQueryExecutionTime``).

There are no query worker processes and no sandbox thread here: no query is evaluated in this process, and
the sandbox's no-network rule would stop the one request that has to be made (to the store).
"""

from __future__ import annotations

import time

from kg.query import QueryError, evaluate
from kg.server.engine import Outcome, QueryJob, bounded_text
from kg.store import StoreError
from kg.store.remote import RemoteStore, RemoteTimeout


class RemoteEngine:
    """Forwards each job to the remote store under the endpoint's time and row limits."""

    def __init__(self, store: RemoteStore):
        self.store = store

    def run(self, job: QueryJob, timeout: float) -> Outcome:
        started = time.perf_counter()
        store = self.store.with_timeout(timeout)
        text, capped = bounded_text(job)
        try:
            # kg.query is annotated with the embedded store; on a remote one it uses only the GraphStore interface
            body = evaluate(store, text, job.fmt,  # type: ignore[arg-type]
                            default_graphs=list(job.default_graphs or []) or None,
                            named_graphs=list(job.named_graphs or []) or None,
                            substitutions=job.substitutions or None, max_rows=job.max_rows, rows_capped=capped)
            return Outcome(200, body, time.perf_counter() - started)
        except RemoteTimeout:
            return Outcome(503, f"query stopped: it ran over the time limit of {timeout:g} s; narrow it or add "
                                "LIMIT\n".encode(), time.perf_counter() - started)
        except QueryError as exc:
            return Outcome(400, f"{exc}\n".encode(), time.perf_counter() - started)
        except StoreError as exc:  # the store is down or refused us: not the user's fault
            return Outcome(502, f"{exc}\n".encode(), time.perf_counter() - started)

    def refresh(self, timeout: float = 30.0) -> None:
        pass  # every answer is the server's current one: nothing is cached or snapshotted here

    def wait_ready(self, timeout: float = 0.0) -> bool:
        return True

    def close(self) -> None:
        pass
