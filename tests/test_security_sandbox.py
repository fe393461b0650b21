"""The query path's hard limits: no network where user text is evaluated, a memory ceiling per worker,
structure the engine can recurse over, a linear pre-check, and updates refused whole.

Each reproducer from the security issues is here as written, against real worker processes, with a loopback
listener standing in for an internal service: it must never see a connection.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
from serving import serving
from test_server_http import BASE, GRAPH_A, make_store

from kg import sandbox
from kg.query import NO_OUTBOUND, QueryError, answer_text, check_update
from kg.server import ServerConfig, create_app
from kg.server.engine import QueryJob, remove_stale_snapshots, run_job
from kg.store import KGStore

TOKEN = "sandbox-token-7"
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}


def post(url: str, text: str, timeout: float = 60, **headers) -> requests.Response:
    return requests.post(url + "/sparql", data=text.encode("utf-8"), headers={**SPARQL_QUERY, **headers},
                         timeout=timeout)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("sandbox"))
    app = create_app(store, ServerConfig(workers=2, timeout=10, update_token=TOKEN, query_memory_mb=700))
    with serving(app, threads=8) as url:
        yield url, app, store


# -- the network is gone where user text is evaluated ---------------------------------------------------------
def test_a_sandboxed_thread_cannot_open_a_socket_and_other_threads_still_can(listener):
    outcome: dict[str, object] = {}

    def confined() -> None:
        sandbox.deny_network()
        try:
            socket.create_connection(("127.0.0.1", listener.port), timeout=2)
            outcome["connected"] = True
        except OSError as exc:
            outcome["errno"] = exc.errno
        outcome["unix"] = socket.socket(socket.AF_UNIX).fileno() >= 0  # pipes and local sockets still work

    thread = threading.Thread(target=confined)
    thread.start()
    thread.join()
    assert outcome == {"errno": sandbox.NETWORK_ERRNO, "unix": True}
    assert not listener.connected()
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):  # this thread was not confined
        pass
    assert listener.connected()


def test_the_engine_refuses_a_service_the_safety_reading_never_saw(listener):
    """No tokeniser in front: run_job on the sandbox thread, a SERVICE to the listener, SILENT or not."""
    store = KGStore()
    for silent in ("", "SILENT "):
        job = QueryJob(text=f"SELECT * WHERE {{ SERVICE {silent}<http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}",
                       fmt="json")
        outcome = sandbox.shared().run(run_job, store, job)
        if silent:
            assert outcome.status == 200  # SILENT: the failed call is ignored, as the standard says
        else:
            assert outcome.status == 400 and NO_OUTBOUND in outcome.body.decode(), outcome
    assert not listener.connected()


def test_workers_refuse_a_service_the_safety_reading_missed(site, listener, monkeypatch):
    """The server's text check switched off entirely: the worker processes still cannot connect."""
    from kg.server import sparql
    from kg.server.safety import RequestShape

    url, app, _ = site
    monkeypatch.setattr(sparql, "_inspect", lambda text: RequestShape(form="SELECT"))
    r = post(url, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}")
    assert r.status_code == 400 and "SERVICE and LOAD are not allowed" in r.text, r.text
    assert not listener.connected()
    assert all(w.confined for w in app.extensions["kg"].engine._workers if w.alive())


ISSUE_17_BYPASS = ('SELECT * WHERE {{ VALUES ?a {{ <http://x/\\u0041#> }} VALUES ?b {{ "a\\u0022b" }} '
                   'SERVICE <http://127.0.0.1:{port}/sparql-bypass> {{ ?s ?p ?o }} }} # "')
ISSUE_21_BYPASSES = [
    "PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
    "PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ service:x {{ ?s ?p ?o }} }}",
    "PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ OPTIONAL {{ service:nested {{ ?s ?p ?o }} }} }}",
]


@pytest.mark.parametrize("template", [ISSUE_17_BYPASS, *ISSUE_21_BYPASSES])
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_the_reported_service_bypasses_are_refused_and_nothing_connects(site, listener, template, method):
    url = site[0]
    text = template.format(port=listener.port)
    r = requests.get(url + "/sparql", params={"query": text}, timeout=60) if method == "GET" else post(url, text)
    assert r.status_code == 400 and "SERVICE" in r.text, (r.status_code, r.text)
    assert not listener.connected()


def test_kg_query_refuses_service_like_the_server_and_prints_no_traceback(tmp_path, listener):
    data = tmp_path / "g.nq"
    data.write_text("<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n", encoding="utf-8")
    for text in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/q> {{ ?s ?p ?o }} }}",
                 ISSUE_21_BYPASSES[0].format(port=listener.port).replace("{{", "{").replace("}}", "}")):
        done = subprocess.run([sys.executable, "-m", "kg.cli", "query", text, "--data", str(data)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done
        assert "SERVICE" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not listener.connected()


def test_kg_query_evaluation_itself_is_confined(listener):
    """What ``kg query`` runs after its text check: the engine on the sandbox thread."""
    with pytest.raises(QueryError, match="SERVICE and LOAD are not allowed"):
        answer_text(KGStore(),
                    f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/q> {{ ?s ?p ?o }} }}", "json")
    assert not listener.connected()


# -- malformed escapes are the parser's to report ----------------------------------------------------------
@pytest.mark.parametrize("escape", ["\\UFFFFFFFF", "\\U00110000"])
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_escapes_beyond_unicode_get_the_parsers_400(site, escape, method):
    url = site[0]
    text = f'SELECT * WHERE {{ ?s ?p "{escape}" }}'
    r = post(url, text) if method == "POST" else requests.get(url + "/sparql", params={"query": text}, timeout=60)
    assert r.status_code == 400, (r.status_code, r.text)
    assert "malformed query" in r.text


# -- updates: refused whole, naming the operation --------------------------------------------------------
def _update(url: str, text: str) -> requests.Response:
    return requests.post(url + "/sparql", data=text.encode(), timeout=60,
                         headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})


def _count(url: str, graph: str) -> int:
    r = post(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
             Accept="application/sparql-results+json")
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("second", ["LOAD:l3", "LOAD <http://127.0.0.1:{port}/x>", "load:x INTO GRAPH <http://e/g>",
                                    "ex:nonsense", "CLEAR SILENT GRAPH <http://e/g> ; LOAD <http://127.0.0.1:{port}/y>",
                                    "DELETE WHERE {{ ?s ?p ?o }}"])
def test_an_update_with_a_refused_operation_is_refused_whole(site, listener, second):
    url = site[0]
    graph = BASE + "graph/update-whole"
    before = _count(url, graph)
    text = (f"PREFIX : <http://127.0.0.1:{listener.port}/> PREFIX ex: <http://e/> "
            f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/s> <http://e/p> \"x\" }} }} ; "
            + second.format(port=listener.port))
    r = _update(url, text)
    assert r.status_code == 400 and "nothing applied" in r.text, (r.status_code, r.text)
    assert _count(url, graph) == before
    assert not listener.connected()


def test_a_separator_the_tokeniser_missed_cannot_smuggle_an_operation():
    """``data_quads`` reads a piece as exactly one block: a second operation after it is refused."""
    from kg.query import data_quads

    with pytest.raises(QueryError, match="one block"):
        data_quads('INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> "c" } } ; '
                   'DELETE DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> "c" } }')


def test_check_update_lets_the_engine_refuse_load_and_pass_the_rest(listener):
    with pytest.raises(QueryError, match="SERVICE and LOAD are not allowed"):
        check_update(f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>")
    with pytest.raises(QueryError, match="malformed update"):
        check_update("INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> } }")
    check_update("DROP GRAPH <http://e/not-in-the-scratch-store>")  # fails on the empty store: not a refusal
    assert not listener.connected()


def test_a_valid_multi_operation_update_still_applies(site):
    url = site[0]
    graph = BASE + "graph/multi-op"
    r = _update(url, f"PREFIX ex: <http://e/>\nINSERT DATA {{ GRAPH <{graph}> {{ <http://e/a> <http://e/b> 1 }} }} ;\n"
                     f"INSERT DATA {{ GRAPH <{graph}> {{ ex:c ex:d 2 }} }}")
    assert r.status_code == 200 and r.text.count("inserted 1 quads") == 2, r.text
    assert _count(url, graph) == 2


# -- memory and stack ----------------------------------------------------------------------------------
def _growth_bomb(levels: int = 14) -> str:
    binds = " ".join(f"BIND(CONCAT(?v{i},?v{i},?v{i},?v{i}) AS ?v{i + 1})" for i in range(levels))
    return f'SELECT (STRLEN(?v{levels}) AS ?n) WHERE {{ BIND("{"a" * 64}" AS ?v0) {binds} }}'


def test_a_memory_bomb_is_stopped_by_the_ceiling_while_others_are_answered(site):
    url, app, _ = site
    bomb = _growth_bomb()
    assert len(bomb) < 800
    result: dict[str, requests.Response] = {}
    thread = threading.Thread(target=lambda: result.setdefault("r", post(url, bomb)))
    thread.start()
    answered = 0
    while thread.is_alive():
        r = post(url, f"ASK {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?o }} }}", Accept="application/sparql-results+json")
        assert r.status_code == 200, r.text
        answered += 1
    thread.join()
    r = result["r"]
    assert r.status_code == 503 and "more memory" in r.text and "700 MB" in r.text, (r.status_code, r.text)
    assert answered > 0
    assert app.extensions["kg"].engine.wait_ready(60)  # the worker was replaced
    assert post(url, "ASK {}").status_code == 200


@pytest.mark.parametrize("shape", ["{", "(", "!", "[ ?p "])
def test_deep_nesting_is_refused_before_evaluation(site, shape):
    url, app, _ = site
    depth = 20_000
    bodies = {"{": "{" * depth + "}" * depth,
              "(": "{ FILTER(" + "(" * depth + "1" + ")" * depth + ") }",
              "!": "{ FILTER(" + "!" * depth + "true) }",
              "[ ?p ": "{ ?s ?p " + "[ ?p " * depth + "1" + "]" * depth + " }"}
    started = time.perf_counter()
    r = post(url, "SELECT * WHERE " + bodies[shape])
    assert r.status_code == 400 and "too large to evaluate safely" in r.text, (r.status_code, r.text[:300])
    assert time.perf_counter() - started < 2


NEAR_LIMIT = {  # the costliest shapes measured, each grown to just under the structure limit
    "nested CONCAT": lambda n: "SELECT * WHERE { BIND(" + "CONCAT(" * n + '"a"' + ")" * n + " AS ?x) }",
    "nested braces": lambda n: "SELECT * WHERE " + "{" * n + "}" * n,
    "nested sub-selects": lambda n: "SELECT * WHERE " + "{ SELECT * WHERE " * n + "{}" + "}" * n,
    "chained OPTIONALs": lambda n: "SELECT * WHERE { " + " ".join(["OPTIONAL { ?s ?p ?o }"] * n) + " }",
    "long sum": lambda n: "SELECT * WHERE { BIND(" + "+".join(["1"] * n) + " AS ?x) }",
}


@pytest.mark.parametrize("name", list(NEAR_LIMIT))
def test_shapes_just_under_the_limit_do_not_crash_the_engine(name):
    make = NEAR_LIMIT[name]
    n = 1
    while sandbox.structure_count(make(n * 2)) <= sandbox.MAX_STRUCTURE:
        n *= 2
    while sandbox.structure_count(make(n + max(1, n // 16))) <= sandbox.MAX_STRUCTURE:
        n += max(1, n // 16)
    text = make(n)
    assert sandbox.MAX_STRUCTURE * 0.9 < sandbox.structure_count(text) <= sandbox.MAX_STRUCTURE
    # A child process, so a stack overflow would be a crash we can see, not the end of the test run.
    code = ("import sys; from kg import sandbox; from kg.query import answer_text; from kg.store import KGStore; "
            "text = sys.stdin.read(); "
            "print(sandbox.Sandbox().run(lambda: len(answer_text(KGStore(), text, 'json'))))")
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (name, done.returncode, done.stderr[-500:])


# -- the pre-check is linear and bounded ---------------------------------------------------------------
def test_the_safety_reading_is_linear_on_the_reported_quadratic_inputs():
    from kg.server.safety import UnsafeRequest, inspect

    for text in ("SELECT * WHERE { " + "a-" * 16_000 + " } #x", 'SELECT * WHERE { ' + 'a\\"' * 40_000 + " }",
                 'SELECT * WHERE { """' + "b'''" * 30_000):
        started = time.perf_counter()
        with contextlib.suppress(UnsafeRequest):
            inspect(text)
        assert time.perf_counter() - started < 0.5, text[:40]
    started = time.perf_counter()
    with pytest.raises(UnsafeRequest, match="too large to read"):
        inspect("SELECT * WHERE { " + "a " * 500_000 + " }")  # 1 MB: refused by a count made in C
    assert time.perf_counter() - started < 0.5


def test_eight_large_requests_do_not_hold_up_a_small_one(site):
    url = site[0]
    big = "SELECT * WHERE { " + "a-" * 12_000 + " } # "
    threads = [threading.Thread(target=post, args=(url, big + str(i))) for i in range(8)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    assert post(url, "ASK {}").status_code == 200
    assert time.perf_counter() - started < 5
    for t in threads:
        t.join()


# -- busy means a quick 503 ------------------------------------------------------------------------------
def test_when_every_worker_is_busy_a_reader_gets_a_quick_503(tmp_path):
    store = make_store(tmp_path)
    app = create_app(store, ServerConfig(workers=1, timeout=8, queue_wait=0.5))
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?q ?r ?t } # "
    with serving(app) as url:
        busy = threading.Thread(target=post, args=(url, cross + "1"))
        busy.start()
        time.sleep(0.5)
        started = time.perf_counter()
        r = post(url, "ASK {}")
        waited = time.perf_counter() - started
        busy.join()
    assert r.status_code == 503 and "busy" in r.text, r.text
    assert waited < 2, waited


# -- snapshot folders do not outlive their server ----------------------------------------------------------
def test_stale_snapshot_folders_of_dead_servers_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"kg-snapshot-{dead.pid}-abc"
    (stale / "g2").mkdir(parents=True)
    live = tmp_path / f"kg-snapshot-{os.getpid()}-def"
    live.mkdir()
    other = tmp_path / "kg-snapshot-notapid"
    other.mkdir()
    assert remove_stale_snapshots(str(tmp_path)) == 1
    assert not stale.exists() and live.exists() and other.exists()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_writer_servers_snapshots_are_gone_after_it_is_stopped(tmp_path, how):
    store_dir = tmp_path / "store"
    data = tmp_path / "g.trig"
    data.write_text("<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(tmp_path / "none"), "--store", str(store_dir)],
                   capture_output=True, timeout=120)  # creates the store (nothing to build)
    env = {**os.environ, "TMPDIR": str(tmp_path), "KG_UPDATE_TOKEN": TOKEN}

    def serve() -> tuple[subprocess.Popen, str]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store_dir), "--port",
                                 str(port), "--workers", "1"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2)
                return proc, url
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    proc, url = serve()
    r = _update(url, "INSERT DATA { GRAPH <http://e/g2> { <http://e/a> <http://e/b> 1 } }")
    assert r.status_code == 200, r.text
    assert list(tmp_path.glob(f"kg-snapshot-{proc.pid}-*/g*"))  # the update made a snapshot
    proc.send_signal(how)
    proc.wait(30)
    if how == signal.SIGTERM:
        assert not list(tmp_path.glob(f"kg-snapshot-{proc.pid}-*"))
    proc2, _ = serve()  # a new server cleans up after a killed one
    try:
        assert not list(tmp_path.glob(f"kg-snapshot-{proc.pid}-*"))
    finally:
        proc2.terminate()
        proc2.wait(30)
