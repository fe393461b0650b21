"""The named graph of a document: metadata, activity, typed nodes, one statement per fact."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from episode_records import BASE, build_episode, doc_a

from kg.rdf import RunInfo, document_triples, find_graphs, graph_iri
from kg.resolve import Resolver


@pytest.fixture(scope="module")
def episode_store():
    store, resolved = build_episode()
    return store, resolved


def test_every_fact_has_a_statement_with_exact_evidence(episode_store):
    store, resolved = episode_store
    texts = {r.extraction.document.id[:16]: r.extraction.document.text for r in resolved}
    rows = list(store.query("""SELECT ?g ?s ?p ?o ?st ?ev ?a ?b WHERE { GRAPH ?g { ?s ?p ?o .
        FILTER(STRSTARTS(STR(?p), STR(ckg:)) && ?p NOT IN (ckg:evidence, ckg:charStart, ckg:charEnd,
               ckg:confidence, ckg:sha256, ckg:attributedTo))
        OPTIONAL { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ckg:evidence ?ev ;
                   ckg:charStart ?a ; ckg:charEnd ?b ; prov:wasDerivedFrom ?doc } } }"""))
    assert len(rows) > 50
    for row in rows:
        assert row["st"] is not None, f"no statement for {row['s']} {row['p']} {row['o']}"
        text = texts[row["g"].value.rsplit("/", 1)[1]]
        assert text[int(row["a"].value):int(row["b"].value)] == row["ev"].value


def test_statement_datatypes_and_attribution(episode_store):
    store, _ = episode_store
    row = next(iter(store.query("""SELECT ?st ?o ?c ?who WHERE { ?st rdf:predicate ckg:killed ; rdf:object ?o ;
        ckg:confidence ?c ; ckg:attributedTo ?who . FILTER(?o = 7) } LIMIT 1""")))
    # Oxigraph stores xsd:nonNegativeInteger as its base type xsd:integer; the triples we write use the
    # contract's type (checked below on document_triples' output)
    assert row["o"].value == "7" and row["c"].datatype.value.endswith("#decimal")
    assert row["who"].value in {BASE + "state/iran", BASE + "person/alireza-marhamati"}
    dates = {r["d"].datatype.value for r in store.query("SELECT ?d WHERE { ?e ckg:date ?d }")}
    assert dates == {"http://www.w3.org/2001/XMLSchema#date"}
    triples = document_triples(Resolver(BASE).resolve(doc_a()), BASE, RunInfo.now("m", "1"))
    counts = {t.object.datatype.value for t in triples if t.predicate.value.endswith(("#killed", "#injured",
                                                                                      "#charStart", "#charEnd"))}
    assert counts == {"http://www.w3.org/2001/XMLSchema#nonNegativeInteger"}


def test_document_metadata_and_activity(episode_store):
    store, resolved = episode_store
    doc_id = resolved[0].extraction.document.id
    row = next(iter(store.query(f"""SELECT ?doc ?t ?pub ?issued ?src ?sha ?act ?ver WHERE {{
        GRAPH <{graph_iri(doc_id, BASE)}> {{ <{graph_iri(doc_id, BASE)}> prov:wasDerivedFrom ?doc ;
            prov:wasGeneratedBy ?act . ?doc a ckg:SourceDocument ; dcterms:title ?t ; dcterms:publisher ?pub ;
            dcterms:issued ?issued ; dcterms:source ?src ; ckg:sha256 ?sha .
            ?act a prov:Activity ; prov:startedAtTime ?time ; prov:wasAssociatedWith/schema:softwareVersion ?ver ;
                 prov:used ?model }} }}""")))
    assert row["sha"].value == doc_id and row["src"].value == "wire-a.txt"
    assert row["issued"].value == "2024-01-18" and row["pub"].value == "Wire A"
    import kg

    assert row["ver"].value == kg.__version__


def test_one_label_per_node_and_altlabels_for_every_name(episode_store):
    store, _ = episode_store
    multi = list(store.query("""SELECT ?e WHERE { ?e rdfs:label ?l } GROUP BY ?e HAVING (COUNT(?l) > 1)"""))
    assert multi == []
    alts = {r["a"].value for r in store.query(f"SELECT ?a WHERE {{ <{BASE}group/jaish-al-adl> skos:altLabel ?a }}")}
    assert {"Jaish al-Adli group", "Jaish ul-Adl", "Justice Army"} <= alts
    assert store.query(f"ASK {{ <{BASE}state/iran> owl:sameAs <http://www.wikidata.org/entity/Q794> }}")
    assert store.query(f"ASK {{ <{BASE}place/saravan> geo:lat ?lat ; geo:long ?long }}")


def test_events_typed_with_every_type_and_labelled(episode_store):
    store, _ = episode_store
    iri = BASE + "event/2024-01-16-iran-drone-strike-pakistan"
    types = {r["t"].value.rsplit("#", 1)[-1] for r in store.query(f"SELECT ?t WHERE {{ <{iri}> a ?t }}")}
    assert {"Event", "Attack", "MissileStrike", "DroneStrike"} <= types
    label = next(iter(store.query(f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}")))["l"].value
    assert label == "Iran drone and missile strike on Pakistan, 2024-01-16"


def test_triples_are_deterministic_and_pure_pyoxigraph():
    run = RunInfo.now("m", "1")
    one = document_triples(Resolver(BASE).resolve(doc_a()), BASE, run)
    two = document_triples(Resolver(BASE).resolve(doc_a()), BASE, run)
    assert set(one) == set(two) and all(isinstance(t, ox.Triple) for t in one)
    other = document_triples(Resolver("http://example.org/kg/").resolve(doc_a()), "http://example.org/kg/", run)
    assert all(not t.subject.value.startswith(BASE) for t in other)


def test_find_graphs_by_name_hash_prefix_and_url(episode_store):
    store, resolved = episode_store
    doc = resolved[2].extraction.document
    expected = [graph_iri(doc.id, BASE)]
    assert find_graphs(store, "news-c.txt") == expected
    assert find_graphs(store, doc.id[:10]) == expected
    assert find_graphs(store, "https://news.example.org/news-c.txt") == expected
    assert find_graphs(store, "nothing-like-it") == []
