"""Search benchmark: the full-text index (kg.search, SQLite FTS5) next to a SPARQL REGEX scan of the names.

Same store, same process, same names searched: the synthetic graph of ``--quads`` quads (benchmarks/graphs.py)
in a persistent KGStore. Measured: building the index from the store (what ``kg serve`` does when it starts),
the latency of ``SearchIndex.search`` for real names of the graph (whole names, their first word, the first
three letters of a word), against the same lookups as the SPARQL an endpoint user would otherwise write
(``FILTER(REGEX(STR(?name), "...", "i"))`` over the same name properties, typed nodes only); and what keeping
the index in step costs a write (``add_graph`` of a document with and without the index attached).

    python benchmarks/bench_search.py --quads 1000000
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

from benchmarks.common import DEFAULT_WORK, Row, machine, median, percentile, report, timer  # noqa: E402
from benchmarks.graphs import graph_file, store_dir  # noqa: E402
from kg.search import NAME_FIELDS, SearchIndex, class_kinds  # noqa: E402
from kg.store import KGStore  # noqa: E402

BENCH = "search"


def sample_names(store: KGStore, count: int, seed: int) -> list[str]:
    """Real labels of typed nodes, drawn at random (so the lookups find something, as a user's would)."""
    rows = store.query("SELECT DISTINCT ?l WHERE { ?s rdfs:label ?l ; a ?t } LIMIT 20000")
    names = sorted({row["l"].value for row in rows})
    return random.Random(seed).sample(names, min(count, len(names)))


def lookups(names: list[str]) -> dict[str, list[str]]:
    words = [re.findall(r"\w+", n) for n in names]
    return {
        "whole name": names,
        "first word": [w[0] for w in words if w],
        "3-letter prefix": [w[0][:3] for w in words if w and len(w[0]) >= 3],
    }


def regex_query(text: str, prefix: bool) -> str:
    """The SPARQL a user would write for the same lookup: a case-insensitive REGEX over the same name
    properties of typed nodes, best (shortest) names first."""
    pattern = re.escape(text).replace("\\", "\\\\").replace('"', '\\"')
    pattern = ("\\\\b" + pattern) if prefix else pattern
    classes = " ".join(f"<{c}>" for c in class_kinds())
    properties = " ".join(f"<{p}>" for p in NAME_FIELDS)
    return (f'SELECT DISTINCT ?s ?name WHERE {{ VALUES ?p {{ {properties} }} ?s ?p ?name . '
            f'FILTER(REGEX(STR(?name), "{pattern}", "i")) ?s a ?t . VALUES ?t {{ {classes} }} }} '
            f'ORDER BY STRLEN(STR(?name)) LIMIT 20')


def time_each(fn, items: list[str]) -> list[float]:
    out = []
    for item in items:
        with timer() as t:
            fn(item)
        out.append(t() * 1000)
    return out


def bench(quads: int, work: Path, samples: int, regex_samples: int, seed: int, docs: int = 300) -> list[Row]:
    store = KGStore(store_dir(quads, work), read_only=True)
    triples = len(store)
    with timer() as build:
        index = SearchIndex.attach(store)
    rows = [Row(BENCH, f"index build from the store ({triples:,} triples, {len(index):,} names)", build(),
                None, "s", "once, when kg serve starts")]
    names = sample_names(store, samples, seed)
    for kind, texts in lookups(names).items():
        ours = time_each(lambda q: index.search(q, limit=20), texts)
        found = sum(1 for q in texts[:50] if index.search(q, limit=20))
        raw = time_each(lambda q, k=kind: list(store.query(regex_query(q, k != "whole name"))),
                        texts[:regex_samples])
        rows.append(Row(BENCH, f"{kind}: median latency (FTS5 vs SPARQL REGEX)", median(ours), median(raw), "ms",
                        f"{len(ours)} vs {len(raw)} lookups; found {found}/{min(50, len(texts))}"))
        rows.append(Row(BENCH, f"{kind}: p99 latency", percentile(ours, 99), percentile(raw, 99), "ms"))

    rows += _over_http(store, lookups(names)["whole name"][:100])

    # keeping in step: a document's graph added to a scratch store, with and without the index attached
    documents = _documents(graph_file(quads, work), docs)
    with tempfile.TemporaryDirectory(prefix="kg-bench-search-") as scratch:
        plain, indexed = KGStore(Path(scratch) / "plain"), KGStore(Path(scratch) / "indexed")
        SearchIndex.attach(indexed)
        spent = {"plain": 0.0, "indexed": 0.0}
        for graph, triples_of in documents:  # interleaved, so the machine's load falls on both alike
            for name, target in (("plain", plain), ("indexed", indexed)):
                with timer() as t:
                    target.add_graph(graph, triples_of)
                spent[name] += t()
        rows.append(Row(BENCH, "add_graph per document, with index / without", spent["indexed"] * 1000 / len(documents),
                        spent["plain"] * 1000 / len(documents), "ms", f"{len(documents)} documents, interleaved"))
        spent = {"plain": 0.0, "indexed": 0.0}
        for graph, _ in documents:
            for name, target in (("plain", plain), ("indexed", indexed)):
                with timer() as t:
                    target.remove_graph(graph)
                spent[name] += t()
        rows.append(Row(BENCH, "remove_graph per document, with index / without",
                        spent["indexed"] * 1000 / len(documents), spent["plain"] * 1000 / len(documents), "ms"))
        assert len(SearchIndex.attach(indexed)) == 0, "the index kept names of removed documents"
    return rows


def _over_http(store: KGStore, texts: list[str]) -> list[Row]:
    """GET /search?format=json through the real app on waitress, next to the same server's floor: a GET of a
    static file (Flask, waitress and the HTTP client, no work), interleaved so the load falls on both alike."""
    import threading

    import requests
    from waitress import create_server

    from kg.server import ServerConfig, close_app, create_app

    app = create_app(store, ServerConfig(workers=0))
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    root = f"http://127.0.0.1:{server.effective_port}"
    searched, floor = [], []
    try:
        with requests.Session() as session:
            session.get(root + "/search", params={"q": "warm", "format": "json"}, timeout=30)
            for text in texts:
                with timer() as t:
                    session.get(root + "/search", params={"q": text, "format": "json"}, timeout=30).json()
                searched.append(t() * 1000)
                with timer() as t:
                    assert session.get(root + "/static/favicon.svg", timeout=30).content
                floor.append(t() * 1000)
    finally:
        server.close()
        close_app(app)
    return [Row(BENCH, "whole name over HTTP: median (GET /search JSON vs GET of a static file, same server)",
                median(searched), median(floor), "ms", f"{len(texts)} lookups, keep-alive")]


def _documents(path: Path, limit: int) -> list[tuple[str, list[ox.Triple]]]:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name.value
        if name not in graphs and len(graphs) >= limit:
            break
        graphs.setdefault(name, []).append(quad.triple)
    return list(graphs.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--samples", type=int, default=300, help="names looked up through the index")
    parser.add_argument("--regex-samples", type=int, default=20, help="of those, looked up with SPARQL REGEX")
    parser.add_argument("--docs", type=int, default=300, help="documents added and removed to time the upkeep")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    print(machine(), flush=True)
    report(bench(args.quads, args.work, args.samples, args.regex_samples, args.seed, args.docs), args.results)


if __name__ == "__main__":
    main()
