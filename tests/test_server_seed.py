"""The endpoint over the seed graph built by the full pipeline (session fixture ``seed_store``)."""

from __future__ import annotations

import pytest
import rdflib
import requests
from serving import serving

from kg.server import ServerConfig, create_app


@pytest.fixture(scope="module")
def seed_url(seed_store):
    with serving(create_app(seed_store, ServerConfig(workers=1))) as url:
        yield url


def select(url, query):
    r = requests.get(url + "/sparql", params={"query": query}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def test_counts_over_http_match_the_store_and_void(seed_url, seed_store):
    n = int(select(seed_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])
    assert n == len(seed_store)
    graphs = select(seed_url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert len(graphs) == 5
    void = rdflib.Graph().parse(data=requests.get(seed_url + "/.well-known/void", timeout=60).text, format="turtle")
    voidns = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = next(void.subjects(rdflib.RDF.type, voidns.Dataset))
    assert int(void.value(dataset, voidns.documents)) == 5
    assert int(void.value(dataset, voidns.triples)) == n


def test_every_event_and_actor_dereferences(seed_url):
    rows = select(
        seed_url,
        "SELECT DISTINCT ?e WHERE { { ?e a ckg:Event } UNION { ?e ckg:perpetrator ?x } "
        "UNION { ?x ckg:perpetrator ?e } UNION { ?x ckg:actor ?e } } ORDER BY ?e LIMIT 40",
    )
    assert rows, "the seed graph has events"
    base = "https://w3id.org/conflict-kg/id/"
    for row in rows:
        iri = row["e"]["value"]
        assert iri.startswith(base)
        path = "/id/" + iri[len(base) :]
        turtle = requests.get(seed_url + path, headers={"Accept": "text/turtle"}, timeout=60)
        assert turtle.status_code == 200
        assert (rdflib.URIRef(iri), None, None) in rdflib.Graph().parse(data=turtle.text, format="turtle")
        html = requests.get(seed_url + path, headers={"Accept": "text/html"}, timeout=60)
        assert html.status_code == 200 and "<html" in html.text.lower()
