"""The graph is the same whichever executor built it: in this process, ``--jobs 2``, Ray or Dask.

Each cluster is a real local one with 2 worker processes, started by a fixture for this module and
stopped after it (Ray with ``num_cpus=2``; Dask as a ``LocalCluster`` the build joins by its address).
Chunks are made small (4 documents) so several are in flight at once on both workers and results come
back out of order, which the driver must put back in input order before resolution.
"""

from __future__ import annotations

import dataclasses
import io
import re
import sys
import time
from pathlib import Path

import pytest
from cli_runner import invoke

from kg.config import EXAMPLES_DIR
from kg.executors import ExecutorError, make_executor, ordered_results
from kg.ingest import load_manifest
from kg.pipeline import Builder
from kg.store import KGStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import write_jsonl  # noqa: E402

ACTIVITY = re.compile(r"/activity/[0-9a-f]+>")
STARTED = re.compile(r'<http://www\.w3\.org/ns/prov#startedAtTime> "[^"]*"')


def normalised_nquads(store: KGStore) -> list[str]:
    """Sorted N-Quads with only the build activity's timestamp (and the IRI made from it) blanked out."""
    out = io.BytesIO()
    store.export("nquads", out)
    lines = out.getvalue().decode("utf-8").splitlines()
    return sorted(STARTED.sub("<started> \"\"", ACTIVITY.sub("/activity/X>", line)) for line in lines)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("executors")
    return [EXAMPLES_DIR, write_jsonl(14, folder / "generated.jsonl", seed=11)]


@pytest.fixture(scope="module")
def small_chunks(settings):
    return dataclasses.replace(settings, batch_size=4)


def _build(nlp, settings, corpus, **kwargs) -> tuple[KGStore, object]:
    store = KGStore()
    report = Builder(store, settings, nlp=nlp).build(corpus, manifest=load_manifest(EXAMPLES_DIR / "manifest.csv"),
                                                     **kwargs)
    return store, report


@pytest.fixture(scope="module")
def reference(nlp, small_chunks, corpus):
    store, report = _build(nlp, small_chunks, corpus)
    assert report.built == 20 and not report.skipped
    return normalised_nquads(store)


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning", log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def dask_cluster():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, scheduler_kwargs={"dashboard": False})
    try:
        yield cluster
    finally:
        cluster.close()


def test_local_jobs_2_builds_the_same_graph(nlp, small_chunks, corpus, reference):
    store, report = _build(nlp, small_chunks, corpus, jobs=2)
    assert report.built == 20
    assert normalised_nquads(store) == reference


def test_ray_builds_the_same_graph(nlp, small_chunks, corpus, reference, ray_cluster):
    with make_executor("ray", small_chunks, nlp=nlp) as executor:
        assert executor.workers() == 2
        store, report = _build(nlp, small_chunks, corpus, executor=executor)
    assert ray_cluster.is_initialized(), "a runtime the caller started is the caller's to stop"
    assert report.built == 20 and report.words > 0
    assert normalised_nquads(store) == reference


def test_dask_builds_the_same_graph(nlp, small_chunks, corpus, reference, dask_cluster):
    with make_executor("dask", small_chunks, address=dask_cluster.scheduler_address) as executor:
        assert executor.workers() == 2
        store, report = _build(nlp, small_chunks, corpus, executor=executor)
    assert report.built == 20
    assert normalised_nquads(store) == reference


def test_kg_build_on_dask_by_address_then_rebuild_adds_nothing(nlp, tmp_path, corpus, dask_cluster):
    store = tmp_path / "store"
    args = ["build", *corpus, "--store", store, "--executor", "dask", "--address", dask_cluster.scheduler_address]
    first = invoke(nlp, *args)
    assert first.code == 0, first.stderr
    assert "20 built" in first.stderr and "words/s" in first.stderr
    again = invoke(nlp, *args)
    assert again.code == 0 and "0 built, 20 unchanged" in again.stderr and "+0 triples" in again.stderr


def test_bad_executor_choices_are_one_line_errors(nlp, tmp_path):
    wrong = invoke(nlp, "build", EXAMPLES_DIR, "--memory", "--executor", "spark")
    assert wrong.code == 2 and "unknown executor 'spark'" in wrong.stderr and wrong.exception is None
    local = invoke(nlp, "build", EXAMPLES_DIR, "--memory", "--address", "tcp://127.0.0.1:1")
    assert local.code == 2 and "--address is for --executor ray or dask" in local.stderr
    unreachable = invoke(nlp, "build", EXAMPLES_DIR, "--memory", "--executor", "dask", "--address",
                         "tcp://127.0.0.1:9")
    assert unreachable.code == 2 and "cannot start or join a Dask cluster at tcp://127.0.0.1:9" in unreachable.stderr


def test_ordered_results_keeps_input_order_and_bounds_what_is_in_flight():
    """Chunks finish in reverse order of submission; the results still come back in input order,
    and never more than ``in_flight`` chunks are out at once (the corpus is streamed, not held)."""
    out: list[list[int]] = []
    peak = 0

    def submit(chunk):
        nonlocal peak
        out.append(chunk)
        peak = max(peak, len(out))
        return chunk

    def wait(chunk):
        time.sleep(0.001 * (10 - chunk[0] % 10))  # later chunks "finish" first
        out.remove(chunk)
        return [(document, None, 0) for document in chunk]

    got = [d for d, _, _ in ordered_results(submit, wait, iter(range(50)), chunk_size=3, in_flight=4)]
    assert got == list(range(50))
    assert peak == 4


def test_a_missing_optional_package_says_how_to_install_it(monkeypatch, settings):
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(ExecutorError, match=r"pip install 'conflict-kg\[ray\]'"):
        make_executor("ray", settings)


def test_a_lost_chunk_is_the_clusters_failure_not_a_documents(settings, nlp):
    """A worker that dies takes its chunk with it: the build stops with an ExecutorError naming the executor
    (the CLI prints it in one line), instead of the documents being reported as skipped or silently missing."""
    from kg.executors import Executor

    class Dying(Executor):
        name = "dying"

        def submit(self, chunk):
            return chunk

        def wait(self, handle):
            raise ConnectionResetError("worker at tcp://10.0.0.7:4242 went away")

    with pytest.raises(ExecutorError, match="the dying executor lost a chunk of documents: ConnectionResetError"):
        _build(nlp, settings, [EXAMPLES_DIR], executor=Dying(settings))
