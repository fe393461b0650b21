"""Search: the FTS5 index of names (kg.search), kept in step with the store, and /search with the search box."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from kg.config import REPO_ROOT, Settings
from kg.query import data_quads, delete_quads, insert_quads
from kg.search import SearchIndex, fold, match_expression
from kg.server import ServerConfig, close_app, create_app
from kg.store import PREFIXES, KGStore

BASE = Settings().base
CKG = PREFIXES["ckg"]
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
ALT = ox.NamedNode(PREFIXES["skos"] + "altLabel")
TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")


def node(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + path)


def named(path: str, cls: str, label: str, *alts: str) -> list[ox.Triple]:
    subject = node(path)
    triples = [ox.Triple(subject, TYPE, ox.NamedNode(CKG + cls)), ox.Triple(subject, RDFS_LABEL, ox.Literal(label))]
    return triples + [ox.Triple(subject, ALT, ox.Literal(a)) for a in alts]


def graph(name: str) -> str:
    return BASE + "graph/" + name


@pytest.fixture
def store() -> KGStore:
    store = KGStore()
    store.add_graph(graph("a"), [
        *named("city/kyiv", "Place", "Kyïv", "Kiev"),
        *named("state/iran", "State", "Iran", "Islamic Republic of Iran"),
        *named("event/iran-condemnation", "Condemnation", "Iran condemnation (United States)"),
        *named("event/strikes", "Airstrike", "Strikes on Sanaʽa"),
        *named("document/d1", "SourceDocument", "d1.txt"),
        ox.Triple(node("document/d1"), ox.NamedNode(PREFIXES["dcterms"] + "title"),
                  ox.Literal("Missiles hit the port of Hodeidah")),
        ox.Triple(node("statement/s1"), RDFS_LABEL, ox.Literal("Iran statement")),  # untyped: not a result
        ox.Triple(node("statement/s1"), TYPE, ox.NamedNode(PREFIXES["rdf"] + "Statement")),
    ])
    store.add_graph(graph("b"), named("state/iran", "State", "Iran"))
    return store


def labels(index: SearchIndex, text: str, **kw) -> list[str]:
    return [h.label for h in index.search(text, **kw)]


def test_names_are_found_ignoring_case_and_accents(store):
    index = SearchIndex.attach(store)
    assert labels(index, "kyiv") == labels(index, "KYÏV") == ["Kyïv"]
    assert labels(index, "kiev")[0] == "Kyïv" and index.search("kiev")[0].matched == "Kiev"
    assert labels(index, "sanaa") == ["Strikes on Sanaʽa"] or labels(index, "sana") == ["Strikes on Sanaʽa"]
    assert labels(index, "hodeidah") == ["Missiles hit the port of Hodeidah"]  # a document by its title
    assert {h.kind for h in index.search("iran")} == {"entity", "event"}
    assert "Iran statement" not in labels(index, "iran")  # only entities, events and documents
    assert labels(index, "strike") == ["Strikes on Sanaʽa"]  # stemmed: strike finds strikes


def test_ranking_puts_the_exact_name_first_and_prefixes_match(store):
    index = SearchIndex.attach(store)
    assert labels(index, "Iran") == ["Iran", "Iran condemnation (United States)"]
    assert labels(index, "islamic republic")[0] == "Iran"
    assert labels(index, "condem") == ["Iran condemnation (United States)"]  # the last word as a prefix
    assert labels(index, "iran", kind="event") == ["Iran condemnation (United States)"]
    with pytest.raises(ValueError, match="kind"):
        index.search("iran", kind="statement")


@pytest.mark.parametrize("text", ['"', "iran OR", "NEAR(iran kyiv)", "*", "^iran", "kyiv*", "a:b", "--", "'); DROP"])
def test_query_syntax_never_reaches_fts(store, text):
    index = SearchIndex.attach(store)
    index.search(text)  # no sqlite3.OperationalError
    expression = match_expression(text)
    assert expression is None or all(part.startswith('"') for part in expression.split())


def test_fold_and_match_expression():
    assert fold("  Ṣanʿāʾ  CITY ") == "sanʿaʾ city"
    assert match_expression("Ansar  Allah") == '"Ansar" "Allah"*'
    assert match_expression("  ¿? ") is None


def test_index_follows_documents_added_and_removed(store):
    index = SearchIndex.attach(store)
    assert SearchIndex.attach(store) is index  # one per store
    assert labels(index, "aden") == []
    store.add_graph(graph("c"), named("city/aden", "Place", "Aden"))
    assert labels(index, "aden") == ["Aden"]
    store.remove_graph(graph("c"))
    assert labels(index, "aden") == []
    store.remove_graph(graph("b"))  # graph a still names Iran: it stays
    assert labels(index, "iran")[0] == "Iran"
    store.remove_graph(graph("a"))
    assert index.search("iran") == [] and len(index) == 0


def test_index_follows_sparql_update_and_loads(store, tmp_path):
    index = SearchIndex.attach(store)
    added = data_quads(f'INSERT DATA {{ GRAPH <{graph("d")}> {{ <{BASE}group/x> a ckg:ArmedGroup ; '
                       f'rdfs:label "Al-Shabaab" ; skos:altLabel "Harakat al-Shabaab" }} }}')
    insert_quads(store, added)
    assert labels(index, "harakat") == ["Al-Shabaab"]
    delete_quads(store, [q for q in added if q.predicate == ALT])
    assert labels(index, "harakat") == [] and labels(index, "shabaab") == ["Al-Shabaab"]
    data = tmp_path / "more.ttl"
    data.write_text(f'<{BASE}city/aden> a <{CKG}Place> ; <{RDFS_LABEL.value}> "Aden" .\n', encoding="utf-8")
    store.load_quads(data)
    assert labels(index, "aden") == ["Aden"]


def test_index_is_rebuilt_after_a_bulk_load(tmp_path):
    store = KGStore()
    index = SearchIndex.attach(store)
    data = tmp_path / "g.nq"
    data.write_text(f'<{BASE}city/aden> <{TYPE.value}> <{CKG}Place> <{graph("x")}> .\n'
                    f'<{BASE}city/aden> <{RDFS_LABEL.value}> "Aden" <{graph("x")}> .\n', encoding="utf-8")
    store.load_quads(data)  # an empty store: Oxigraph's bulk loader, then the union, then the index afresh
    assert labels(index, "aden") == ["Aden"]


# -- HTTP --------------------------------------------------------------------------------------------
@pytest.fixture
def client(store):
    app = create_app(store, ServerConfig(workers=0, update_token="t0ken"))
    yield app.test_client()
    close_app(app)


def test_search_json(client):
    response = client.get("/search", query_string={"q": "kiev", "format": "json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["query"] == "kiev" and body["kind"] is None
    (hit,) = body["results"]
    assert hit["iri"] == BASE + "city/kyiv" and hit["label"] == "Kyïv" and hit["matched"] == "Kiev"
    assert hit["kind"] == "entity" and hit["href"] == "/id/city/kyiv"
    assert client.get("/search?q=kiev", headers={"Accept": "application/json"}).get_json() == body
    assert client.get("/search?q=iran&kind=event&format=json").get_json()["results"][0]["kind"] == "event"
    assert client.get("/search?q=&format=json").get_json()["results"] == []


def test_search_html_and_the_box_on_every_page(client):
    page = client.get("/search?q=iran", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert 'href="/id/state/iran"' in text and "Iran condemnation (United States)" in text
    assert 'value="iran"' in text  # the query stays in the box
    assert "Content-Security-Policy" in page.headers
    for path in ("/", "/dashboard", "/queries", "/id/state/iran", "/ontology", "/search"):
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'class="topsearch" action="/search"' in html and 'name="q"' in html, path


@pytest.mark.parametrize("query, message", [("kind=statement", "kind"), ("limit=0", "limit"),
                                            ("limit=x", "limit"), ("format=xml", "format")])
def test_search_refuses_bad_parameters(client, query, message):
    response = client.get(f"/search?q=iran&{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_search_follows_updates_through_the_endpoint(client):
    insert = f'INSERT DATA {{ GRAPH <{graph("u")}> {{ <{BASE}city/aden> a ckg:Place ; rdfs:label "Aden" }} }}'
    response = client.post("/sparql", data={"update": insert}, headers={"Authorization": "Bearer t0ken"})
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert [r["label"] for r in client.get("/search?q=aden&format=json").get_json()["results"]] == ["Aden"]
    dropped = client.post("/sparql", data={"update": f"DROP GRAPH <{graph('u')}>"},
                          headers={"Authorization": "Bearer t0ken"})
    assert dropped.status_code in (200, 204)
    assert client.get("/search?q=aden&format=json").get_json()["results"] == []


def test_search_benchmark_runs_at_tiny_size(tmp_path):
    """benchmarks/bench_search.py keeps working (figures are in benchmarks/README.md, not asserted here)."""
    done = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "bench_search.py"), "--quads", "5000",
                           "--samples", "20", "--regex-samples", "3", "--docs", "5", "--work", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "| search | whole name: median latency" in done.stdout and "found " in done.stdout


def test_search_page_escapes_names(store):
    store.add_graph(graph("x"), named("group/evil", "ArmedGroup", "<script>window.x=1</script> Brigade",
                                      '"><img src=x onerror=alert(1)>'))
    app = create_app(store, ServerConfig(workers=0))
    try:
        client = app.test_client()
        text = client.get("/search?q=brigade", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "<script>window.x" not in text and "&lt;script&gt;window.x=1&lt;/script&gt; Brigade" in text
        text = client.get("/search?q=img+onerror", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    finally:
        close_app(app)


def test_search_is_refused_for_a_store_that_reports_no_changes(store, monkeypatch):
    """A store on a remote SPARQL server (or anything but a local KGStore) gets no index that could drift."""
    with pytest.raises(TypeError, match="local store"):
        SearchIndex.attach(object())
    with pytest.raises(TypeError, match="local store"):
        SearchIndex.attach(type("Remote", (KGStore,), {"remote": True})())

    def refuse(_store):
        raise TypeError("the name index needs a local store")

    monkeypatch.setattr("kg.server.search.SearchIndex.attach", refuse)  # as for a remote store
    app = create_app(store, ServerConfig(workers=0))
    try:
        response = app.test_client().get("/search?q=iran&format=json")
        assert response.status_code == 501 and "remote SPARQL server" in response.get_data(as_text=True)
    finally:
        close_app(app)


def test_search_follows_graph_store_writes(client):
    """PUT replaces a graph in one update (kg.server.gsp): names it drops leave the index, new ones enter."""
    headers = {"Authorization": "Bearer t0ken", "Content-Type": "text/turtle"}
    target = {"graph": graph("g")}
    body = f'<{BASE}place/aden> a <{CKG}Place> ; <{RDFS_LABEL.value}> "Aden" .'
    assert client.put("/store", query_string=target, data=body, headers=headers).status_code in (201, 204)
    assert [r["label"] for r in client.get("/search?q=aden&format=json").get_json()["results"]] == ["Aden"]
    body = f'<{BASE}place/mukalla> a <{CKG}Place> ; <{RDFS_LABEL.value}> "Mukalla" .'
    assert client.put("/store", query_string=target, data=body, headers=headers).status_code == 204
    assert client.get("/search?q=aden&format=json").get_json()["results"] == []
    assert [r["label"] for r in client.get("/search?q=mukalla&format=json").get_json()["results"]] == ["Mukalla"]
    assert client.delete("/store", query_string=target, headers=headers).status_code == 204
    assert client.get("/search?q=mukalla&format=json").get_json()["results"] == []
