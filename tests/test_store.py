"""The store: set-union default graph, idempotent adds, incremental merges, removal of a source."""

from __future__ import annotations

from episode_records import BASE, build_episode, episode

from kg.rdf import graph_iri
from kg.store import KGStore

PROV_NOISE = ("/activity/",)


def content(store: KGStore) -> set[tuple[str, str, str]]:
    """The merged graph without run-specific triples (activity IRIs and times differ per run)."""
    out = set()
    for q in store.ox.quads_for_pattern(None, None, None, None):
        if q.graph_name.__class__.__name__ != "DefaultGraph":
            continue
        terms = (str(q.subject), str(q.predicate), str(q.object))
        if not any(noise in t for t in terms for noise in PROV_NOISE):
            out.add(terms)
    return out


def test_count_counts_each_triple_once():
    store, _ = build_episode()
    union = {(q.subject, q.predicate, q.object) for q in store.ox.quads_for_pattern(None, None, None, None)
             if q.graph_name.__class__.__name__ != "DefaultGraph"}
    assert len(store) == len(union)
    iran_label = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{BASE}state/iran> rdfs:label ?l }}")))
    assert int(iran_label["n"].value) == 1  # stated by five graphs, counted once


def test_adding_the_same_document_again_changes_nothing():
    store, resolved = build_episode()
    before = len(store)
    again, _ = build_episode([episode()[0]], store=store)
    assert again is store and len(store) == before
    assert len(store.graphs()) == 5


def test_incremental_build_merges_into_existing_nodes():
    whole, _ = build_episode()
    store, first = build_episode(episode()[:3])
    store, second = build_episode(episode()[3:], store=store)  # a new Resolver reads the store back
    assert second[0].iris["a2"] == first[0].iris["a2"]
    assert second[1].iris["jaa"] == BASE + "group/jaish-al-adl"
    assert content(store) == content(whole)


def test_removing_a_source_removes_what_only_it_supported():
    store, resolved = build_episode()
    doc_c = resolved[2].extraction.document
    removed = store.remove_graph(graph_iri(doc_c.id, BASE))
    assert removed > 0 and len(store.graphs()) == 4
    assert not store.query(f"ASK {{ <{BASE}event/2024-01-16-iran-missile-strike-syria> ?p ?o }}")
    assert not store.query(f"ASK {{ <{BASE}group/islamic-state> ?p ?o }}")
    assert store.query(f"ASK {{ <{BASE}event/2024-01-16-iran-drone-strike-pakistan> a ckg:Attack }}")
    others, _ = build_episode([e for i, e in enumerate(episode()) if i != 2])
    assert content(store) == content(others)
    assert store.remove_graph(graph_iri(doc_c.id, BASE)) == 0


def test_persistent_store_reopens_with_the_same_graph(tmp_path):
    store, _ = build_episode(store=KGStore(tmp_path / "kg"))
    store.flush()
    count = len(store)
    del store
    reopened = KGStore(tmp_path / "kg", read_only=True)
    assert len(reopened) == count and len(reopened.graphs()) == 5


def _quads(store: KGStore) -> set[str]:
    return {str(q) for q in store.ox.quads_for_pattern(None, None, None, None)}


def test_a_graph_written_as_text_holds_exactly_the_quads_of_one_written_quad_by_quad():
    """add_graph writes through N-Triples text (kg.store.KGStore._write_graph); the store must hold the same
    quads as Store.extend of the graph and its union copy, for real document graphs and for literals whose
    text looks like the end of an N-Triples line."""
    import pyoxigraph as ox

    built, _ = build_episode()
    fast, slow = KGStore(), KGStore()
    for name in built.graphs():
        triples = [q.triple for q in built.ox.quads_for_pattern(None, None, None, ox.NamedNode(name))]
        assert fast.add_graph(name, triples)
        graph = ox.NamedNode(name)
        slow.ox.extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in triples
                        for g in (graph, ox.DefaultGraph())])
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    tricky = [ox.Triple(s, p, ox.Literal(text)) for text in
              ("ends a line .\n<http://example.org/g> .\n", 'a "quoted" .\r\n\t tab', "ünïcödé ✓ \U0001F600", "")]
    tricky += [ox.Triple(s, p, ox.Literal("x", language="en-GB")), ox.Triple(s, p, ox.Literal("1", datatype=p))]
    assert fast.add_graph("http://example.org/g", tricky)
    slow.ox.extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in tricky
                    for g in (ox.NamedNode("http://example.org/g"), ox.DefaultGraph())])
    assert _quads(fast) == _quads(slow)
    assert len(fast) == len(slow)


def test_blank_nodes_keep_their_identity_in_an_added_graph():
    import pyoxigraph as ox

    store = KGStore()
    b, p, o = ox.BlankNode("b1"), ox.NamedNode("http://example.org/p"), ox.NamedNode("http://example.org/o")
    assert store.add_graph("http://example.org/g", [ox.Triple(b, p, o)])
    assert {q.subject for q in store.ox.quads_for_pattern(None, p, o, None)} == {b}
