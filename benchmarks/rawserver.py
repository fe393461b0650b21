"""The HTTP floor: the smallest SPARQL-over-HTTP server on the same WSGI server (waitress), calling
pyoxigraph directly with no framework, checks or limits. The endpoint benchmark times it next to
``kg serve`` to separate what loopback HTTP costs from what the project adds.

    python benchmarks/rawserver.py STORE_DIR PORT
"""

from __future__ import annotations

import sys

import pyoxigraph as ox
import waitress


def make_app(store: ox.Store):
    def app(environ, start_response):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        text = environ["wsgi.input"].read(size).decode("utf-8")
        try:
            body = store.query(text).serialize(format=ox.QueryResultsFormat.JSON)
            status = "200 OK"
        except (SyntaxError, OSError, ValueError) as exc:
            body, status = str(exc).encode(), "400 Bad Request"
        start_response(status, [("Content-Type", "application/sparql-results+json"),
                                ("Content-Length", str(len(body)))])
        return [body]

    return app


if __name__ == "__main__":
    waitress.serve(make_app(ox.Store.read_only(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), threads=8,
                   ident="raw")
