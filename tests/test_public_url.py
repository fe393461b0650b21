"""A store built with the default base, served under a local public URL (issue 13, item 1).

Every IRI minted under the dataset base must be shown, and dereference, under ``URL/id/``: in SPARQL
results of every format, CONSTRUCT/DESCRIBE, ``/id/`` pages, VoID and the service description, while
queries and parameters may use either form and the store keeps the dataset base. The crawl starts from
one entity (and from VoID) and fetches every IRI under the public URL the answers contain in four RDF
formats and as a browser.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import subprocess
import sys
import threading
from urllib.parse import quote

import pytest
import requests

from kg.config import DEFAULT_BASE, REPO_ROOT
from kg.server import ServerConfig, close_app, create_app
from kg.server.rewrite import BadPublicURL, Rebase, default_public_url, public_base, public_url
from kg.store import KGStore

_spec = importlib.util.spec_from_file_location("crawl_linked_data", REPO_ROOT / "scripts" / "crawl_linked_data.py")
crawler = importlib.util.module_from_spec(_spec)
sys.modules["crawl_linked_data"] = crawler  # dataclasses look their module up there
_spec.loader.exec_module(crawler)

IRAN = DEFAULT_BASE + "state/iran"


@contextlib.contextmanager
def served_at_public_url(store, **config):
    """Serve ``store`` on a free port whose own URL is the public URL (known before the app is made)."""
    from waitress import create_server

    holder: dict = {}
    server = create_server(lambda environ, start: holder["app"](environ, start), host="127.0.0.1", port=0,
                           threads=4)
    url = f"http://127.0.0.1:{server.effective_port}/"
    holder["app"] = app = create_app(store, ServerConfig(workers=1, public_url=url, **config))
    threading.Thread(target=server.run, daemon=True).start()
    assert app.extensions["kg"].engine.wait_ready(60)
    try:
        yield url
    finally:
        server.close()
        close_app(app)


@pytest.fixture(scope="module")
def public(seed_store):
    with served_at_public_url(seed_store) as url:
        yield url


def sparql(url: str, query: str, accept: str, **params) -> requests.Response:
    return requests.post(url + "sparql", data={"query": query, **params}, headers={"Accept": accept}, timeout=60)


# -- the mapping -----------------------------------------------------------------------------------------
def test_public_urls_are_checked_and_end_with_a_slash():
    assert public_url("http://kg.example.org") == "http://kg.example.org/"
    assert public_url("https://example.org:8443/kg/") == "https://example.org:8443/kg/"
    assert public_url("http://[::1]:8000/") == "http://[::1]:8000/"
    assert public_base("http://127.0.0.1:8001") == "http://127.0.0.1:8001/id/"
    for bad in ("ftp://x/", "http://x/?a=1", "http://x/#f", "http://user@x/", "http://x/a b", "x.org",
                'http://x/"', "http://x:0/", "http://x:99999/", "http://x/<y>"):
        with pytest.raises(BadPublicURL):
            public_url(bad)


def test_a_wildcard_listen_address_is_reached_over_loopback():
    assert default_public_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert default_public_url("::1", 8000) == "http://[::1]:8000/"
    assert default_public_url("kg.local", 80) == "http://kg.local:80/"


def test_rebase_maps_iris_under_the_old_base_only():
    rebase = Rebase(DEFAULT_BASE, "http://h/id/")
    assert rebase.iri(IRAN) == "http://h/id/state/iran"
    assert rebase.iri("https://w3id.org/conflict-kg/ontology#State") == "https://w3id.org/conflict-kg/ontology#State"
    assert rebase.inverse().text("<http://h/id/x> <http://h/idx>") == f"<{DEFAULT_BASE}x> <http://h/idx>"
    with pytest.raises(BadPublicURL):
        Rebase(DEFAULT_BASE, "http://h/id/<")


# -- the crawl -------------------------------------------------------------------------------------------
def test_crawl_from_one_entity_every_iri_dereferences_in_every_format(public):
    report = crawler.crawl(public + "id/state/iran", public)
    summary = report.summary()
    print(json.dumps(summary, indent=1))  # the counts, for the record (pytest -s)
    assert not report.failures, report.failures[:10]
    assert summary["iris"] > 100  # states, places, events, statements, sources and their graphs
    assert any("/id/source/" in iri for iri in report.iris) and any("/id/statement/" in iri for iri in report.iris)
    for accept in (*crawler.RDF_FORMATS, "text/html"):
        assert summary["by_accept"][accept] == {"200": summary["iris"]}


def test_crawl_from_void_reaches_the_endpoint_and_the_source_graphs(public):
    report = crawler.crawl(public + ".well-known/void", public, limit=20)
    assert not report.failures, report.failures[:10]
    assert public + "sparql" in report.iris  # void:sparqlEndpoint, answered with its service description
    assert sum("/id/graph/" in iri for iri in report.iris) >= 5


# -- every answer shows the public form -----------------------------------------------------------------
SELECT = f"SELECT ?s ?label WHERE {{ BIND(<{IRAN}> AS ?s) ?s rdfs:label ?label }}"
CONSTRUCT = f"CONSTRUCT {{ <{IRAN}> ?p ?o }} WHERE {{ <{IRAN}> ?p ?o }}"


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_select_results_show_public_iris_in_every_format(public, accept):
    r = sparql(public, SELECT, accept)
    assert r.status_code == 200, r.text
    assert public + "id/state/iran" in r.text and DEFAULT_BASE not in r.text


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json",
                                    "application/rdf+xml", "application/n-quads", "application/trig"])
def test_construct_and_describe_show_public_iris_in_every_format(public, accept):
    for query in (CONSTRUCT, f"DESCRIBE <{public}id/state/iran>"):
        r = sparql(public, query, accept)
        assert r.status_code == 200, r.text
        assert public + "id/state/iran" in r.text and DEFAULT_BASE not in r.text


def test_queries_and_parameters_accept_either_form(public):
    graph = requests.get(public + "sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g {} } LIMIT 1"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=60)
    g_public = graph.json()["results"]["bindings"][0]["g"]["value"]
    assert g_public.startswith(public + "id/graph/")
    g_dataset = DEFAULT_BASE + g_public[len(public + "id/"):]
    for iri in (IRAN, public + "id/state/iran"):
        ask = f"ASK {{ <{iri}> a ckg:State }}"
        assert requests.get(public + "sparql", params={"query": ask}, timeout=60).json()["boolean"]
        direct = requests.post(public + "sparql", data=ask.encode(), timeout=60,
                               headers={"Content-Type": "application/sparql-query"})
        assert direct.json()["boolean"], direct.text
    for g in (g_public, g_dataset):  # named-graph-uri / default-graph-uri in either form
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        r = sparql(public, count, "application/sparql-results+json", **{"named-graph-uri": g})
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0, r.text
    # a literal written with the public form matches the dataset's STR() of the IRI
    prefix = f'ASK {{ ?s a ckg:State FILTER(STRSTARTS(STR(?s), "{public}id/state/")) }}'
    assert requests.get(public + "sparql", params={"query": prefix}, timeout=60).json()["boolean"]
    rows = {}
    for actor in (DEFAULT_BASE + "state/pakistan", public + "id/state/pakistan"):  # a canned query's parameter
        r = requests.get(public + "queries/diplomatic_actions_by_actor", params={"actor": actor},
                         headers={"Accept": "text/csv"}, timeout=60)
        assert r.status_code == 200, r.text
        rows[actor] = r.text
    assert len(set(rows.values())) == 1 and rows[DEFAULT_BASE + "state/pakistan"].count("\n") > 2


def test_linked_data_pages_void_and_service_description_are_public(public):
    page = requests.get(public + "id/state/iran", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and public + "id/state/iran" in page.text and DEFAULT_BASE not in page.text
    rdf = requests.get(public + "id/state/iran", headers={"Accept": "text/turtle"}, timeout=60)
    assert rdf.headers["Link"] == f'<{public}id/state/iran>; rel="canonical"'
    void = requests.get(public + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=60).text
    assert f'void:uriSpace "{public}id/"' in void and f"<{public}sparql>" in void and DEFAULT_BASE not in void
    sd = requests.get(public + "sparql", headers={"Accept": "text/turtle"}, timeout=60).text
    assert f"<{public}sparql>" in sd and f"<{public}id/graph/" in sd and DEFAULT_BASE not in sd


def test_head_has_the_length_of_the_rewritten_body(public):
    for path, accept in (("id/state/iran", "text/turtle"), ("id/state/iran", "text/html"),
                         ("queries", "application/json")):
        got = requests.get(public + path, headers={"Accept": accept}, timeout=60)
        head = requests.head(public + path, headers={"Accept": accept}, timeout=60)
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["Content-Length"]) == len(got.content)


def test_static_files_pass_through(public):
    for path in ("static/app.css", "assets/app.css"):
        r = requests.get(public + path, timeout=60)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/css"), path
        assert requests.head(public + path, timeout=60).headers["Content-Length"] == str(len(r.content))


def test_updates_in_the_public_form_are_stored_under_the_dataset_base(tmp_path):
    store = KGStore()
    graph = DEFAULT_BASE + "graph/g1"
    with served_at_public_url(store, update_token="t0ken") as url:
        insert = (f"INSERT DATA {{ GRAPH <{url}id/graph/g1> {{ <{url}id/state/westland> a ckg:State ; "
                  f'rdfs:comment "see {url}id/state/westland" }} }}')
        r = requests.post(url + "sparql", data=insert.encode(), timeout=60, headers={
            "Content-Type": "application/sparql-update", "Authorization": "Bearer t0ken"})
        assert r.status_code == 200, r.text
        shown = requests.get(url + "id/state/westland", headers={"Accept": "application/n-triples"}, timeout=60)
        assert f"<{url}id/state/westland>" in shown.text
    assert store.has_graph(graph)
    values = {t.value for q in store.ox.quads_for_pattern(None, None, None, None)
              for t in (q.subject, q.object, q.graph_name) if hasattr(t, "value")}
    assert DEFAULT_BASE + "state/westland" in values
    assert not any(url in v for v in values)  # the store never holds the public form


def test_without_a_public_url_answers_keep_the_dataset_base(seed_store):
    from serving import serving

    with serving(create_app(seed_store, ServerConfig(workers=0))) as url:
        r = sparql(url + "/", SELECT, "text/csv")
        assert IRAN in r.text


def test_a_public_url_at_the_base_needs_no_rewriting(seed_store):
    app = create_app(seed_store, ServerConfig(workers=0, public_url="https://w3id.org/conflict-kg/"))
    try:
        from kg.server.rewrite import PublicURLRewriter

        assert not isinstance(app.wsgi_app, PublicURLRewriter)
        sd = app.test_client().get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
        assert "<https://w3id.org/conflict-kg/sparql>" in sd
    finally:
        close_app(app)


# -- the command line ------------------------------------------------------------------------------------
def kg(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, timeout=300, cwd=REPO_ROOT,
                          **kwargs)


def test_export_base_writes_a_copy_under_another_base(tmp_path, seed_store):
    data = tmp_path / "seeds.nq"
    with open(data, "wb") as handle:
        seed_store.export("nquads", handle)
    before = data.read_bytes()
    new = "https://kg.example.org/id/"
    suffixes = {"nquads": "nq", "turtle": "ttl", "trig": "trig", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}
    for fmt, suffix in suffixes.items():
        out = tmp_path / f"copy.{suffix}"
        result = kg("export", "--data", str(data), "--format", fmt, "--base", new, "--out", str(out))
        assert result.returncode == 0, result.stderr
        text = out.read_text(encoding="utf-8")
        assert new + "state/iran" in text and DEFAULT_BASE not in text, fmt
    original, copy = KGStore(), KGStore()
    original.load_quads(data)
    copy.load_quads(tmp_path / "copy.nq")
    assert len(copy) == len(original)
    rebase = Rebase(DEFAULT_BASE, new)
    assert set(map(str, copy.ox)) == {str(rebase.quad(q)) for q in original.ox}
    assert data.read_bytes() == before


def test_bad_bases_and_public_urls_are_one_line(tmp_path):
    data = tmp_path / "g.nq"
    data.write_text(f"<{IRAN}> <http://e/p> <http://e/o> <{DEFAULT_BASE}graph/g> .\n", encoding="utf-8")
    bad = kg("export", "--data", str(data), "--base", "http://x/<id>/", text=True)
    assert bad.returncode == 2 and "base" in bad.stderr and bad.stderr.count("\n") == 1
    serve = kg("serve", "--data", str(data), "--workers", "0", "--public-url", "http://x/?q=1", text=True)
    assert serve.returncode == 2 and "--public-url" in serve.stderr and serve.stderr.count("\n") == 1


def test_kg_serve_shows_iris_under_its_own_url_by_default(tmp_path):
    data = tmp_path / "g.nq"
    data.write_text(f"<{IRAN}> <http://www.w3.org/2000/01/rdf-schema#label> \"Iran\" <{DEFAULT_BASE}graph/g> .\n",
                    encoding="utf-8")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--data", str(data), "--port", str(port),
                             "--workers", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=REPO_ROOT)
    try:
        assert "serving on" in _line_with(proc, "serving on")
        url = f"http://127.0.0.1:{port}/"
        r = requests.get(url + "id/state/iran", headers={"Accept": "application/n-triples"}, timeout=60)
        assert r.status_code == 200 and r.text.startswith(f"<{url}id/state/iran>"), r.text
        encoded = quote(f"ASK {{ <{url}id/state/iran> ?p ?o }}")
        assert requests.get(f"{url}sparql?query={encoded}", timeout=60).json()["boolean"]
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def _line_with(proc, text: str) -> str:
    for line in proc.stdout:
        if text in line:
            return line
    raise AssertionError(f"kg serve ended without printing {text!r}")


def test_graph_store_takes_and_shows_the_public_form(public):
    listed = requests.get(public + "sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g {} } LIMIT 1"},
                          headers={"Accept": "text/csv"}, timeout=60).text.split()[1]
    assert listed.startswith(public + "id/graph/")
    for graph in (listed, DEFAULT_BASE + listed[len(public + "id/"):]):
        r = requests.get(public + "store", params={"graph": graph}, headers={"Accept": "text/turtle"}, timeout=60)
        assert r.status_code == 200 and public + "id/" in r.text and DEFAULT_BASE not in r.text


def test_cors_preflight_and_bodiless_answers_carry_no_length():
    app = create_app(KGStore(), ServerConfig(workers=0, public_url="http://127.0.0.1:9/"))
    try:
        r = app.test_client().options("/sparql", headers={"Origin": "http://other",
                                                          "Access-Control-Request-Method": "POST"})
        assert r.status_code == 204 and "Content-Length" not in r.headers
        assert r.headers["Access-Control-Allow-Origin"] == "*"
    finally:
        close_app(app)
