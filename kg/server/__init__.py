"""The Flask application: SPARQL endpoint, Linked Data pages and the browser UI over one store.

Built by an application factory so tests, ``server.py`` and ``kg serve`` each make their own app
around a store they opened once; each area of the site is a blueprint of its own:

* ``sparql``: ``/sparql`` (SPARQL 1.1 Protocol, Service Description, Update with a token);
* ``linked_data``: ``/id/...`` entity descriptions, ``/ontology``, ``/.well-known/void``;
* ``canned``: ``/queries`` and ``/queries/<name>``;
* ``gsp``: ``/store`` (SPARQL 1.1 Graph Store HTTP Protocol; writes with the token);
* ``search``: ``/search?q=`` over the names (``kg.search``'s full-text index);
* ``ui``: ``/`` and ``/dashboard`` (when present).

Cross-cutting concerns live here: CORS on the read endpoints, one log line per request, and the
:class:`ServerState` (store, config, query engine, cached counts) every blueprint reads.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, Response, g, request

from kg.config import DEFAULT_BASE
from kg.store import KGStore

log = logging.getLogger("kg.server")


@dataclass(frozen=True)
class ServerConfig:
    base: str = DEFAULT_BASE
    update_token: str | None = None
    timeout: float = 30.0  # seconds a query may run
    max_rows: int = 100_000  # rows (SELECT) or triples (CONSTRUCT) a response may hold
    max_body_bytes: int = 1_000_000
    workers: int = 2  # query worker processes; 0 evaluates in the request thread (no hard time limit)
    read_only: bool | None = None  # the store is never written by anyone (None: no update token)
    answer_cache_bytes: int = 64_000_000  # finished answers kept for repeated texts (read-only stores only)
    query_memory_mb: int = 2048  # each query worker's memory cap (0: none); past it the query gets a 503
    queue_wait: float = 1.0  # seconds a request waits for a free query worker before a "busy" 503
    public_url: str | None = None  # where the site is reached ("http://kg.example.org/"): IRIs show under URL/id/


@dataclass
class ServerState:
    """What the blueprints share; ``generation`` counts completed updates (for caches and workers)."""

    store: KGStore
    config: ServerConfig
    engine: object
    generation: int = 0
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    stats: object = None

    def changed(self) -> None:
        """Called after a write: new counts, and query workers on a fresh snapshot."""
        self.generation += 1
        self.engine.refresh(self.config.timeout)


CORS_PATHS = ("/sparql", "/id/", "/queries", "/ontology", "/.well-known/", "/store", "/search")
CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type, Authorization"),
    ("Access-Control-Expose-Headers", "Content-Type, X-Query-Time, X-Answer-Cache"),
    ("Access-Control-Max-Age", "86400"),
)


def log_request(method: str, path: str, status: int, started: float | None) -> None:
    """One line per request; never the query string of an update or any header (tokens stay out)."""
    ms = (time.perf_counter() - started) * 1000 if started else 0.0
    log.info("%s %s %d %.1f ms", method, path, status, ms)


def create_app(store: KGStore, config: ServerConfig | None = None) -> Flask:
    from kg.server.canned import bp as canned_bp
    from kg.server.description import StatsCache
    from kg.server.engine import InlineEngine, QueryPool
    from kg.server.gsp import bp as gsp_bp
    from kg.server.linked_data import bp as linked_data_bp
    from kg.server.search import bp as search_bp
    from kg.server.sparql import DirectQueries
    from kg.server.sparql import bp as sparql_bp

    config = config or ServerConfig()
    read_only = config.read_only if config.read_only is not None else config.update_token is None
    from kg.store.remote import RemoteStore

    if isinstance(store, RemoteStore):  # a SPARQL server evaluates the queries (kg.server.remote); checks stay here
        from kg.server.remote import RemoteEngine

        engine: object = RemoteEngine(store)
    else:
        engine = (QueryPool(store, config.workers, read_only=read_only, cache_bytes=config.answer_cache_bytes,
                            memory_mb=config.query_memory_mb, queue_wait=config.queue_wait)
                  if config.workers > 0 else InlineEngine(store))

    app = Flask(__name__)
    app.config["KG_STORE"] = store
    app.config["KG"] = config
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["kg"] = ServerState(store=store, config=config, engine=engine, stats=StatsCache())
    app.register_blueprint(sparql_bp)
    app.register_blueprint(linked_data_bp)
    app.register_blueprint(canned_bp)
    app.register_blueprint(gsp_bp)
    app.register_blueprint(search_bp)
    try:
        app.register_blueprint(__import__("kg.server.ui", fromlist=["bp"]).bp)  # /, /dashboard (ui engineer)
    except ImportError:
        app.add_url_rule("/", "fallback_index", _fallback_index)
    _install_hooks(app)
    app.wsgi_app = DirectQueries(app.wsgi_app, app)
    if config.public_url:
        from kg.server.rewrite import PublicURLRewriter, public_base

        if public_base(config.public_url) != config.base:  # served where its IRIs point: nothing to rewrite
            app.wsgi_app = PublicURLRewriter(app.wsgi_app, config.base, public_base(config.public_url),
                                             config.max_body_bytes)
    return app


def site_root(config: ServerConfig, host_url: str) -> str:
    """The site's root URL as clients see it (the public URL when one is set, else the request's host)."""
    return config.public_url.rstrip("/") + "/" if config.public_url else host_url


def close_app(app: Flask) -> None:
    """Stop the app's query workers (tests and embedding; ``kg serve`` exits with its process)."""
    app.extensions["kg"].engine.close()


def _fallback_index() -> str:
    return ("<!doctype html><meta charset=utf-8><title>conflict-kg</title><h1>conflict-kg</h1>"
            "<form action=sparql method=post><textarea name=query rows=12 cols=80>"
            "SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea><br><button>Run</button></form>"
            "<p><a href=queries>Canned queries</a> · <a href=.well-known/void>VoID</a> · "
            "<a href=ontology>Ontology</a></p>")


def _install_hooks(app: Flask) -> None:
    @app.before_request
    def _start() -> Response | None:
        g.started = time.perf_counter()
        if request.method == "OPTIONS" and request.path.startswith(CORS_PATHS):
            return Response(status=204)  # CORS preflight
        return None

    @app.after_request
    def _finish(response: Response) -> Response:
        if request.path.startswith(CORS_PATHS):
            response.headers.update(CORS_HEADERS)
        log_request(request.environ.get("kg.method", request.method), request.path, response.status_code,
                    g.get("started"))
        return response

    @app.errorhandler(413)
    def _too_large(_exc) -> Response:
        limit = app.config["KG"].max_body_bytes
        return Response(f"the request body is over the limit of {limit:,} bytes\n", status=413,
                        mimetype="text/plain")

    @app.errorhandler(405)
    def _method(exc) -> Response:
        response = Response(f"method {request.method} is not allowed here\n", status=405, mimetype="text/plain")
        valid = getattr(exc, "valid_methods", None)
        if valid:
            response.headers["Allow"] = ", ".join(valid)
        return response


def _log_off_thread() -> None:
    """Request threads put their log line on a queue; one listener thread writes it.

    A handler writing to a stream takes a lock and makes a system call per line, which cost ~5 % of
    a loaded server's samples with request threads queueing on the lock (py-spy, 16 clients).
    """
    import atexit
    import logging.handlers
    import queue

    if any(isinstance(h, logging.handlers.QueueHandler) for h in log.handlers):
        return  # a second run() in this process
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    lines: queue.SimpleQueue = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(lines, *root.handlers, respect_handler_level=True)
    listener.start()
    atexit.register(listener.stop)
    log.addHandler(logging.handlers.QueueHandler(lines))
    log.propagate = False
    log.setLevel(logging.INFO)


def _exit_on_signals() -> None:
    """SIGTERM and SIGHUP end the server like Ctrl-C: through SystemExit, so the query workers are stopped, the
    snapshot folders removed and the queued log lines written (Python's default for SIGTERM skips all three)."""
    import signal
    import sys

    def stop(signum, _frame) -> None:
        sys.exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


def run(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
        connection_limit: int = 1000, channel_timeout: int = 30) -> None:
    """Serve on waitress (a production WSGI server), not Flask's development server.

    waitress keeps at most ``connection_limit`` connections open (its default, 100, let 105 slow clients
    lock everyone else out) and closes one idle for ``channel_timeout`` seconds (default 120); a proxy in
    front (SECURITY.md) is still what protects against many slow clients.
    """
    import waitress

    _log_off_thread()
    _exit_on_signals()
    try:
        app.extensions["kg"].engine.wait_ready(120)
        # Bound before "serving on" is printed: whoever waits for that line can connect at once.
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="conflict-kg",
                                        connection_limit=connection_limit, channel_timeout=channel_timeout)
        print(f"serving on http://{host}:{port}/  (SPARQL endpoint: http://{host}:{port}/sparql)", flush=True)
        server.run()
    finally:
        close_app(app)
