"""The Flask application: SPARQL endpoint, Linked Data pages and the browser UI over one store.

Built by an application factory so tests, ``server.py`` and ``kg serve`` each make their own app
around a store they opened once; each area of the site is a blueprint of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from kg.config import DEFAULT_BASE
from kg.store import KGStore


@dataclass(frozen=True)
class ServerConfig:
    base: str = DEFAULT_BASE
    update_token: str | None = None
    timeout: float = 30.0  # seconds a query may run
    max_rows: int = 100_000  # rows (SELECT) or triples (CONSTRUCT) a response may hold
    max_body_bytes: int = 1_000_000


def create_app(store: KGStore, config: ServerConfig | None = None) -> Flask:
    from kg.server.sparql import bp as sparql_bp

    app = Flask(__name__)
    app.config["KG_STORE"] = store
    app.config["KG"] = config or ServerConfig()
    app.config["MAX_CONTENT_LENGTH"] = app.config["KG"].max_body_bytes
    app.register_blueprint(sparql_bp)
    app.register_blueprint(__import__("kg.server.ui", fromlist=["bp"]).bp)  # /, /dashboard (ui engineer)
    return app


def run(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve on waitress (a production WSGI server), not Flask's development server."""
    import waitress

    print(f"serving on http://{host}:{port}/  (SPARQL endpoint: http://{host}:{port}/sparql)", flush=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="conflict-kg")
