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


def test_dashboard_and_void_count_entities_alike(seed_url, seed_store):
    """One definition of "entities" (actors, places and events by the ontology), shown in both places."""
    import re

    void = rdflib.Graph().parse(data=requests.get(seed_url + "/.well-known/void", headers={"Accept": "text/turtle"},
                                                  timeout=60).text, format="turtle")
    voidns = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = next(void.subjects(rdflib.RDF.type, voidns.Dataset))
    html = requests.get(seed_url + "/dashboard", timeout=60).text
    shown = {name: int(re.search(rf'id="count-{name}"[^>]*><b>([\d,]+)</b>', html).group(1).replace(",", ""))
             for name in ("entities", "actors", "events")}
    assert shown["entities"] == int(void.value(dataset, voidns.entities))
    assert shown["entities"] == shown["actors"] + shown["events"]  # no node is both an actor/place and an event
    from kg import vocab

    classes = " ".join(f"ckg:{c}" for root in ("Actor", "Place", "Event") for c in {root} | vocab.subclasses(root))
    typed = select(seed_url, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c }}")
    assert shown["entities"] == int(typed[0]["n"]["value"]) > shown["events"] > 0
    page = requests.get(seed_url + "/.well-known/void", headers={"Accept": "text/html"}, timeout=60)
    assert page.headers["Content-Type"].startswith("text/html")  # a browser sees it instead of saving it
    assert f"void:entities {shown['entities']} ;" in page.text
