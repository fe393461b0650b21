"""The endpoint over real HTTP: a waitress server on a free port, queried with requests, SPARQLWrapper
and rdflib's SPARQLStore. The graph is a small TriG dataset written here (two sources that share
facts and disagree on a death toll), so these tests need no extraction and run in seconds."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
import requests

from kg.server import ServerConfig, close_app, create_app
from kg.store import KGStore

BASE = "https://w3id.org/conflict-kg/id/"
CKG = "https://w3id.org/conflict-kg/ontology#"
TRIG = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix id: <https://w3id.org/conflict-kg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .

id:graph\\/a {
  id:graph\\/a prov:wasDerivedFrom id:source\\/a .
  id:source\\/a a ckg:SourceDocument ; dcterms:title "Strike reported" ; dcterms:publisher "Wire A" ;
     dcterms:issued "2024-02-01"^^xsd:date ; dcterms:source "a.txt" .
  id:state\\/northland a ckg:State ; rdfs:label "Northland" ; skos:altLabel "Republic of Northland" ;
     owl:sameAs <http://www.wikidata.org/entity/Q1001> .
  id:state\\/southland a ckg:State ; rdfs:label "Southland" ; geo:lat 10.5 ; geo:long 20.25 ;
     owl:sameAs <https://sws.geonames.org/123456/> .
  id:event\\/e1 a ckg:Attack, ckg:Airstrike ; rdfs:label "Northland airstrike on Southland" ;
     ckg:perpetrator id:state\\/northland ; ckg:target id:state\\/southland ; ckg:killed 7 ;
     ckg:date "2024-01-31"^^xsd:date .
  id:statement\\/a1 a rdf:Statement ; rdf:subject id:event\\/e1 ; rdf:predicate ckg:perpetrator ;
     rdf:object id:state\\/northland ; prov:wasDerivedFrom id:source\\/a ;
     ckg:evidence "Northland struck Southland <script>alert(1)</script>." ; ckg:charStart 0 ; ckg:charEnd 52 ;
     ckg:confidence 0.9 .
  id:statement\\/a2 a rdf:Statement ; rdf:subject id:event\\/e1 ; rdf:predicate ckg:killed ;
     rdf:object 7 ; prov:wasDerivedFrom id:source\\/a ; ckg:evidence "Seven died." ; ckg:confidence 0.8 .
}
id:graph\\/b {
  id:graph\\/b prov:wasDerivedFrom id:source\\/b .
  id:source\\/b a ckg:SourceDocument ; dcterms:title "Second report" ; dcterms:publisher "Wire B" .
  id:state\\/northland a ckg:State ; rdfs:label "Northland" .
  id:state\\/southland a ckg:State ; rdfs:label "Southland" .
  id:event\\/e1 a ckg:Attack, ckg:Airstrike ; rdfs:label "Northland airstrike on Southland" ;
     ckg:perpetrator id:state\\/northland ; ckg:target id:state\\/southland ; ckg:killed 6 .
  id:event\\/e2 a ckg:DiplomaticAction, ckg:Condemnation ; rdfs:label "Southland condemns Northland" ;
     ckg:actor id:state\\/southland ; ckg:recipient id:state\\/northland ; ckg:inResponseTo id:event\\/e1 .
  id:statement\\/b1 a rdf:Statement ; rdf:subject id:event\\/e1 ; rdf:predicate ckg:perpetrator ;
     rdf:object id:state\\/northland ; prov:wasDerivedFrom id:source\\/b ; ckg:evidence "Northland again." ;
     ckg:confidence 0.7 ; ckg:attributedTo id:state\\/southland .
}
"""
GRAPH_A, GRAPH_B = BASE + "graph/a", BASE + "graph/b"
E1 = BASE + "event/e1"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?q ?r ?t }"
QUERY_FILE = """# title: Events by perpetrator
# description: every event an actor carried out, with its date
# param: actor  the actor's IRI
SELECT ?event ?date WHERE { ?event ckg:perpetrator ?actor . OPTIONAL { ?event ckg:date ?date } }
ORDER BY ?event
"""
COUNT_FILE = """# title: Links to states
# param: state
SELECT (COUNT(*) AS ?n) WHERE { ?x ?p ?state . ?state a ckg:State }
"""


def make_store(tmp_path: Path) -> KGStore:
    path = tmp_path / "sample.trig"
    path.write_text(TRIG, encoding="utf-8")
    store = KGStore()
    store.load_quads(path)
    return store


class Served:
    """A running server: its base URL, app and store."""

    def __init__(self, app, url):
        self.app, self.url = app, url
        self.store = app.extensions["kg"].store

    def get(self, path="/sparql", **kwargs):
        return requests.get(self.url + path, timeout=30, **kwargs)

    def post(self, path="/sparql", **kwargs):
        return requests.post(self.url + path, timeout=30, **kwargs)

    def select(self, query, **kwargs):
        r = self.get(params={"query": query, **kwargs}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        return r.json()["results"]["bindings"]


def start(app, threads=8):
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    threading.Thread(target=server.run, daemon=True).start()
    assert app.extensions["kg"].engine.wait_ready(60)
    return server, f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("srv")
    queries = tmp / "queries"
    queries.mkdir()
    (queries / "events_by_perpetrator.rq").write_text(QUERY_FILE, encoding="utf-8")
    (queries / "links_to_states.rq").write_text(COUNT_FILE, encoding="utf-8")
    app = create_app(make_store(tmp), ServerConfig(timeout=2.0, max_rows=40, workers=2, max_body_bytes=20_000))
    app.config["KG_QUERIES_DIR"] = queries
    server, url = start(app)
    yield Served(app, url)
    server.close()
    close_app(app)


# -- protocol -----------------------------------------------------------------------------------------
def test_get_form_post_and_direct_post_give_the_same_answer(served):
    q = "SELECT ?s WHERE { ?s a ckg:State } ORDER BY ?s"
    accept = {"Accept": "application/sparql-results+json"}
    answers = [
        served.get(params={"query": q}, headers=accept),
        served.get("/sparql/", params={"query": q}, headers=accept),
        served.post(data={"query": q}, headers=accept),
        served.post(data=q.encode(), headers={**accept, "Content-Type": "application/sparql-query"}),
    ]
    bodies = [r.json()["results"]["bindings"] for r in answers]
    assert all(r.status_code == 200 for r in answers)
    assert [b["s"]["value"] for b in bodies[0]] == [BASE + "state/northland", BASE + "state/southland"]
    assert all(b == bodies[0] for b in bodies)


def test_default_graph_is_a_set_union(served):
    # the store holds 2 named graphs; shared triples are counted once in the default graph
    n = int(served.select(COUNT)[0]["n"]["value"])
    assert n == len(served.store)
    rows = served.select(f"SELECT ?o WHERE {{ <{E1}> ckg:perpetrator ?o }}")
    assert len(rows) == 1  # stated by both sources, one row (Oxigraph's union mode would give two)
    per_graph = served.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{E1}> ckg:perpetrator ?o }} }} ORDER BY ?g")
    assert [r["g"]["value"] for r in per_graph] == [GRAPH_A, GRAPH_B]
    tolls = served.select(f"SELECT ?k ?g WHERE {{ GRAPH ?g {{ <{E1}> ckg:killed ?k }} }} ORDER BY ?k")
    assert [(r["k"]["value"], r["g"]["value"]) for r in tolls] == [("6", GRAPH_B), ("7", GRAPH_A)]


def test_protocol_and_from_datasets_merge_graphs_as_a_set(served):
    count_a = int(served.select(COUNT, **{"default-graph-uri": GRAPH_A})[0]["n"]["value"])
    count_b = int(served.select(COUNT, **{"default-graph-uri": GRAPH_B})[0]["n"]["value"])
    both = int(served.select(COUNT, **{"default-graph-uri": [GRAPH_A, GRAPH_B]})[0]["n"]["value"])
    shared = int(
        served.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?o }} GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}"
        )[0]["n"]["value"]
    )
    assert shared > 0 and both == count_a + count_b - shared == len(served.store)
    from_both = served.select(f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_A}> FROM <{GRAPH_B}> WHERE {{ ?s ?p ?o }}")
    assert int(from_both[0]["n"]["value"]) == both
    # named-graph-uri alone: only that graph is reachable by GRAPH, and the default graph is empty
    named = served.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": GRAPH_B})
    assert [r["g"]["value"] for r in named] == [GRAPH_B]
    assert served.select(COUNT, **{"named-graph-uri": GRAPH_B})[0]["n"]["value"] == "0"
    # default-graph-uri alone: no named graphs
    assert served.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", **{"default-graph-uri": GRAPH_A}) == []


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ],
)
def test_select_formats_by_accept(served, accept, expected):
    r = served.get(
        params={"query": "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s"}, headers={"Accept": accept}
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(expected)
    assert "Accept" in r.headers["Vary"]
    text = r.text
    if "json" in expected:
        rows = json.loads(text)["results"]["bindings"]
    elif "xml" in expected:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        rows = ET.fromstring(text).findall(f"{ns}results/{ns}result")
    elif expected == "text/csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows[0]["s"] == BASE + "event/e1"
    else:
        lines = text.strip().split("\n")
        assert lines[0] == "?s\t?label" and lines[1].startswith(f"<{BASE}event/e1>")
        rows = lines[1:]
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("accept", "fmt", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
    ],
)
def test_construct_and_describe_formats_parse_back(served, accept, fmt, rdflib_format):
    for query in (f"CONSTRUCT {{ <{E1}> ?p ?o }} WHERE {{ <{E1}> ?p ?o }}", f"DESCRIBE <{E1}>"):
        r = served.get(params={"query": query}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(fmt)
        graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
        graph.parse(data=r.text, format=rdflib_format)
        triples = list(graph.quads()) if isinstance(graph, rdflib.Dataset) else list(graph)
        assert len(triples) == len(served.select(f"SELECT * WHERE {{ <{E1}> ?p ?o }}"))


def test_format_parameter_and_ask(served):
    r = served.get(params={"query": "SELECT ?s WHERE { ?s a ckg:State }", "format": "csv"})
    assert r.headers["Content-Type"].startswith("text/csv")
    r = served.get(params={"query": f"CONSTRUCT WHERE {{ <{E1}> ?p ?o }}", "format": "jsonld"})
    assert r.headers["Content-Type"].startswith("application/ld+json")
    r = served.get(params={"query": "ASK { ?s a ckg:Attack }"}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in r.text
    assert served.get(params={"query": "ASK { ?s a ckg:Nothing }"}).json()["boolean"] is False


def test_unservable_accept_is_406_and_malformed_query_is_400_with_position(served):
    r = served.get(params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    r = served.get(params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/nope"})
    assert r.status_code == 406 and "text/turtle" in r.text
    r = served.get(params={"query": "ASK {}", "format": "bogus"})
    assert r.status_code == 406 and "format=bogus" in r.text and "json, xml, csv, tsv" in r.text
    r = served.get(params={"query": "SELECT * WHERE {\n  ?s ?p }"})
    assert r.status_code == 400 and "malformed query" in r.text and "2:" in r.text


def test_protocol_errors(served):
    assert served.get(params={"query": ["ASK {}", "ASK {}"]}).status_code == 400
    assert served.post(data="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert requests.put(served.url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 405
    assert served.get(params={"update": "CLEAR ALL"}).status_code == 403
    assert served.post(data="x" * 30_000, headers={"Content-Type": "application/sparql-query"}).status_code == 413


# -- safety -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "select * where {{ ?x ?y ?z OPTIONAL {{ service silent <{url}> {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ # a comment\n SeRvIcE <{url}> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_and_no_request_leaves(served, listener, template):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    r = served.get(params={"query": template.format(url=url)})
    assert r.status_code == 400 and "SERVICE" in r.text
    assert not listener.connected()


def test_keywords_inside_strings_iris_and_names_are_not_refused(served):
    q = (
        'SELECT ?service WHERE { BIND("SERVICE <http://x/> LOAD" AS ?service) '
        "OPTIONAL { ?s <http://ex/SERVICE> ?o } } # SERVICE in a comment"
    )
    r = served.get(params={"query": q})
    assert r.status_code == 200, r.text


def test_load_and_remote_from_are_refused(served, listener):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
    r = served.post(data={"update": f"LOAD <{url}>"})
    assert r.status_code in (400, 403)
    r = served.get(params={"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"})
    assert r.status_code == 400 and "never fetches" in r.text
    r = served.get(params={"query": f"SELECT * FROM NAMED <{url}> WHERE {{ ?s ?p ?o }}"})
    assert r.status_code == 400
    assert not listener.connected()


def test_a_query_over_the_time_limit_is_stopped_while_others_are_answered(served):
    results = {}

    def slow():
        started = time.perf_counter()
        results["slow"] = served.get(params={"query": SLOW})
        results["slow_s"] = time.perf_counter() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    quick = [served.select("ASK { ?s a ckg:State }".replace("ASK", "SELECT * WHERE")) for _ in range(3)]
    assert all(len(q) == 2 for q in quick)  # the other worker keeps answering during the slow query
    thread.join(30)
    assert results["slow"].status_code == 503 and "time limit" in results["slow"].text
    assert results["slow_s"] < 6  # stopped at ~2 s, not left running
    # the killed worker is replaced: the pool still answers two queries at once afterwards
    assert served.app.extensions["kg"].engine.wait_ready(30)
    assert int(served.select(COUNT)[0]["n"]["value"]) == len(served.store)


def test_result_size_limit(served):
    r = served.get(params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "more than 40 rows" in r.text
    r = served.get(params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "more than 40 triples" in r.text
    assert served.get(params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 40"}).status_code == 200


def test_cors_on_read_endpoints(served):
    r = served.get(params={"query": "ASK {}"}, headers={"Origin": "http://elsewhere.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    pre = requests.options(
        served.url + "/sparql",
        timeout=10,
        headers={
            "Origin": "http://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 204 and "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    assert served.get("/id/event/e1").headers["Access-Control-Allow-Origin"] == "*"


# -- self-description ---------------------------------------------------------------------------------
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


def test_service_description(served):
    r = served.get(headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    endpoint = rdflib.URIRef(served.url + "/sparql")
    assert (endpoint, rdflib.RDF.type, SD.Service) in g
    assert (endpoint, SD.endpoint, endpoint) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in g  # read-only
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in g
    names = set(g.objects(None, SD.name))
    assert names == {rdflib.URIRef(GRAPH_A), rdflib.URIRef(GRAPH_B)}
    r = served.get(headers={"Accept": "application/ld+json"})
    assert r.headers["Content-Type"].startswith("application/ld+json")
    browser = served.get(headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, allow_redirects=False)
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/")


def test_void_description(served):
    r = served.get("/.well-known/void", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    dataset = next(g.subjects(rdflib.RDF.type, VOID.Dataset))
    assert int(g.value(dataset, VOID.triples)) == len(served.store)
    assert int(g.value(dataset, VOID.documents)) == 2
    assert int(g.value(dataset, VOID.entities)) == 4  # two states, two events
    classes = {g.value(p, VOID["class"]) for p in g.objects(dataset, VOID.classPartition)}
    assert rdflib.URIRef(CKG + "Airstrike") in classes
    assert len(list(g.objects(dataset, VOID.subset))) == 2


# -- Linked Data --------------------------------------------------------------------------------------
def test_entity_rdf_by_accept(served):
    r = served.get("/id/event/e1", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    e1 = rdflib.URIRef(E1)
    ckg = rdflib.Namespace(CKG)
    assert (e1, ckg.perpetrator, rdflib.URIRef(BASE + "state/northland")) in g
    assert {int(k) for k in g.objects(e1, ckg.killed)} == {6, 7}
    assert (rdflib.URIRef(BASE + "event/e2"), ckg.inResponseTo, e1) in g  # incoming link
    assert g.value(rdflib.URIRef(BASE + "state/northland"), rdflib.RDFS.label) == rdflib.Literal("Northland")
    statements = set(g.subjects(rdflib.RDF.subject, e1))
    assert len(statements) == 3 and all(g.value(s, ckg.evidence) for s in statements)
    assert g.value(rdflib.URIRef(BASE + "source/a"), rdflib.URIRef("http://purl.org/dc/terms/title"))
    for accept, fmt in (("application/ld+json", "json-ld"), ("application/n-triples", "nt")):
        r = served.get("/id/event/e1", headers={"Accept": accept})
        assert r.headers["Content-Type"].startswith(accept)
        assert len(rdflib.Graph().parse(data=r.text, format=fmt)) == len(g)
    assert (
        served.get("/id/event/e1", params={"format": "nt"}).headers["Content-Type"].startswith("application/n-triples")
    )


def test_entity_html_escapes_article_text_and_links_identities(served):
    r = served.get("/id/event/e1", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text
    assert "Northland struck Southland" in r.text and "Strike reported" in r.text
    r = served.get("/id/state/northland", headers={"Accept": "text/html"})
    assert "http://www.wikidata.org/entity/Q1001" in r.text
    r = served.get("/id/state/southland", headers={"Accept": "text/html"})
    assert "https://sws.geonames.org/123456/" in r.text


def test_unknown_entity_is_404(served):
    assert served.get("/id/event/nothing", headers={"Accept": "text/turtle"}).status_code == 404
    assert served.get("/id/event/nothing", headers={"Accept": "text/html"}).status_code == 404


def test_base_is_mapped_to_the_server_url(tmp_path):
    """Served away from its base, /id/<rest> still means <base><rest> and HTML links stay on this server."""
    text = TRIG.replace(BASE, "http://example.org/kg/")
    (tmp_path / "other.trig").write_text(text, encoding="utf-8")
    store = KGStore()
    store.load_quads(tmp_path / "other.trig")
    app = create_app(store, ServerConfig(base="http://example.org/kg/", workers=0))
    client = app.test_client()
    r = client.get("/id/event/e1", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and b"<http://example.org/kg/event/e1>" in r.data
    html = client.get("/id/event/e1", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/id/state/northland"' in html or "href='/id/state/northland'" in html
    close_app(app)


def test_ontology_is_served_by_accept(served):
    from kg.config import ONTOLOGY_DIR

    if not (ONTOLOGY_DIR / "conflict-kg.ttl").is_file():
        assert served.get("/ontology", headers={"Accept": "text/turtle"}).status_code == 404
        return
    r = served.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=r.text, format="turtle")) > 50
    r = served.get("/ontology", headers={"Accept": "application/rdf+xml"})
    assert r.headers["Content-Type"].startswith("application/rdf+xml")
    r = served.get("/ontology", headers={"Accept": "text/html"})
    assert r.headers["Content-Type"].startswith("text/html")


# -- canned queries -----------------------------------------------------------------------------------
def test_canned_queries_listed_and_runnable(served):
    listing = served.get("/queries", headers={"Accept": "application/json"}).json()
    assert [(q["name"], q["title"]) for q in listing] == [
        ("events_by_perpetrator", "Events by perpetrator"),
        ("links_to_states", "Links to states"),
    ]
    assert listing[0]["params"][0]["name"] == "actor"
    html = served.get("/queries", headers={"Accept": "text/html"}).text
    assert "Events by perpetrator" in html
    rows = served.get("/queries/events_by_perpetrator", headers={"Accept": "application/json"}).json()
    assert len(rows["results"]["bindings"]) == 1
    r = served.get("/queries/events_by_perpetrator", params={"actor": BASE + "state/southland", "format": "csv"})
    assert r.headers["Content-Type"].startswith("text/csv") and r.text.strip() == "event,date"
    r = served.get(
        "/queries/events_by_perpetrator",
        params={"actor": BASE + "state/northland"},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert f"<{E1}>" in r.text
    assert served.get("/queries/events_by_perpetrator.rq").text == QUERY_FILE

    # a parameter narrows an aggregate over a variable the query does not select
    def links(**params):
        r = served.get("/queries/links_to_states", params=params, headers={"Accept": "application/json"})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    south = served.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?x ?p <{BASE}state/southland> }}")[0]["n"]["value"]
    assert links(state=BASE + "state/southland") == int(south) < links()
    assert served.get("/queries/nothing").status_code == 404
    assert served.get("/queries/events_by_perpetrator", params={"bogus": "1"}).status_code == 400


@pytest.mark.parametrize(
    ("query", "accept", "format_param", "expected"),
    [
        # roqet (Rasqal) asks for SPARQL XML whatever the query form: a CONSTRUCT gets RDF/XML
        ("CONSTRUCT", "application/sparql-results+xml", None, "application/rdf+xml"),
        ("CONSTRUCT", "application/sparql-results+xml, application/rdf+xml;q=0.2", None, "application/rdf+xml"),
        ("CONSTRUCT", "application/sparql-results+json", None, "application/ld+json"),
        ("CONSTRUCT", "text/csv", None, "text/turtle"),
        ("CONSTRUCT", "text/rdf+n3", None, "text/turtle"),  # N3 is served as Turtle
        ("CONSTRUCT", "*/*", "n3", "text/turtle"),
        ("CONSTRUCT", "*/*", "rdf+xml", "application/rdf+xml"),  # SPARQLWrapper's first format= value
        ("CONSTRUCT", None, None, "text/turtle"),
        ("SELECT", "text/plain", None, "text/tab-separated-values"),
        ("SELECT", "text/turtle", None, "text/tab-separated-values"),
        ("SELECT", "application/rdf+xml", None, "application/sparql-results+xml"),
        ("SELECT", "text/*", None, "text/csv"),
        ("SELECT", "text/csv", "json", "application/sparql-results+json"),  # format= wins, as in Fuseki
        ("SELECT", None, None, "application/sparql-results+json"),
    ],
)
def test_near_misses_get_a_known_default_instead_of_406(served, query, accept, format_param, expected):
    text = (f"CONSTRUCT WHERE {{ <{E1}> ?p ?o }}" if query == "CONSTRUCT"
            else f"SELECT ?p ?o WHERE {{ <{E1}> ?p ?o }}")
    params = {"query": text, **({"format": format_param} if format_param else {})}
    r = served.get(params=params, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == expected
    expected_size = len(served.select(f"SELECT * WHERE {{ <{E1}> ?p ?o }}"))
    if expected == "application/rdf+xml":
        assert len(rdflib.Graph().parse(data=r.text, format="xml")) == expected_size
    elif expected == "text/turtle":
        assert len(rdflib.Graph().parse(data=r.text, format="n3")) == expected_size  # an N3 reader reads it
    elif expected == "text/tab-separated-values":
        assert r.text.splitlines()[0] == "?p\t?o" and len(r.text.splitlines()) == expected_size + 1


def test_a_refused_stand_in_is_not_served(served):
    r = served.get(params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/sparql-results+xml, application/rdf+xml;q=0"})
    assert r.status_code == 406
    r = served.get(params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "*/*;q=0, text/plain"})
    assert r.status_code == 406


# -- real clients -------------------------------------------------------------------------------------
def test_sparqlwrapper_client(served):
    from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TURTLE, XML, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(served.url + "/sparql")
    client.setQuery("SELECT ?s ?label WHERE { ?s a ckg:State ; rdfs:label ?label } ORDER BY ?label")
    client.setReturnFormat(JSON)
    labels = [b["label"]["value"] for b in client.query().convert()["results"]["bindings"]]
    assert labels == ["Northland", "Southland"]
    client.setMethod(POST)
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines()[0] == "s,label"
    client.setQuery(f"CONSTRUCT WHERE {{ <{E1}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    assert len(rdflib.Graph().parse(data=client.query().convert(), format="turtle")) > 5
    for method in (GET, POST):  # N3 sends format=n3 (GET) and an N3 Accept list: served as Turtle
        client.setMethod(method)
        client.setReturnFormat(N3)
        n3 = client.query()
        assert n3.response.headers["Content-Type"].startswith("text/turtle")
        graph = rdflib.Graph().parse(data=n3.convert(), format="n3")
        assert len(graph) == len(served.select(f"SELECT * WHERE {{ <{E1}> ?p ?o }}"))
    for fmt, media in ((RDFXML, "application/rdf+xml"), (XML, "application/rdf+xml"), (JSONLD, "application/ld+json")):
        client.setMethod(GET)
        client.setReturnFormat(fmt)
        answer = client.query()
        assert answer.response.headers["Content-Type"].startswith(media), fmt
        assert len(answer.convert()) > 5
    client.setReturnFormat(JSON)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        client.query()


def test_rdflib_sparqlstore_client(served):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(SPARQLStore(served.url + "/sparql", returnFormat="xml"))
    rows = list(graph.query(f"SELECT ?o WHERE {{ <{E1}> <{CKG}target> ?o }}"))
    assert [str(r[0]) for r in rows] == [BASE + "state/southland"]
    assert graph.query(f"ASK {{ <{E1}> a <{CKG}Airstrike> }}").askAnswer is True
    assert len(list(graph.triples((rdflib.URIRef(E1), None, None)))) == len(
        served.select(f"SELECT * WHERE {{ <{E1}> ?p ?o }}")
    )


def test_http_latency_next_to_in_process(served, capsys):
    from kg.query import evaluate

    query = "SELECT ?e ?label WHERE { ?e a ckg:Attack ; rdfs:label ?label }"
    evaluate(served.store, query, "json")
    started = time.perf_counter()
    for _ in range(20):
        evaluate(served.store, query, "json")
    local_ms = (time.perf_counter() - started) / 20 * 1000
    session = requests.Session()
    session.get(served.url + "/sparql", params={"query": query}, timeout=10)
    started = time.perf_counter()
    for _ in range(20):
        assert session.get(served.url + "/sparql", params={"query": query}, timeout=10).status_code == 200
    http_ms = (time.perf_counter() - started) / 20 * 1000
    with capsys.disabled():
        print(f"\n  latency of one small SELECT: in-process {local_ms:.2f} ms, over HTTP {http_ms:.2f} ms")
    assert http_ms < 250


def test_one_log_line_per_request_without_secrets(served, caplog):
    with caplog.at_level("INFO", logger="kg.server"):
        served.get(params={"query": "ASK {}"})
        served.get("/id/nothing/here", headers={"Accept": "text/turtle"})
    lines = [r.getMessage() for r in caplog.records if r.name == "kg.server"]
    assert any(line.startswith("GET /sparql 200 ") and line.endswith(" ms") for line in lines)
    assert any(line.startswith("GET /id/nothing/here 404 ") for line in lines)
