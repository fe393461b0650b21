"""Fixtures for the browser tests: a small graph, the server on a free port, Debian's Chromium.

Chromium is Debian's package at /usr/bin/chromium (``apt-get install chromium``), driven by the
``playwright`` Python package; no browser is ever downloaded. Every page a test opens is watched:
a request to any host other than 127.0.0.1/localhost is blocked and recorded, and console errors
and uncaught exceptions are recorded, so each test can assert the page stayed offline and clean.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SAMPLE = Path(__file__).parent / "data" / "sample.trig"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def sample_store():
    from kg.store import KGStore

    store = KGStore()
    store.load_quads(SAMPLE)
    return store


@pytest.fixture(scope="session")
def queries_dir(tmp_path_factory) -> Path:
    """A queries/ folder of our own, so the tests do not depend on which analyst queries exist."""
    folder = tmp_path_factory.mktemp("queries")
    (folder / "attacks_by_date.rq").write_text(
        "# title: Attacks and their perpetrators\n"
        "SELECT ?attack ?perpetratorLabel WHERE {\n"
        "  ?attack a ckg:Attack ; ckg:perpetrator ?p . ?p rdfs:label ?perpetratorLabel .\n"
        "}\n", encoding="utf-8")
    (folder / "events_by_actor.rq").write_text(
        "# title: Events by actor\n"
        "# description: every diplomatic action with its actor\n"
        "# param: actor  the actor's IRI\n"
        "SELECT ?event ?label ?actor WHERE {\n"
        "  ?event ckg:actor ?actor ; rdfs:label ?label .\n"
        "} ORDER BY ?label\n", encoding="utf-8")
    return folder


def serve(app) -> tuple[str, object]:
    """Start ``app`` on waitress on a free port in a thread; returns (base URL, server)."""
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4, ident="conflict-kg-test")
    port = server.socket.getsockname()[1]
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


@pytest.fixture(scope="session")
def app(sample_store, queries_dir):
    from kg.server import close_app, create_app

    application = create_app(sample_store)
    application.config["KG_QUERIES_DIR"] = queries_dir
    yield application
    close_app(application)


@pytest.fixture(scope="session")
def base_url(app):
    url, server = serve(app)
    yield url
    server.close()


@pytest.fixture(scope="session")
def static_site(tmp_path_factory):
    """A second origin: a plain static file server on another port (for the external-tool test)."""
    root = tmp_path_factory.mktemp("other-origin")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), "Debian's chromium is needed: apt-get install -y chromium"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page plus what it did that a test must check: outside requests and console errors."""

    page: object
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.outside == [], f"requests left localhost: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    record = Watched(page)

    def route(r):
        host = urlsplit(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            r.continue_()
        else:
            record.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: record.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: record.errors.append(f"uncaught: {exc}"))
    yield record
    context.close()
