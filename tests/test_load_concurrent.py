"""Load: concurrent readers on loopback while documents are added, against ``kg serve`` in its own process.

A writer adds documents one SPARQL Update at a time (each a named graph of a fixed size, sharing three
triples with every other document); reader threads keep asking, the whole time, questions whose right
answers are known for any number of whole documents. Bounded in count and time. Asserted:

* no errors: every request answered 200 (no 5xx, no "busy");
* no torn reads: every answer reflects a whole number of documents, in the source graphs and in the
  merged graph alike, and a reader never sees fewer documents than it saw before;
* memory steady: the server's resident memory (with its query workers) grows by less than a bound
  between the first and the last third of the run, and the number of worker processes stays bounded.

``python -m pytest -m slow tests/test_load_concurrent.py`` runs the soak (ten times the documents).
"""

from __future__ import annotations

import contextlib
import threading
import time

import psutil
import pytest
import requests
from test_reliability_crash import PER_DOC, ServeProcess, document_update, seed_store

SHARED = 3  # triples every document states (once in the merged graph)
GRAPHS = ("SELECT (COUNT(DISTINCT ?g) AS ?docs) (COUNT(*) AS ?quads) "
          "WHERE { GRAPH ?g { ?s ?p ?o } }")
MERGED = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EVENTS = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ckg:Attack ; ckg:perpetrator ?who }"


def server_memory(pid: int) -> tuple[int, int]:
    """(resident bytes of the server and its workers, number of worker processes)."""
    process = psutil.Process(pid)
    children = process.children(recursive=True)
    total = process.memory_info().rss
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return total, len(children)


def numbers(response: requests.Response) -> dict[str, int]:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    (row,) = response.json()["results"]["bindings"]
    return {k: int(v["value"]) for k, v in row.items()}


def run_load(tmp_path, documents: int, readers: int, workers: int = 2) -> dict:
    store_dir = tmp_path / "store"
    seed_store(store_dir)
    server = ServeProcess(store_dir, workers=workers, timeout=20.0, threads=readers + 4)
    errors: list[str] = []
    answers = {"count": 0}
    memory: list[tuple[float, int, int]] = []
    done = threading.Event()

    def writer():
        try:
            for i in range(documents):
                r = server.update(document_update(i))
                if r.status_code != 200:
                    errors.append(f"update {i}: {r.status_code} {r.text[:200]}")
        except Exception as exc:  # reported, not lost in the thread
            errors.append(f"writer: {exc!r}")
        finally:
            done.set()

    def reader(seed: int):
        session = requests.Session()
        seen = 0
        queries = [GRAPHS, MERGED, EVENTS]
        k = seed
        try:
            while not done.is_set() or k < seed + 6:
                query = queries[k % len(queries)]
                k += 1
                values = numbers(session.get(server.url + "/sparql", params={"query": query}, timeout=60,
                                             headers={"Accept": "application/sparql-results+json"}))
                answers["count"] += 1
                if query is GRAPHS:
                    docs = values["docs"]
                    assert values["quads"] == docs * PER_DOC, f"torn read: {values}"
                elif query is MERGED:
                    n = values["n"]
                    assert n == 0 or (n - SHARED) % (PER_DOC - SHARED) == 0, f"torn merged graph: {n}"
                    docs = 0 if n == 0 else (n - SHARED) // (PER_DOC - SHARED)
                else:
                    docs = values["n"]
                assert docs >= seen, f"went back in time: {docs} documents after {seen}"
                seen = docs
        except AssertionError as exc:
            errors.append(str(exc))
        except Exception as exc:
            errors.append(f"reader: {exc!r}")

    def sampler():
        started = time.perf_counter()
        while not done.is_set():
            rss, children = server_memory(server.process.pid)
            memory.append((time.perf_counter() - started, rss, children))
            time.sleep(0.05)  # often enough for several samples even when a fast machine ends the run in 1 s

    threads = [threading.Thread(target=writer), threading.Thread(target=sampler)]
    threads += [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        seconds = time.perf_counter() - started
        final = numbers(requests.get(server.url + "/sparql", params={"query": GRAPHS}, timeout=60,
                                     headers={"Accept": "application/sparql-results+json"}))
    finally:
        log = server.stop()
    assert not errors, errors[:5]
    assert "Traceback" not in log, log[-2000:]
    assert final == {"docs": documents, "quads": documents * PER_DOC}
    return {"seconds": seconds, "answers": answers["count"], "memory": memory}


def check_memory(memory: list[tuple[float, int, int]], workers: int, growth_bytes: int) -> None:
    assert len(memory) >= 6, memory
    third = len(memory) // 3
    early = max(rss for _, rss, _ in memory[third: 2 * third])
    late = max(rss for _, rss, _ in memory[2 * third:])
    assert late - early < growth_bytes, f"memory grew {(late - early) / 1e6:.0f} MB: {memory}"
    assert max(children for _, _, children in memory) <= 2 * workers + 1  # replaced workers do not pile up


def test_concurrent_readers_while_documents_are_added(tmp_path, capsys):
    result = run_load(tmp_path, documents=30, readers=4)
    with capsys.disabled():
        print(f"\n  load: 30 documents added while 4 readers got {result['answers']} answers "
              f"in {result['seconds']:.1f} s; peak RSS {max(m[1] for m in result['memory']) / 1e6:.0f} MB")
    assert result["answers"] >= 4 * 6
    check_memory(result["memory"], workers=2, growth_bytes=150_000_000)


@pytest.mark.slow
def test_load_soak(tmp_path, capsys):
    result = run_load(tmp_path, documents=300, readers=8)
    with capsys.disabled():
        print(f"\n  soak: 300 documents, 8 readers, {result['answers']} answers in {result['seconds']:.1f} s")
    check_memory(result["memory"], workers=2, growth_bytes=150_000_000)
