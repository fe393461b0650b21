"""Scale-out benchmark: the build on Ray and Dask against ``--jobs 2``, and the graph in a SPARQL server against
the embedded store, side by side in one run.

* **build**: the same generated corpus (``benchmarks/corpus.py``) built into an in-memory store by
  ``Builder.build`` with each executor of :mod:`kg.executors`: ``local --jobs 2`` (the reference: forked
  workers that share the driver's pipeline), ``ray`` and ``dask`` (each a local cluster of 2 worker
  processes started for the run). Each executor is started and warmed on a small corpus of other articles
  first (every Ray/Dask worker loads its own spaCy pipeline on its first chunk), then timed on the corpus;
  the start-up and warm-up are printed too, since they are what a short build pays.
* **load**: the same documents' triples (``benchmarks/synth.py``, the project's RDF) written document by
  document through ``add_graph`` (one transaction / one SPARQL Update request per document) into the
  embedded store (the reference), an Oxigraph server and Virtuoso, each started for the run
  (``benchmarks/servers.py``).
* **queries**: each canned query's median latency through ``kg serve --store-url`` (the Flask app in
  front of the Oxigraph server, its checks and limits included, called in-process) against the same
  query sent to the server directly.

    python benchmarks/bench_scale.py --docs 200 --load-docs 500

``--skip ray,dask,virtuoso`` leaves parts out; ``--results FILE`` appends the rows as JSON lines.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_WORK, Row, machine, median, report, timer  # noqa: E402
from benchmarks.corpus import write_jsonl  # noqa: E402

BENCH = "scale"


def build_rows(docs: int, work: Path, skip: set[str]) -> list[Row]:
    from kg.config import Settings
    from kg.executors import make_executor
    from kg.nlp import load_pipeline
    from kg.pipeline import Builder
    from kg.store import KGStore

    settings = Settings()
    nlp = load_pipeline(settings)
    corpus = write_jsonl(docs, work / f"scale-{docs}.jsonl", seed=7)
    warm = write_jsonl(16, work / "scale-warm.jsonl", seed=99)
    rates: dict[str, float] = {}
    rows: list[Row] = []
    for kind in ("local", "ray", "dask"):
        if kind in skip:
            continue
        with timer() as started:
            executor = make_executor(kind, dataclasses.replace(settings), 2, None, nlp)
        start_s = started()
        try:
            with timer() as warmed:
                Builder(KGStore(), settings, nlp=nlp).build([warm], executor=executor)
            report_ = Builder(KGStore(), settings, nlp=nlp).build([corpus], executor=executor)
        finally:
            executor.close()
        rate = report_.words / report_.seconds
        rates[kind] = rate
        name = "--jobs 2" if kind == "local" else f"--executor {kind} (2 workers)"
        rows.append(Row(BENCH, f"build {docs} articles, {name}", rate, rates.get("local"), "words/s",
                        f"{report_.built} built in {report_.seconds:.1f} s; start {start_s:.1f} s + warm-up "
                        f"{warmed():.1f} s"))
        print(f"done: {rows[-1].measure}: {rate:,.0f} words/s ({rows[-1].note})", flush=True)  # a long run's progress
    return rows


def _documents(docs: int):
    from benchmarks.synth import resolved_documents
    from kg.config import Settings
    from kg.rdf import RunInfo, document_triples, graph_iri

    base = Settings().base
    run = RunInfo.now("bench", "0")
    out = []
    for resolved in resolved_documents(docs, base):
        out.append((graph_iri(resolved.extraction.document.id, base), document_triples(resolved, base, run)))
    return out


def _load(store, documents) -> float:
    started = time.perf_counter()
    for graph, triples in documents:
        store.add_graph(graph, triples)
    store.flush()
    return time.perf_counter() - started


def store_rows(load_docs: int, work: Path, skip: set[str]) -> list[Row]:
    from benchmarks.servers import SERVERS
    from kg.store import KGStore
    from kg.store.remote import RemoteStore, parse_auth

    documents = _documents(load_docs)
    triples = sum(len(t) for _, t in documents)
    folder = work / "scale-embedded"
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    embedded_s = _load(KGStore(folder), documents)
    reference = triples / embedded_s
    rows = [Row(BENCH, f"load {load_docs} documents, embedded store", reference, reference, "triples/s",
                f"{triples:,} triples, {load_docs / embedded_s:,.0f} docs/s")]
    for name, start in sorted(SERVERS.items()):
        if name in skip:
            continue
        with start() as server:
            remote = RemoteStore(server.query_url, server.update_url, parse_auth(server.auth))
            seconds = _load(remote, documents)
            rows.append(Row(BENCH, f"load {load_docs} documents, {name} server", triples / seconds, reference,
                            "triples/s", f"{load_docs / seconds:,.0f} docs/s, one update request each"))
            if name == "oxigraph":
                rows += query_rows(remote)
    return rows


def query_rows(remote, repeats: int = 5) -> list[Row]:
    """Canned queries through the app in front of the server against the server asked directly."""
    from kg.config import QUERIES_DIR
    from kg.server import ServerConfig, close_app, create_app

    app = create_app(remote, ServerConfig(workers=0))
    client = app.test_client()
    rows = []
    try:
        for path in sorted(QUERIES_DIR.glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            direct, served = [], []
            for _ in range(repeats):
                with timer() as t:
                    list(remote.query(text))
                direct.append(t() * 1000)
                with timer() as t:
                    answer = client.get(f"/queries/{path.stem}", headers={"Accept": "application/sparql-results+json"})
                served.append(t() * 1000)
                assert answer.status_code in (200, 400), answer.data[:200]
            rows.append(Row(BENCH, f"query {path.stem} via kg serve --store-url", median(served), median(direct),
                            "ms", "median of 5; raw: the server asked directly"))
    finally:
        close_app(app)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="articles built by each executor")
    parser.add_argument("--load-docs", type=int, default=500, help="documents loaded into each store")
    parser.add_argument("--skip", default="", help="comma-separated: ray, dask, oxigraph, virtuoso, build, load")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    args.work.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    rows = [] if "build" in skip else build_rows(args.docs, args.work, skip)
    rows += [] if "load" in skip else store_rows(args.load_docs, args.work, skip)
    report(rows, args.results)


if __name__ == "__main__":
    main()
