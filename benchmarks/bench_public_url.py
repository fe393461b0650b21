"""What serving under a public URL costs: the same requests through the app with and without rewriting.

``kg serve`` rewrites by default (its public URL ``http://HOST:PORT/`` is not the dataset base), so every
answer passes through :class:`kg.server.rewrite.PublicURLRewriter`. This calls the WSGI application
directly (no sockets, no threads: only the application's own cost), alternating the two apps request by
request on the same store, and prints the median latency of each request kind side by side. The raw
column is the app without a public URL.

    python benchmarks/bench_public_url.py                 # a graph from benchmarks/graphgen.py, 100,000 quads
    python benchmarks/bench_public_url.py --quads 20000 --reps 200
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Row, report  # noqa: E402


def _environ(method: str, path: str, query: str = "", body: bytes = b"", ctype: str = "", accept: str = "") -> dict:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
               "CONTENT_LENGTH": str(len(body)) if body else "", "wsgi.multithread": True,
               "wsgi.multiprocess": False, "wsgi.run_once": False, "wsgi.version": (1, 0)}
    if ctype:
        environ["CONTENT_TYPE"] = ctype
    if accept:
        environ["HTTP_ACCEPT"] = accept
    return environ


def _call(app, spec) -> tuple[float, int]:
    status: list = []
    environ = _environ(*spec)
    started = time.perf_counter()
    body = b"".join(app.wsgi_app(environ, lambda s, h, e=None: status.append(s)))
    return time.perf_counter() - started, len(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--results", help="append the rows as JSON lines to FILE")
    args = parser.parse_args()

    from benchmarks.graphs import graph_file
    from kg.config import DEFAULT_BASE
    from kg.server import ServerConfig, close_app, create_app
    from kg.store import KGStore

    store = KGStore()
    store.load_quads(graph_file(args.quads))
    entity = next(r["s"].value for r in store.query(
        f'SELECT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{DEFAULT_BASE}state/")) }} LIMIT 1'))
    rest = entity[len(DEFAULT_BASE):]
    direct = f"SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}".encode()
    specs = {
        "direct POST lookup (fast path)": ("POST", "/sparql", "", direct, "application/sparql-query",
                                           "application/sparql-results+json"),
        "GET /id/ entity, Turtle": ("GET", "/id/" + rest, "", b"", "", "text/turtle"),
        "CONSTRUCT 1,000 triples, N-Triples": ("POST", "/sparql", "", b"CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } "
                                               b"LIMIT 1000", "application/sparql-query", "application/n-triples"),
    }
    plain = create_app(store, ServerConfig(workers=0))
    public = create_app(store, ServerConfig(workers=0, public_url="http://127.0.0.1:8000/"))
    rows = []
    try:
        for name, spec in specs.items():
            for app in (plain, public):  # warm both
                _call(app, spec)
            ours, raw = [], []
            for _ in range(args.reps):
                raw.append(_call(plain, spec)[0])
                ours.append(_call(public, spec)[0])
            size = _call(public, spec)[1]
            rows.append(Row("public_url", f"{name} ({size:,} B)", statistics.median(ours) * 1000,
                            statistics.median(raw) * 1000, "ms", "median; raw = no public URL"))
    finally:
        close_app(plain)
        close_app(public)
    report(rows, Path(args.results) if args.results else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
