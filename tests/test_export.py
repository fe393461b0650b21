"""Exports round-trip: pyoxigraph and rdflib (an independent parser) read back the same triple counts."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
import rdflib
from episode_records import build_episode

FORMATS = {  # format -> (pyoxigraph format, rdflib format, carries named graphs)
    "turtle": (ox.RdfFormat.TURTLE, "turtle", False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "nt", False),
    "jsonld": (ox.RdfFormat.JSON_LD, "json-ld", False),
    "trig": (ox.RdfFormat.TRIG, "trig", True),
    "nquads": (ox.RdfFormat.N_QUADS, "nquads", True),
}


@pytest.fixture(scope="module")
def store():
    return build_episode()[0]


def named_quads(store) -> int:
    return sum(1 for q in store.ox.quads_for_pattern(None, None, None, None)
               if not isinstance(q.graph_name, ox.DefaultGraph))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_round_trips_through_two_parsers(store, fmt):
    ox_format, rdflib_format, quads = FORMATS[fmt]
    buffer = io.BytesIO()
    store.export(fmt, buffer)
    data = buffer.getvalue()
    parsed = list(ox.parse(data, format=ox_format))
    expected = named_quads(store) if quads else len(store)
    assert len(set(parsed)) == expected
    if quads:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=rdflib_format)
        assert sum(len(g) for g in dataset.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID) \
            == expected
        assert len({g.identifier for g in dataset.graphs()} - {rdflib.graph.DATASET_DEFAULT_GRAPH_ID}) == 5
    else:
        graph = rdflib.Graph()
        graph.parse(data=data, format=rdflib_format)
        assert len(graph) == expected


def test_turtle_keeps_documents_and_statements_with_readable_prefixes(store):
    buffer = io.BytesIO()
    store.export("turtle", buffer)
    text = buffer.getvalue().decode("utf-8")
    assert "@prefix ckg: <https://w3id.org/conflict-kg/ontology#>" in text and "@prefix prov:" in text
    graph = rdflib.Graph().parse(data=text, format="turtle")
    statements = set(graph.subjects(rdflib.RDF.type, rdflib.RDF.Statement))
    stored = next(iter(store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a rdf:Statement }")))["n"]
    assert len(statements) == int(stored.value) > 50
    ckg = rdflib.Namespace("https://w3id.org/conflict-kg/ontology#")
    assert len(set(graph.subjects(rdflib.RDF.type, ckg.SourceDocument))) == 5


def test_trig_export_loads_back_into_an_equal_store(store, tmp_path):
    from kg.store import KGStore

    path = tmp_path / "graph.trig"
    with open(path, "wb") as handle:
        store.export("trig", handle)
    loaded = KGStore()
    loaded.load_quads(path)
    assert len(loaded) == len(store) and loaded.graphs() == store.graphs()
