"""SPARQL Update through the endpoint: refused without a token, Bearer-guarded with one, and the
merged default graph kept as the set union of the source graphs after every write. Also the real
``kg serve`` command (waitress in its own process) answering and logging one line per request."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests
from serving import free_port, serving
from test_server_http import BASE, GRAPH_A, GRAPH_B, TRIG, make_store

from kg.config import REPO_ROOT
from kg.server import ServerConfig, close_app, create_app

TOKEN = "s3cret-token"
NEW = f"<{BASE}state/westland>"


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("upd"))
    with serving(create_app(store, ServerConfig(update_token=TOKEN, workers=1))) as url:
        yield url, store


def update(url, text, token=TOKEN):
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(url + "/sparql", data=text.encode(), headers=headers, timeout=30)


def ask(url, query) -> bool:
    return requests.get(url + "/sparql", params={"query": query}, timeout=30).json()["boolean"]


def test_read_only_server_refuses_updates(tmp_path):
    app = create_app(make_store(tmp_path), ServerConfig(workers=0))
    body = f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State }} }}"
    r = app.test_client().post("/sparql", data={"update": body})
    assert r.status_code == 403 and "read-only" in r.get_data(as_text=True)
    close_app(app)


def test_token_is_required_and_checked(writable):
    url, _ = writable
    body = f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State }} }}"
    missing = update(url, body, token=None)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert update(url, body, token="wrong").status_code == 401
    assert not ask(url, f"ASK {{ {NEW} a ckg:State }}")


def test_insert_delete_and_drop_keep_the_union_a_set(writable):
    url, store = writable
    before = len(store)
    r = update(
        url,
        f"PREFIX ex: <http://example.org/>\nINSERT DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State ; "
        f'rdfs:label "Westland" }} GRAPH <{GRAPH_B}> {{ {NEW} a ckg:State }} }}',
    )
    assert r.status_code == 200, r.text
    assert len(store) == before + 2  # the shared triple once in the union
    assert ask(url, f'ASK {{ {NEW} rdfs:label "Westland" }}')  # the workers see the write
    # deleting from one graph keeps the union triple while the other graph still states it
    assert update(url, f"DELETE DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State }} }}").status_code == 200
    assert ask(url, f"ASK {{ {NEW} a ckg:State }}")
    assert not ask(url, f"ASK {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State }} }}")
    assert (
        update(
            url,
            f"DELETE DATA {{ GRAPH <{GRAPH_B}> {{ {NEW} a ckg:State }} }} ; "
            f'DELETE DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} rdfs:label "Westland" }} }}',
        ).status_code
        == 200
    )
    assert not ask(url, f"ASK {{ {NEW} ?p ?o }}") and len(store) == before
    # writing to the default graph directly, or anything but the supported operations, is refused
    assert update(url, f"INSERT DATA {{ {NEW} a ckg:State }}").status_code == 400
    assert update(url, "DELETE WHERE { ?s ?p ?o }").status_code == 400
    assert update(url, "LOAD <http://127.0.0.1:9/x.ttl>").status_code == 400
    assert len(store) == before
    # DROP GRAPH removes a source and what only it supported
    assert update(url, f"DROP GRAPH <{GRAPH_B}>").status_code == 200
    assert not ask(url, f"ASK {{ <{BASE}event/e2> ?p ?o }}")
    assert ask(url, f"ASK {{ <{BASE}event/e1> ckg:perpetrator ?x }}")


def _pump(stream, lines) -> None:
    """Every line of ``stream`` onto ``lines``, then None at its end."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _start_serving(data, attempts: int = 3, deadline: float = 180.0):
    """``kg serve`` on a free port, returned once it prints "serving on" (printed only after the socket
    listens), with the lines read so far. Waiting for that line rather than polling for a fixed number of
    tries keeps the test right however slow a loaded machine starts the server and its worker; a port taken
    between choosing it and binding it (another process, or an outgoing connection given it as its local
    port) ends that server at once with "in use", and the next attempt takes another port."""
    import queue
    import threading

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    for _ in range(attempts):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--data", str(data), "--port", str(port), "--workers", "1",
             "--update-token", TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )
        lines: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        seen: list[str] = []
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break  # the server ended before serving
            seen.append(line)
            if line.startswith("serving on"):
                return proc, port, lines, seen
        proc.kill()
        proc.wait(30)
        if not any("in use" in line for line in seen):
            raise AssertionError("kg serve did not start:\n" + "".join(seen))
    raise AssertionError(f"no free port in {attempts} attempts")


def test_kg_serve_runs_on_waitress_and_logs_each_request(tmp_path):
    data = tmp_path / "g.trig"
    data.write_text(TRIG, encoding="utf-8")
    proc, port, lines, seen = _start_serving(data)
    try:
        url = f"http://127.0.0.1:{port}"
        r = requests.get(url + "/sparql", params={"query": "ASK { ?s a ckg:Attack }"}, timeout=60)
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert r.headers["Server"] == "conflict-kg"  # waitress's ident, not Werkzeug's development server
        assert update(url, f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ {NEW} a ckg:State }} }}").status_code == 200
    finally:
        proc.terminate()
        proc.wait(60)
    while (line := lines.get(timeout=60)) is not None:
        seen.append(line)
    output = "".join(seen)
    assert re.search(r"GET /sparql 200 \d+\.\d ms", output), output
    assert "POST /sparql 200" in output
    assert TOKEN not in output


def test_a_port_taken_before_kg_serve_binds_it_costs_one_more_attempt(tmp_path, monkeypatch):
    """The race the old fixed-count polling lost: the chosen port is taken before the server binds it."""
    data = tmp_path / "g.trig"
    data.write_text(TRIG, encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1], free_port()])
        monkeypatch.setattr(sys.modules[__name__], "free_port", lambda: next(ports))
        proc, port, _lines, _seen = _start_serving(data)
        try:
            assert port != taken.getsockname()[1]
            assert requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=60).ok
        finally:
            proc.terminate()
            proc.wait(60)
