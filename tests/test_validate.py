"""`kg validate`: the SHACL shapes pass a well-formed graph and catch each kind of broken one."""

from __future__ import annotations

import pyoxigraph as ox

from kg.store import KGStore
from kg.validate import shacl_check, validate_store
from kg.vocab import CKG

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
DCT = "http://purl.org/dc/terms/"
ID = "https://w3id.org/conflict-kg/id/"
TYPE = ox.NamedNode(RDF + "type")
TEXT = "Northland aircraft struck a depot in Eastport on Monday, killing 4 people, officials said."


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(ID + name)


def term(name: str) -> ox.NamedNode:
    return ox.NamedNode(getattr(CKG, name))


def typed(value, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def small_graph(*, drop=(), extra=(), statement_overrides=None) -> list[ox.Triple]:
    """A tiny hand-built graph in the shape kg.rdf produces: one document, entities, one attack,
    one diplomatic action, and an evidence statement for every fact. ``drop`` removes triples by
    (subject name, predicate local name); ``statement_overrides`` changes evidence-statement values."""
    doc = node("doc/0001")
    triples = [
        (doc, TYPE, term("SourceDocument")),
        (doc, term("sha256"), ox.Literal("ab" * 32)),
        (doc, ox.NamedNode(DCT + "source"), ox.Literal("northland.txt")),
        (doc, ox.NamedNode(DCT + "issued"), typed("2024-03-05", "date")),
        (node("northland"), TYPE, term("State")), (node("northland"), LABEL, ox.Literal("Northland")),
        (node("southland"), TYPE, term("State")), (node("southland"), LABEL, ox.Literal("Southland")),
        (node("eastport"), TYPE, term("Place")), (node("eastport"), LABEL, ox.Literal("Eastport")),
        (node("minister"), TYPE, term("Official")), (node("minister"), LABEL, ox.Literal("A. Minister")),
        (node("strike"), TYPE, term("Airstrike")),
        (node("protest"), TYPE, term("Condemnation")),
    ]
    facts = [
        (node("strike"), "perpetrator", node("northland")),
        (node("strike"), "location", node("eastport")),
        (node("strike"), "date", typed("2024-03-04", "date")),
        (node("strike"), "killed", typed(4, "nonNegativeInteger")),
        (node("eastport"), "locatedIn", node("southland")),
        (node("protest"), "actor", node("southland")),
        (node("protest"), "recipient", node("northland")),
        (node("protest"), "inResponseTo", node("strike")),
        (node("minister"), "affiliation", node("southland")),
        (node("minister"), "position", ox.Literal("Foreign Minister")),
    ]
    overrides = statement_overrides or {}
    for index, (subject, predicate, obj) in enumerate(facts):
        if (subject.value[len(ID):], predicate) in drop:
            continue
        triples.append((subject, term(predicate), obj))
        statement = node(f"statement/{index}")
        values = {
            "evidence": ox.Literal(TEXT), "charStart": typed(0, "nonNegativeInteger"),
            "charEnd": typed(len(TEXT), "nonNegativeInteger"), "confidence": typed("0.8", "decimal"),
        }
        values.update(overrides.get(predicate, {}))
        triples += [
            (statement, TYPE, ox.NamedNode(RDF + "Statement")),
            (statement, ox.NamedNode(RDF + "subject"), subject),
            (statement, ox.NamedNode(RDF + "predicate"), term(predicate)),
            (statement, ox.NamedNode(RDF + "object"), obj),
            (statement, DERIVED, doc),
        ]
        triples += [(statement, term(name), value) for name, value in values.items() if value is not None]
    triples = [t for t in triples if (t[0].value[len(ID):], t[1].value.rsplit("#", 1)[-1]) not in drop]
    return [ox.Triple(*t) for t in triples + list(extra)]


def store_of(triples) -> KGStore:
    store = KGStore()
    store.add_graph(ID + "graph/0001", triples)
    return store


def messages(store: KGStore, severity: str = "Violation") -> set[str]:
    return {f.message for f in shacl_check(store).findings if f.severity == severity}


def test_well_formed_graph_passes():
    result = shacl_check(store_of(small_graph()))
    assert result.findings == [], [f.message for f in result.findings]
    assert result.ok


def test_attack_without_perpetrator_is_a_warning_only():
    store = store_of(small_graph(drop={("strike", "perpetrator")}))
    assert messages(store) == set()
    assert any("no perpetrator" in m for m in messages(store, "Warning"))
    ok, report = validate_store(store, reasoner=False)
    assert ok and "1 warning" in report and "attack with no perpetrator" in report


def test_bad_date_is_caught():
    extra = [ox.Triple(node("strike"), term("date"), ox.Literal("last Tuesday"))]
    assert any("xsd:date" in m for m in messages(store_of(small_graph(extra=extra))))


def test_negative_or_non_integer_counts_are_caught():
    for bad in (typed(-2, "integer"), ox.Literal("four"), typed("2.5", "decimal")):
        extra = [ox.Triple(node("strike"), term("injured"), bad)]
        assert any("injured" in m and "non-negative integer" in m for m in messages(store_of(small_graph(extra=extra))))


def test_fact_without_evidence_statement_is_caught():
    extra = [ox.Triple(node("strike"), term("target"), node("southland"))]
    store = store_of(small_graph(extra=extra))
    assert any("no evidence statement" in m for m in messages(store))
    ok, report = validate_store(store, reasoner=False)
    assert not ok
    assert "ckg:target" in report and "NOT valid" in report


def test_oxigraph_sparql_path_finds_what_pyshacl_finds():
    """kg.validate runs the SPARQL constraint in Oxigraph for speed; pyshacl alone must agree."""
    from kg.validate import shacl_check_graph, store_graph

    extra = [ox.Triple(node("strike"), term("target"), node("southland")),
             ox.Triple(node("protest"), term("date"), typed("2024-03-05", "date"))]
    store = store_of(small_graph(extra=extra, drop={("minister", "position")}))
    fast = shacl_check(store).findings
    slow = shacl_check_graph(store_graph(store)).findings

    def key(f):
        return (f.severity, f.message, f.focus, f.value, f.path)

    assert sorted(map(key, fast)) == sorted(map(key, slow))
    assert sum("no evidence statement" in f.message for f in fast) == 2


def test_evidence_statement_fields_are_checked():
    broken = {
        "location": {"evidence": None},
        "date": {"confidence": typed("1.5", "decimal")},
        "killed": {"charStart": typed(50, "nonNegativeInteger"), "charEnd": typed(10, "nonNegativeInteger")},
    }
    found = messages(store_of(small_graph(statement_overrides=broken)))
    assert any("no evidence sentence" in m for m in found)
    assert any("confidence between 0 and 1" in m for m in found)
    assert any("charStart" in m for m in found)


def test_wrongly_typed_arguments_are_caught():
    extra = [ox.Triple(node("strike"), term("target"), ox.NamedNode(ID + "untyped-thing"))]
    found = messages(store_of(small_graph(extra=extra)))
    assert any("target is not typed as an Actor" in m for m in found)
    extra = [ox.Triple(node("protest"), term("perpetrator"), node("northland"))]
    found = messages(store_of(small_graph(extra=extra)))
    assert any("not an Attack has a perpetrator" in m for m in found)


def test_document_checks():
    found = messages(store_of(small_graph(drop={("doc/0001", "sha256")})))
    assert any("sha256" in m for m in found)
    extra = [ox.Triple(node("doc/0001"), ox.NamedNode(DCT + "issued"), ox.Literal("March 2024"))]
    assert any("dcterms:issued" in m for m in messages(store_of(small_graph(extra=extra))))


def test_entity_without_label_is_caught():
    found = messages(store_of(small_graph(drop={("eastport", "label")})))
    assert "entity has no rdfs:label" in found


def test_report_names_examples_in_plain_words():
    extra = [ox.Triple(node("strike"), term("killed"), typed(-1, "integer"))]
    ok, report = validate_store(store_of(small_graph(extra=extra)))
    assert not ok
    assert "VIOLATION" in report and "death toll" in report
    assert ID + "strike" in report and "ckg:Airstrike" in report
    assert "ontology consistent (HermiT" in report


def test_seed_graph_passes_the_shapes(seed_store):
    """The five seed articles built by the whole pipeline: no violations (warnings are allowed)."""
    ok, report = validate_store(seed_store, reasoner=False)
    assert ok, report


def test_validate_reads_the_merged_graph_only():
    """Quads in named graphs are validated once, through the union (no duplicate findings)."""
    store = store_of(small_graph(drop={("strike", "perpetrator")}))
    store.add_graph(ID + "graph/0002", small_graph(drop={("strike", "perpetrator")}))
    warnings = [f for f in shacl_check(store).findings if f.severity == "Warning"]
    assert len(warnings) == 1


def test_kg_validate_command(tmp_path):
    """The CLI prints the report and exits 0 when valid, 1 on violations."""
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    for name, triples, code in (("good.nt", small_graph(), 0),
                                ("bad.nt", small_graph(extra=[ox.Triple(node("strike"), term("date"),
                                                                        ox.Literal("yesterday"))]), 1)):
        path = tmp_path / name
        with open(path, "wb") as handle:
            ox.serialize(triples, handle, ox.RdfFormat.N_TRIPLES)
        result = runner.invoke(app, ["validate", "--data", str(path)])
        assert result.exit_code == code, result.output
        assert "SHACL shapes:" in result.output and "ontology consistent (HermiT" in result.output
