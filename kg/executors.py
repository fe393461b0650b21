"""Where NLP and extraction run: in this process, in local worker processes, on a Ray or a Dask cluster.

The build hands an executor a stream of chunks of documents and reads back, chunk by chunk and **in the
order the chunks were given**, what was extracted from them. Everything after that (resolution, RDF,
store writes) stays in the driver, one deterministic ordered step, so the graph is the same whichever
executor made the extractions: an executor only decides where :func:`extract_chunk` runs.

All executors share one streaming loop (:func:`ordered_results`): at most ``in_flight`` chunks are out at
a time, so however large the corpus, the driver holds a bounded number of documents and results. Each
executor brings only three things: how to start (and stop) its workers, how to submit one chunk, and
how to wait for one submitted chunk's result.

* ``local`` with ``jobs=1``: in this process (today's default).
* ``local`` with ``jobs=N``: ``N`` forked worker processes on this machine (``kg build --jobs N``); forked
  workers inherit the driver's loaded pipeline.
* ``ray``: Ray tasks. With ``address`` the build joins a running cluster (``ray://head:10001`` or ``auto``);
  without one a local cluster with ``jobs`` CPUs (default: this machine's) is started for the build and
  stopped after it. A Ray runtime this process already started is used as it is and left running.
* ``dask``: Dask ``distributed`` futures. With ``address`` (``tcp://scheduler:8786``) the build joins that
  scheduler; without one a ``LocalCluster`` of ``jobs`` single-threaded worker processes is started and
  stopped with the build.

On a cluster each worker process loads the spaCy pipeline once (on its first chunk) and keeps it for the
chunks that follow (:func:`worker_pipeline`); ``conflict-kg`` must be installed on every node, with the same
model. Ray and Dask are optional: ``pip install 'conflict-kg[ray]'`` or ``'conflict-kg[dask]'``.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from kg.config import Settings
from kg.records import Document, DocumentExtraction

# A document, what was extracted from it (or the error that stopped extraction), and its word count.
Extracted = tuple[Document, DocumentExtraction | Exception, int]
ExtractFn = Callable[[Any, Iterable[Document], int], Iterator[Extracted]]

EXECUTORS = ("local", "ray", "dask")


class ExecutorError(Exception):
    """The executor cannot be started (package missing, cluster unreachable); the message says why."""


# -- the worker side ---------------------------------------------------------------------------------
_WORKER_NLP: Any = None


def worker_pipeline(settings: Settings) -> Any:
    """This worker's spaCy pipeline: loaded on its first chunk, kept for the rest (one per process)."""
    global _WORKER_NLP
    if _WORKER_NLP is None:
        from kg.nlp import load_pipeline

        _WORKER_NLP = load_pipeline(settings)
    return _WORKER_NLP


def extract_chunk(settings: Settings, documents: list[Document]) -> list[Extracted]:
    """The task every executor runs: NLP and extraction of one chunk, as plain picklable records."""
    from kg.pipeline import _extract_all

    return list(_extract_all(worker_pipeline(settings), documents, batch_size=len(documents) or 1))


def _local_worker_init(settings: Settings, parent_pid: int) -> None:
    from kg.children import die_with_parent

    # a SIGKILLed build must not leave its workers (~450 MB each) running on, re-parented to PID 1
    die_with_parent(parent_pid)
    worker_pipeline(settings)  # forked: the parent's pipeline is already here and nothing is loaded


# -- the shared streaming loop -----------------------------------------------------------------------
def chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(documents)
    return iter(lambda: list(itertools.islice(it, size)), [])


def ordered_results(submit: Callable[[list[Document]], Any], wait: Callable[[Any], list[Extracted]],
                    documents: Iterable[Document], chunk_size: int, in_flight: int) -> Iterator[Extracted]:
    """Submit chunks as results come back, at most ``in_flight`` out at once; yield results in input order."""
    pending: deque = deque()
    for chunk in chunks(documents, chunk_size):
        pending.append(submit(chunk))
        while len(pending) >= in_flight:
            yield from wait(pending.popleft())
    while pending:
        yield from wait(pending.popleft())


class Executor:
    """Runs :func:`extract_chunk` somewhere; a context manager that starts and stops its workers."""

    name = "base"

    def __init__(self, settings: Settings, jobs: int | None = None, address: str | None = None):
        self.settings = settings
        self.jobs = jobs
        self.address = address

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def workers(self) -> int:
        """How many chunks can be worked on at once (two per worker are kept in flight)."""
        return 1

    def submit(self, chunk: list[Document]) -> Any:
        raise NotImplementedError

    def wait(self, handle: Any) -> list[Extracted]:
        raise NotImplementedError

    def extract(self, documents: Iterable[Document]) -> Iterator[Extracted]:
        return ordered_results(self.submit, self._wait, documents, self.settings.batch_size, 2 * self.workers())

    def _wait(self, handle: Any) -> list[Extracted]:
        """A chunk's results; a failure here is the cluster's (a worker lost, a task killed), never a document's:
        :func:`extract_chunk` returns a document's failure as its result."""
        try:
            return self.wait(handle)
        except Exception as exc:
            raise ExecutorError(f"the {self.name} executor lost a chunk of documents: {type(exc).__name__}: "
                                f"{exc}") from exc

    def describe(self) -> str:
        return f"{self.name} ({self.workers()} workers)"


class InlineExecutor(Executor):
    """This process, with the pipeline the builder already loaded (``--jobs 1``)."""

    name = "local"

    def __init__(self, settings: Settings, nlp: Any):
        super().__init__(settings, 1)
        self.nlp = nlp

    def extract(self, documents: Iterable[Document]) -> Iterator[Extracted]:
        from kg.pipeline import _extract_all

        return _extract_all(self.nlp, documents, self.settings.batch_size)

    def describe(self) -> str:
        return "local (in this process)"


class LocalExecutor(Executor):
    """``jobs`` worker processes on this machine, forked from the driver so they share its loaded pipeline."""

    name = "local"

    def __init__(self, settings: Settings, jobs: int, nlp: Any = None):
        super().__init__(settings, jobs)
        global _WORKER_NLP
        context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        # forked workers inherit this pipeline (and its gazetteers) instead of loading their own:
        # loading took longer than the work itself below ~1,000 documents (benchmarks/bench_build.py)
        _WORKER_NLP = nlp if context.get_start_method() == "fork" else None
        # (the pool forks its workers from this thread, at the first submit: see kg.children on why that matters)
        self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_local_worker_init,
                                        initargs=(settings, os.getpid()))

    def workers(self) -> int:
        return self.jobs or 1

    def submit(self, chunk: list[Document]) -> Any:
        return self.pool.submit(extract_chunk, self.settings, chunk)

    def wait(self, handle: Any) -> list[Extracted]:
        return handle.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class RayExecutor(Executor):
    """Ray tasks on a cluster joined by ``address``, or on a local one started for the build."""

    name = "ray"

    def __init__(self, settings: Settings, jobs: int | None = None, address: str | None = None):
        super().__init__(settings, jobs, address)
        try:
            import ray
        except ImportError:
            raise ExecutorError("--executor ray needs Ray: pip install 'conflict-kg[ray]'") from None
        self.ray = ray
        self.owned = not ray.is_initialized()  # a runtime someone else started is theirs to stop
        if self.owned:
            try:
                if address:
                    ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
                else:
                    ray.init(num_cpus=jobs or os.cpu_count() or 1, include_dashboard=False,
                             logging_level=logging.WARNING, log_to_driver=False)
            except Exception as exc:  # ConnectionError, RuntimeError, ValueError: all mean "no cluster"
                raise ExecutorError(f"cannot start or join a Ray cluster{f' at {address}' if address else ''}: "
                                    f"{exc}") from None
        self.task = ray.remote(num_cpus=1)(extract_chunk)
        self.settings_ref = ray.put(settings)  # shipped once, not with every chunk

    def workers(self) -> int:
        return max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def submit(self, chunk: list[Document]) -> Any:
        return self.task.remote(self.settings_ref, chunk)

    def wait(self, handle: Any) -> list[Extracted]:
        return self.ray.get(handle)

    def close(self) -> None:
        if self.owned and self.ray.is_initialized():
            self.ray.shutdown()


class DaskExecutor(Executor):
    """Dask ``distributed`` futures on the scheduler at ``address``, or on a LocalCluster started for the build."""

    name = "dask"

    def __init__(self, settings: Settings, jobs: int | None = None, address: str | None = None):
        super().__init__(settings, jobs, address)
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("--executor dask needs Dask distributed: pip install 'conflict-kg[dask]'") from None
        self.cluster = None
        try:
            if address:
                self.client = Client(address, timeout=30)
            else:
                # no dashboards (their fixed ports clash with anything else on the machine); localhost only
                self.cluster = LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1,
                                            processes=True, host="127.0.0.1", dashboard_address=None,
                                            scheduler_kwargs={"dashboard": False}, worker_dashboard_address=None,
                                            silence_logs=logging.WARNING)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, ValueError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise ExecutorError(f"cannot start or join a Dask cluster{f' at {address}' if address else ''}: "
                                f"{exc}") from None
        [self.settings_future] = self.client.scatter([settings], broadcast=True)

    def workers(self) -> int:
        threads = self.client.nthreads()
        return max(1, sum(threads.values()) if threads else 1)

    def submit(self, chunk: list[Document]) -> Any:
        return self.client.submit(extract_chunk, self.settings_future, chunk, pure=False)

    def wait(self, handle: Any) -> list[Extracted]:
        result = handle.result()
        handle.release()
        return result

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str, settings: Settings, jobs: int = 1, address: str | None = None,
                  nlp: Any = None) -> Executor:
    """The executor named ``kind``; ``jobs`` is the local worker count (for ray/dask: the size of a local
    cluster started when no ``address`` is given; ``jobs=1`` there means this machine's CPU count)."""
    if kind == "local":
        if address:
            raise ExecutorError("--address is for --executor ray or dask; the local executor has no cluster")
        return LocalExecutor(settings, jobs, nlp) if jobs > 1 else InlineExecutor(settings, nlp)
    cluster_jobs = jobs if jobs > 1 else None
    if kind == "ray":
        return RayExecutor(settings, cluster_jobs, address)
    if kind == "dask":
        return DaskExecutor(settings, cluster_jobs, address)
    raise ExecutorError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")
