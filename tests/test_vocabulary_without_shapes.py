"""The vocabulary a client reads from /ontology and /sparql holds classes and properties, never the SHACL
shapes (issue 13, item 4: Sparnatural listed ``ActorShape``, ``KilledShape``... as classes); the shapes
stay available at /ontology/shapes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.server import ServerConfig, close_app, create_app
from kg.store import KGStore

SH = "http://www.w3.org/ns/shacl#"
SHAPES_NS = "https://w3id.org/conflict-kg/shapes#"
CKG = "https://w3id.org/conflict-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML,
           "application/ld+json": ox.RdfFormat.JSON_LD, "application/n-triples": ox.RdfFormat.N_TRIPLES}


@pytest.fixture(scope="module")
def client():
    app = create_app(KGStore(), ServerConfig(workers=0))
    yield app.test_client()
    close_app(app)


def read(client, path: str, accept: str) -> list:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.headers["Content-Type"].split(";")[0] == accept
    return [q.triple for q in ox.parse(r.get_data(), FORMATS[accept])]


def shape_terms(triples) -> set[str]:
    """Every IRI of the SHACL vocabulary or of the shapes' namespace the triples mention."""
    found = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith((SH, SHAPES_NS)):
                found.add(term.value)
    return found


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json"])
def test_the_ontology_lists_classes_and_properties_and_no_shapes(client, accept):
    triples = read(client, "/ontology", accept)
    assert not shape_terms(triples)
    classes = {t.subject.value for t in triples
               if t.predicate == RDF_TYPE and t.object == ox.NamedNode("http://www.w3.org/2002/07/owl#Class")}
    assert {CKG + "Attack", CKG + "State", CKG + "Condemnation"} <= classes
    assert not any(c.endswith("Shape") for c in classes)


def test_the_ontology_page_shows_no_shapes(client):
    page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Attack" in page and "ActorShape" not in page and "NodeShape" not in page


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_the_service_description_holds_no_shapes(client, accept):
    assert not shape_terms(read(client, "/sparql", accept))


@pytest.mark.parametrize("accept", list(FORMATS))
def test_the_shapes_are_served_at_their_own_path(client, accept):
    triples = read(client, "/ontology/shapes", accept)
    node_shape = ox.NamedNode(SH + "NodeShape")
    shapes = {t.subject.value for t in triples if t.predicate == RDF_TYPE and t.object == node_shape}
    assert {SHAPES_NS + "ActorShape", SHAPES_NS + "KilledShape", SHAPES_NS + "AttackShape"} <= shapes


def test_the_shapes_page_for_a_browser(client):
    r = client.get("/ontology/shapes", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "ckgsh:ActorShape" in r.get_data(as_text=True)
    assert client.get("/ontology/shapes", headers={"Accept": "image/png"}).status_code == 406
