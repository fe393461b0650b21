"""No way in and no way out over HTTP: update authorisation, path traversal, body limits, outbound requests.

One waitress server with an update token over the small two-source dataset of test_server_http.
Requests that must be refused are sent raw (``http.client`` keeps ``..`` and ``%2f`` as written,
where ``requests`` would normalise them away), and after each refusal the data is checked unchanged.
"""

from __future__ import annotations

import hmac
import http.client
import logging
import socket
import urllib.parse
from pathlib import Path

import pytest
import requests
from test_server_http import BASE, GRAPH_A, start
from test_server_http import make_store as sample_store

from kg.server import ServerConfig, close_app, create_app

TOKEN = "tok-9f2c1e77b0a4"
NEW = f"<{BASE}state/intruder>"
INSERT = f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State }} }}"
ASK_NEW = f"ASK {{ {NEW} ?p ?o }}"
BODY_LIMIT = 50_000
LEAKS = ("root:x:0", "class ServerState", "DEFAULT_BASE", "SECRET-QUERY-7731")


class Site:
    def __init__(self, url: str, app):
        self.url, self.app = url, app
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data.decode("utf-8", "replace")

    def ask(self, query: str) -> bool:
        r = requests.get(
            self.url + "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        return r.json()["boolean"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sec")
    queries = tmp / "queries"
    queries.mkdir()
    (queries / "events.rq").write_text(
        "# title: events\n# param: actor\nSELECT ?e WHERE { ?e ckg:perpetrator ?actor }", encoding="utf-8"
    )
    (tmp / "secret.rq").write_text("# SECRET-QUERY-7731\nSELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    app = create_app(
        sample_store(tmp), ServerConfig(update_token=TOKEN, workers=1, timeout=5.0, max_body_bytes=BODY_LIMIT)
    )
    app.config["KG_QUERIES_DIR"] = queries
    server, url = start(app, threads=6)
    yield Site(url, app)
    server.close()
    close_app(app)


def form(text: str) -> bytes:
    return urllib.parse.urlencode({"update": text}).encode()


# -- no way in ----------------------------------------------------------------------------------------
REFUSED_UPDATES = [
    ("no token", "POST", "/sparql", INSERT.encode(), {"Content-Type": "application/sparql-update"}, 401),
    (
        "wrong token",
        "POST",
        "/sparql",
        INSERT.encode(),
        {"Content-Type": "application/sparql-update", "Authorization": "Bearer not-the-token"},
        401,
    ),
    (
        "token prefix",
        "POST",
        "/sparql",
        INSERT.encode(),
        {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN[:-1]}"},
        401,
    ),
    (
        "token plus",
        "POST",
        "/sparql",
        INSERT.encode(),
        {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}x"},
        401,
    ),
    (
        "basic scheme",
        "POST",
        "/sparql",
        INSERT.encode(),
        {"Content-Type": "application/sparql-update", "Authorization": f"Basic {TOKEN}"},
        401,
    ),
    (
        "empty bearer",
        "POST",
        "/sparql",
        INSERT.encode(),
        {"Content-Type": "application/sparql-update", "Authorization": "Bearer "},
        401,
    ),
    (
        "non-ascii token",
        "POST",
        "/sparql",
        INSERT.encode(),
        {"Content-Type": "application/sparql-update", "Authorization": "Bearer t\xe9\xe9".encode("latin-1")},
        401,
    ),
    ("form, no token", "POST", "/sparql", form(INSERT), {"Content-Type": "application/x-www-form-urlencoded"}, 401),
    (
        "token in the URL",
        "POST",
        f"/sparql?access_token={TOKEN}&token={TOKEN}",
        INSERT.encode(),
        {"Content-Type": "application/sparql-update"},
        401,
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "headers", "status"), REFUSED_UPDATES, ids=[r[0] for r in REFUSED_UPDATES]
)
def test_update_without_the_right_bearer_token_is_refused(site, name, method, path, body, headers, status):
    code, response_headers, text = site.raw(method, path, body, headers)
    assert code == status, text
    assert response_headers.get("www-authenticate", "").startswith("Bearer")
    assert TOKEN not in text and "Bearer" in text
    assert not site.ask(ASK_NEW)


@pytest.mark.parametrize(
    "path",
    [
        "/sparql?update=" + urllib.parse.quote(INSERT),  # SPARQL Update by GET, even with the token
        "/sparql?query=" + urllib.parse.quote(INSERT),  # an update smuggled in as a query
        "/queries/events?update=" + urllib.parse.quote(INSERT),
    ],
)
def test_update_by_get_or_as_a_query_is_refused_even_with_the_token(site, path):
    code, _, text = site.raw("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert 400 <= code < 500 and text.strip(), (code, text)
    if path.startswith("/sparql?update="):
        assert code == 403, (code, text)  # an update by GET is forbidden outright
    code, _, text = site.raw(
        "POST",
        path.replace("update=", "query="),
        body=b"",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= code < 500, (code, text)
    assert not site.ask(ASK_NEW)


def test_the_token_is_compared_in_constant_time_and_never_logged(site, monkeypatch, caplog):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    with caplog.at_level(logging.DEBUG):  # every logger, at its most talkative
        wrong = site.raw(
            "POST",
            "/sparql",
            INSERT.encode(),
            {"Content-Type": "application/sparql-update", "Authorization": "Bearer guess-123"},
        )
        right = site.raw(
            "POST",
            "/sparql",
            INSERT.encode(),
            {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        bad_op = site.raw(
            "POST",
            "/sparql",
            form(f"CLEAR ALL ; {TOKEN}"),
            {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Bearer {TOKEN}"},
        )
    assert wrong[0] == 401 and right[0] == 200 and bad_op[0] == 400
    assert TOKEN.encode() in {b for _, b in calls} and b"guess-123" in {a for a, _ in calls}
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "POST /sparql 401" in logged and "POST /sparql 200" in logged  # the requests were logged...
    assert TOKEN not in logged and "guess-123" not in logged  # ...but no token, right or wrong
    # undo the insert so the other tests see the data unchanged
    site.raw(
        "POST",
        "/sparql",
        f"DELETE DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State }} }}".encode(),
        {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert not site.ask(ASK_NEW)


def test_cors_preflight_grants_no_update_rights(site):
    code, headers, _ = site.raw(
        "OPTIONS", "/sparql", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert code == 204 and headers.get("access-control-allow-credentials") != "true"
    code, _, _ = site.raw(
        "POST",
        "/sparql",
        INSERT.encode(),
        {"Origin": "https://evil.example", "Content-Type": "application/sparql-update"},
    )
    assert code == 401 and not site.ask(ASK_NEW)


# -- request size ---------------------------------------------------------------------------------------
def test_bodies_over_the_limit_are_refused_with_413_and_the_server_keeps_answering(site):
    big_query = ("SELECT * WHERE { ?s ?p ?o } # " + "x" * BODY_LIMIT).encode()
    assert site.raw("POST", "/sparql", big_query, {"Content-Type": "application/sparql-query"})[0] == 413
    assert (
        site.raw(
            "POST", "/sparql", b"query=" + b"x" * BODY_LIMIT, {"Content-Type": "application/x-www-form-urlencoded"}
        )[0]
        == 413
    )
    code, _, text = site.raw(
        "POST",
        "/sparql",
        b"x" * (BODY_LIMIT + 1),
        {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert code == 413 and f"{BODY_LIMIT:,}" in text
    # a chunked body carries no Content-Length up front: it must be cut off just the same
    with socket.create_connection((site.host, site.port), timeout=30) as sock:
        chunk = b"x" * 10_000
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(BODY_LIMIT // len(chunk) + 2))
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body + b"0\r\n\r\n"
        )
        reply = b""
        while data := sock.recv(65536):
            reply += data
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert site.ask("ASK { ?s a ckg:State }")


# -- path traversal -------------------------------------------------------------------------------------
TRAVERSALS = [
    "/id/../../../../../../etc/passwd",
    "/id/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/id/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/id/....//....//etc/passwd",
    "/queries/..%2fsecret",
    "/queries/../secret",
    "/queries/..%2fsecret.rq",
    "/queries/%2e%2e%2fsecret",
    "/queries/..%5csecret.rq",
    "/assets/../__init__.py",
    "/assets/..%2f__init__.py",
    "/assets/%2e%2e%2f__init__.py",
    "/assets/..%5c__init__.py",
    "/assets//etc/passwd",
    "/assets/%2fetc%2fpasswd",
    "/assets/vendor/../../__init__.py",
    "/ontology?format=../../kg/server/__init__.py",
    "/static/../kg/server/__init__.py",
    "//etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_reads_nothing_outside(site, path):
    code, headers, text = site.raw("GET", path, headers={"Accept": "text/turtle, */*"})
    if 300 <= code < 400:  # e.g. merged slashes: follow it once, it must stay refused
        location = urllib.parse.urlsplit(headers["location"])
        assert location.netloc in ("", f"{site.host}:{site.port}"), headers["location"]
        code, headers, text = site.raw("GET", location.path + ("?" + location.query if location.query else ""))
    assert 400 <= code < 500, (path, code, text[:200])
    assert not any(leak in text for leak in LEAKS), (path, code, text[:300])


# -- no way out ------------------------------------------------------------------------------------------
def test_no_request_names_an_iri_the_server_fetches(site, listener):
    """Every place a request can carry an IRI: protocol dataset parameters, DESCRIBE, FROM, GRAPH,
    canned-query parameters, entity pages, and update operations. None may make a connection."""
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
    q = urllib.parse.quote
    gets = [
        f"/sparql?query={q('ASK { ?s ?p ?o }')}&default-graph-uri={q(url)}",
        f"/sparql?query={q('ASK { GRAPH ?g { ?s ?p ?o } }')}&named-graph-uri={q(url)}",
        f"/sparql?query={q(f'DESCRIBE <{url}>')}",
        f"/sparql?query={q(f'SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }}')}",
        f"/sparql?query={q(f'SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}')}",
        f"/sparql?query={q(f'SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}')}",
        f"/sparql?query={q(f'SELECT * WHERE {{ BIND(IRI(<{url}>) AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}')}",
        f"/queries/events?actor={q(url)}",
        f"/id/{q(url)}",
    ]
    for path in gets:
        code, _, text = site.raw("GET", path)
        assert code < 500, (path, code, text)
    for update in (
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}> INTO GRAPH <{GRAPH_A}>",
        f"INSERT {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"ADD <{url}> TO <{GRAPH_A}>",
        f"COPY <{url}> TO <{GRAPH_A}>",
    ):
        code, _, text = site.raw(
            "POST",
            "/sparql",
            update.encode(),
            {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        assert code == 400, (update, code, text)
    assert not listener.connected()


def test_served_files_stay_inside_their_folders(site):
    """The static route serves our own assets and nothing next to them."""
    static = Path(site.app.blueprints["ui"].static_folder)
    some = next(p for p in sorted(static.iterdir()) if p.is_file())
    code, _, text = site.raw("GET", f"/assets/{some.name}")
    assert code == 200 and text == some.read_text(encoding="utf-8")


def test_update_token_from_the_environment_stays_out_of_the_process_list(tmp_path):
    """``--update-token T`` is readable by every local user in /proc/<pid>/cmdline; KG_UPDATE_TOKEN is not."""
    import os
    import subprocess
    import sys
    import time

    from test_server_http import TRIG

    from kg.config import REPO_ROOT

    data = tmp_path / "g.trig"
    data.write_text(TRIG, encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    secret = "env-token-" + os.urandom(8).hex()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "KG_UPDATE_TOKEN": secret}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--data", str(data), "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        for _ in range(300):
            try:
                requests.get(url, params={"query": "ASK {}"}, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        headers = {"Content-Type": "application/sparql-update"}
        assert requests.post(url, data=INSERT, headers=headers, timeout=30).status_code == 401
        ok = requests.post(url, data=INSERT, headers={**headers, "Authorization": f"Bearer {secret}"}, timeout=30)
        assert ok.status_code == 200, ok.text
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode("utf-8", "replace")
        assert "kg.cli" in cmdline and secret not in cmdline
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert "POST /sparql 200" in output and secret not in output
