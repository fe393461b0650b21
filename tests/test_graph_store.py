"""The SPARQL 1.1 Graph Store HTTP Protocol at /store (issue 13, item 2): reads for everyone with content
negotiation, HEAD and 404; writes only with the update token, on named graphs, keeping the union in step."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests
from serving import serving
from test_server_http import BASE, GRAPH_A, GRAPH_B, make_store

from kg.server import ServerConfig, create_app

TOKEN = "gsp-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
             "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("gsp"))
    with serving(create_app(store, ServerConfig(update_token=TOKEN, workers=1))) as url:
        yield url, store


def get(url, accept="text/turtle", **params):
    return requests.get(url + "/store", params=params, headers={"Accept": accept}, timeout=60)


def graph_triples(store, iri):
    graph = ox.DefaultGraph() if iri is None else ox.NamedNode(iri)
    return {q.triple for q in store.ox.quads_for_pattern(None, None, None, graph)}


def parsed(response, accept):
    return {q.triple for q in ox.parse(response.content, RDF_TYPES[accept])}


@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_get_a_named_graph_in_every_format(server, accept):
    url, store = server
    r = get(url, accept, graph=GRAPH_A)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == accept and r.headers["Vary"] == "Accept"
    assert parsed(r, accept) == graph_triples(store, GRAPH_A) != set()
    if accept in ("application/n-quads", "application/trig"):  # the quads keep their graph's name
        assert {q.graph_name for q in ox.parse(r.content, RDF_TYPES[accept])} == {ox.NamedNode(GRAPH_A)}


def test_get_the_default_graph_is_the_union(server):
    url, store = server
    r = get(url, "application/n-triples", default="")
    assert r.status_code == 200
    union = parsed(r, "application/n-triples")
    assert union == graph_triples(store, None)
    assert graph_triples(store, GRAPH_A) | graph_triples(store, GRAPH_B) <= union


def test_get_without_a_graph_is_the_dataset_in_a_quad_format(server):
    url, store = server
    r = get(url, "application/n-quads")
    names = {q.graph_name for q in ox.parse(r.content, ox.RdfFormat.N_QUADS)}
    assert r.status_code == 200 and names == {ox.NamedNode(GRAPH_A), ox.NamedNode(GRAPH_B)}
    assert get(url, "text/turtle").status_code == 406  # a dataset has no triple-only form
    assert get(url, "application/trig").status_code == 200


def test_head_unknown_graph_and_bad_requests(server):
    url, _ = server
    full = get(url, "text/turtle", graph=GRAPH_A)
    head = requests.head(url + "/store", params={"graph": GRAPH_A}, headers={"Accept": "text/turtle"}, timeout=60)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(full.content))
    assert head.headers["Content-Type"] == full.headers["Content-Type"]
    missing = get(url, graph=BASE + "graph/nope")
    assert missing.status_code == 404 and "graph/nope" in missing.text
    assert requests.head(url + "/store", params={"graph": BASE + "graph/nope"}, timeout=60).status_code == 404
    assert get(url, graph=GRAPH_A, default="").status_code == 400
    assert requests.get(url + "/store", params=[("graph", GRAPH_A), ("graph", GRAPH_B)], timeout=60).status_code == 400
    assert get(url, graph="not an iri").status_code == 400
    assert get(url, "image/png", graph=GRAPH_A).status_code == 406
    assert get(url, "text/plain", graph=GRAPH_A, format="ntriples").status_code == 200


def test_cors_lets_other_origins_read(server):
    url, _ = server
    r = get(url, graph=GRAPH_A)
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_a_graph_over_the_row_limit_is_refused_with_a_way_round(tmp_path):
    app = create_app(make_store(tmp_path), ServerConfig(workers=0, max_rows=2))
    r = app.test_client().get("/store", query_string={"default": ""}, headers={"Accept": "text/turtle"})
    assert r.status_code == 403 and "kg export" in r.get_data(as_text=True)


NEW_GRAPH = BASE + "graph/gsp"
TURTLE = f"<{BASE}state/westland> a <https://w3id.org/conflict-kg/ontology#State> ; " \
         '<http://www.w3.org/2000/01/rdf-schema#label> "Westland" .'


def test_writes_need_the_token(server):
    url, store = server
    before = len(store)
    for method in ("PUT", "POST", "DELETE"):
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            r = requests.request(method, url + "/store", params={"graph": NEW_GRAPH}, data=TURTLE.encode(),
                                 headers={"Content-Type": "text/turtle", **headers}, timeout=60)
            assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer"), (method, r.text)
    assert len(store) == before and not store.has_graph(NEW_GRAPH)


def test_read_only_server_refuses_writes(tmp_path):
    app = create_app(make_store(tmp_path), ServerConfig(workers=0))
    r = app.test_client().put("/store", query_string={"graph": NEW_GRAPH}, data=TURTLE,
                              headers={"Content-Type": "text/turtle", **AUTH})
    assert r.status_code == 403 and "read-only" in r.get_data(as_text=True)


def test_put_post_delete_with_the_token_keep_the_union_in_step(server):
    url, store = server
    union_before = graph_triples(store, None)

    def send(method, body=TURTLE, ctype="text/turtle", graph=NEW_GRAPH):
        return requests.request(method, url + "/store", params={"graph": graph}, data=body.encode(),
                                headers={"Content-Type": ctype, **AUTH}, timeout=60)

    assert send("PUT").status_code == 201
    assert len(graph_triples(store, NEW_GRAPH)) == 2
    assert get(url, "application/n-triples", graph=NEW_GRAPH).text.count("\n") == 2  # the workers see it
    extra = f'<{BASE}state/westland> <http://www.w3.org/2004/02/skos/core#altLabel> "West Land" .'
    assert send("POST", extra, "application/n-triples").status_code == 204
    assert len(graph_triples(store, NEW_GRAPH)) == 3
    assert send("PUT", extra, "application/n-triples").status_code == 204  # replaced: only the altLabel left
    assert len(graph_triples(store, NEW_GRAPH)) == 1
    assert graph_triples(store, None) == union_before | graph_triples(store, NEW_GRAPH)
    assert send("POST", "this is not turtle").status_code == 400
    assert send("POST", TURTLE, "application/rdf+xml").status_code == 415
    assert send("PUT", TURTLE, graph=None).status_code == 400  # no graph named
    r = requests.put(url + "/store?default", data=TURTLE.encode(), headers={"Content-Type": "text/turtle", **AUTH},
                     timeout=60)
    assert r.status_code == 400 and "union" in r.text
    assert len(graph_triples(store, NEW_GRAPH)) == 1  # refused writes changed nothing
    assert send("DELETE", "").status_code == 204
    assert not store.has_graph(NEW_GRAPH) and graph_triples(store, None) == union_before
    assert send("DELETE", "").status_code == 404
    assert get(url, graph=NEW_GRAPH).status_code == 404
