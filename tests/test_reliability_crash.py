"""Crash safety of the update path: ``kg serve --store`` killed (SIGKILL) while updates arrive.

Each update is one "document": ``INSERT DATA { GRAPH <g_i> { ... } }`` with a fixed number of triples,
some of them shared with other documents (as real sources share entities). After every kill the store
must open, every source graph in it must be whole, the merged default graph must be exactly the union
of the source graphs, and every update the server acknowledged with 200 must be there. Re-sending all
updates to a restarted server completes the store with no duplicates. (The same for ``kg build
--store`` is tests/test_build_cli.py::test_sigkill_mid_build_leaves_only_whole_documents.)
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from serving import free_port

from kg.config import DEFAULT_BASE, REPO_ROOT
from kg.store import KGStore

TOKEN = "crash-token-3e1"
PER_DOC = 40  # triples each document's graph holds


class ServeProcess:
    """``kg serve --store DIR --update-token T`` in its own process, on a free loopback port."""

    def __init__(self, store_dir: Path, workers: int = 1, timeout: float = 10.0, threads: int = 8):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        # The log goes to a file: a pipe nobody reads fills up (64 KB, ~1,500 request lines) and then every
        # thread that logs blocks in write(), which looks exactly like a hung server.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by kill() or stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--store", str(store_dir), "--port", str(self.port),
             "--update-token", TOKEN, "--workers", str(workers), "--timeout", str(timeout),
             "--threads", str(threads)],
            stdout=subprocess.DEVNULL, stderr=self.log, env=env, cwd=REPO_ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.read_log()
            try:
                if requests.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise AssertionError("kg serve did not start")

    def update(self, text: str, timeout: float = 30) -> requests.Response:
        return requests.post(self.url + "/sparql", data=text.encode("utf-8"), timeout=timeout,
                             headers={"Content-Type": "application/sparql-update",
                                      "Authorization": f"Bearer {TOKEN}"})

    def kill(self) -> None:
        """SIGKILL the server and its query workers (their process group is the server's children)."""
        children = _children(self.process.pid)
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        _kill_all(children)
        self.log.close()

    def stop(self) -> str:
        children = _children(self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        _kill_all(children)
        text = self.read_log()
        self.log.close()
        return text

    def read_log(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def _kill_all(pids: list[int]) -> None:
    """Query workers the server started; they would exit at end of input anyway, this makes it prompt."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def graph_iri(i: int) -> str:
    return f"{DEFAULT_BASE}graph/crash-{i:04d}"


def document_update(i: int) -> str:
    """One document: PER_DOC triples, a few of them shared by every document (a common entity)."""
    g = f"<{graph_iri(i)}>"
    event = f"<{DEFAULT_BASE}event/crash-{i}>"
    shared = [f"<{DEFAULT_BASE}state/northland> a ckg:State", f'<{DEFAULT_BASE}state/northland> rdfs:label "Northland"',
              f"<{DEFAULT_BASE}state/southland> a ckg:State"]
    own = [f"{event} a ckg:Attack", f"{g} prov:wasDerivedFrom <{DEFAULT_BASE}source/crash-{i}>",
           f"{event} ckg:perpetrator <{DEFAULT_BASE}state/northland>"]
    own += [f'{event} ckg:evidence "sentence {k} of document {i}"' for k in range(PER_DOC - len(shared) - len(own))]
    body = " . ".join(shared + own)
    return f"INSERT DATA {{ GRAPH {g} {{ {body} . }} }}"


def seed_store(path: Path) -> None:
    store = KGStore(path)
    store.flush()
    del store
    gc.collect()


def check_whole(path: Path, acknowledged: set[int] = frozenset()) -> dict[str, int]:
    """Open the store after a crash: each document graph whole, the union exact, acknowledged ones kept."""
    import pyoxigraph as ox

    store = KGStore(path, read_only=True)
    per_graph: dict[str, int] = {}
    named, union = set(), set()
    for quad in store.ox:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            union.add(quad.triple)
        else:
            per_graph[quad.graph_name.value] = per_graph.get(quad.graph_name.value, 0) + 1
            named.add(quad.triple)
    torn = {g: n for g, n in per_graph.items() if n != PER_DOC}
    assert not torn, f"graphs not whole after SIGKILL: {torn}"
    assert union == named, f"merged graph is not the union: {len(union ^ named)} triples differ"
    missing = [i for i in acknowledged if graph_iri(i) not in per_graph]
    assert not missing, f"updates acknowledged with 200 but lost: {missing}"
    del store
    gc.collect()
    return per_graph


def run_kills(tmp_path: Path, documents: int, kills: int, seed: int) -> None:
    store_dir = tmp_path / "store"
    seed_store(store_dir)
    rng = random.Random(seed)
    acknowledged: set[int] = set()
    for _round in range(kills):
        server = ServeProcess(store_dir)
        # The kill is armed after a random number of acknowledged updates, with a few milliseconds of
        # jitter, so it lands while later updates are still arriving however fast the server is.
        kill_after = rng.randrange(1, documents // 2)
        killer = threading.Timer(rng.uniform(0.0, 0.05), server.kill)
        try:
            for i in range(documents):
                if i == kill_after:
                    killer.start()
                try:
                    r = server.update(document_update(i), timeout=10)
                except requests.RequestException:
                    break  # the server is gone
                assert r.status_code == 200, r.text
                acknowledged.add(i)
        finally:
            if not killer.is_alive() and not killer.finished.is_set():
                killer.start()  # never armed (cannot happen with kill_after < documents): kill now
            killer.join()
        check_whole(store_dir, acknowledged)
        assert len(acknowledged) < documents, "the kill came after the last update: nothing was tested"
    # a clean run re-sends everything: the store ends complete, with nothing twice
    server = ServeProcess(store_dir)
    try:
        for i in range(documents):
            assert server.update(document_update(i)).status_code == 200
        count = requests.get(server.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
        merged = int(count.json()["results"]["bindings"][0]["n"]["value"])
    finally:
        server.stop()
    per_graph = check_whole(store_dir, set(range(documents)))
    assert len(per_graph) == documents
    assert merged == documents * (PER_DOC - 3) + 3  # the three shared triples once in the union


def test_sigkill_while_updates_arrive_leaves_whole_documents_and_loses_no_acknowledged_one(tmp_path):
    run_kills(tmp_path, documents=40, kills=2, seed=5)


@pytest.mark.slow
def test_sigkill_soak(tmp_path):
    run_kills(tmp_path, documents=300, kills=12, seed=17)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_query_workers_do_not_outlive_the_server(tmp_path, sig):
    """A worker deep in a long query when the server dies must not run on, orphaned, for hours."""
    import psutil

    seed_store(tmp_path / "store")
    server = ServeProcess(tmp_path / "store", workers=1, timeout=600.0)
    assert server.update(document_update(1)).status_code == 200
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?q ?r ?t }"

    def ask_slow():
        with contextlib.suppress(requests.RequestException):
            requests.get(server.url + "/sparql", params={"query": slow}, timeout=10)

    threading.Thread(target=ask_slow, daemon=True).start()
    time.sleep(1.5)  # the query is running in a worker now
    workers = psutil.Process(server.process.pid).children(recursive=True)
    assert workers, "no query worker found"
    os.kill(server.process.pid, sig)
    server.process.wait(30)
    server.log.close()
    gone, alive = psutil.wait_procs(workers, timeout=5)
    for process in alive:  # do not leave them behind even if the test fails
        process.kill()
    assert not alive, f"query workers still running after the server got {sig.name}: {[p.pid for p in alive]}"
