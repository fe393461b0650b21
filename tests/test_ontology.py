"""The ontology: loads in owlready2 and rdflib, is consistent under HermiT, has every contract term,
is reproducible from build.py, and kg.vocab agrees with it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg import vocab
from kg.config import ONTOLOGY_DIR, ONTOLOGY_NS, REPO_ROOT
from kg.validate import reasoner_check

CKG = Namespace(ONTOLOGY_NS)
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
VANN = Namespace("http://purl.org/vocab/vann/")
XSD = "http://www.w3.org/2001/XMLSchema#"
CONTRACT = REPO_ROOT.parent / "shared" / "spec" / "contract.md"

CONTRACT_CLASSES = {
    "Actor", "State", "ArmedGroup", "Person", "Official", "Organization", "GovernmentBody", "MediaOrganization",
    "Place", "Event", "Attack", "Airstrike", "MissileStrike", "DroneStrike", "Bombing", "ArmedAssault",
    "DiplomaticAction", "Condemnation", "Warning", "EnvoyRecall", "EnvoyExpulsion", "EnvoySummons",
    "VisitSuspension", "RelationsSevered", "Communication", "Statement", "Demand", "Denial", "SourceDocument",
}
CONTRACT_PROPERTIES = {
    "perpetrator": ("Attack", "Actor"), "target": ("Attack", "Actor"),
    "actor": ("DiplomaticAction", "Actor"), "recipient": ("DiplomaticAction", "Actor"),
    "location": ("Event", "Place"), "locatedIn": ("Place", "Place"), "date": ("Event", XSD + "date"),
    "killed": ("Event", XSD + "nonNegativeInteger"), "injured": ("Event", XSD + "nonNegativeInteger"),
    "inResponseTo": ("Event", "Event"), "position": ("Official", XSD + "string"),
    "affiliation": ("Person", "Actor"), "basedIn": ("ArmedGroup", "Place"),
}
PROVENANCE = {"evidence", "charStart", "charEnd", "confidence", "attributedTo", "sha256"}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(vocab.ONTOLOGY_TTL, format="turtle")


def test_every_term_the_contract_names_is_in_the_ontology():
    """Read contract §3 itself, so a term added there and not here fails."""
    text = CONTRACT.read_text(encoding="utf-8")
    section = text[text.index("## 3."):text.index("## 4.")]
    named_classes = set(re.findall(r"`([A-Z][A-Za-z]+)`", section))
    named_properties = set(re.findall(r"`([a-z][A-Za-z]+)`", section))
    assert named_classes == CONTRACT_CLASSES
    assert named_properties == set(CONTRACT_PROPERTIES)
    assert named_classes <= vocab.CLASSES
    assert named_properties <= vocab.PROPERTIES


def test_every_contract_class_is_an_owl_class_with_label_and_definition(graph):
    for name in CONTRACT_CLASSES:
        node = CKG[name]
        assert (node, RDF.type, OWL.Class) in graph, name
        assert graph.value(node, RDFS.label), name
        comment = graph.value(node, RDFS.comment)
        assert comment and len(str(comment)) > 20, name


def test_every_contract_property_has_its_domain_and_range(graph):
    for name, (domain, range_) in CONTRACT_PROPERTIES.items():
        node = CKG[name]
        assert graph.value(node, RDFS.label) and graph.value(node, RDFS.comment), name
        assert set(graph.objects(node, RDFS.domain)) == {CKG[domain]}, name
        expected = URIRef(range_) if range_.startswith("http") else CKG[range_]
        assert set(graph.objects(node, RDFS.range)) == {expected}, name
    assert (CKG.locatedIn, RDF.type, OWL.TransitiveProperty) in graph
    for name in PROVENANCE | {"cameoCode"}:
        assert graph.value(CKG[name], RDFS.comment), name


def test_hierarchy_follows_the_contract():
    assert vocab.subclasses("Attack") == {"Airstrike", "MissileStrike", "DroneStrike", "Bombing", "ArmedAssault"}
    assert vocab.subclasses("DiplomaticAction") == {
        "Condemnation", "Warning", "EnvoyRecall", "EnvoyExpulsion", "EnvoySummons", "VisitSuspension",
        "RelationsSevered", "Communication", "Statement", "Demand", "Denial", "Sanction",
    }
    assert {"Actor", "Place"} <= vocab.superclasses("State")
    assert "Person" in vocab.superclasses("Official")
    for org in ("GovernmentBody", "MediaOrganization", "ArmedGroup"):
        assert {"Organization", "Actor"} <= vocab.superclasses(org), org
    assert "Attack" not in vocab.subclasses("Attack")


def test_disjointness_and_inverses_are_stated(graph):
    disjoint_pairs = set()
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(graph.items(graph.value(group, OWL.members)))
        disjoint_pairs |= {(a, b) for a in members for b in members if a != b}
    disjoint_pairs |= set(graph.subject_objects(OWL.disjointWith))
    assert (CKG.State, CKG.ArmedGroup) in disjoint_pairs or (CKG.ArmedGroup, CKG.State) in disjoint_pairs
    assert (CKG.Person, CKG.Organization) in disjoint_pairs or (CKG.Organization, CKG.Person) in disjoint_pairs
    assert graph.value(CKG.perpetrator, OWL.inverseOf) == CKG.perpetratorOf
    assert graph.value(CKG.locatedIn, OWL.inverseOf) == CKG.contains


def test_alignments_and_cameo_codes(graph):
    schema = Namespace("http://schema.org/")
    sem = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
    prov = Namespace("http://www.w3.org/ns/prov#")
    assert (CKG.State, RDFS.subClassOf, schema.Country) in graph
    assert (CKG.Person, RDFS.subClassOf, schema.Person) in graph
    assert (CKG.GovernmentBody, RDFS.subClassOf, schema.GovernmentOrganization) in graph
    assert (CKG.Event, RDFS.subClassOf, schema.Event) in graph
    assert (CKG.Event, RDFS.subClassOf, sem.Event) in graph
    assert (CKG.SourceDocument, RDFS.subClassOf, prov.Entity) in graph
    assert (CKG.attributedTo, RDFS.subPropertyOf, prov.wasAttributedTo) in graph
    assert (CKG.Actor, SKOS.closeMatch, prov.Agent) in graph
    assert (CKG.Airstrike, CKG.cameoCode, Literal("195", datatype=URIRef(XSD + "string"))) in graph
    # every specific event class carries a CAMEO code
    for name in vocab.subclasses("Attack") | vocab.subclasses("DiplomaticAction"):
        assert vocab.cameo_codes(name), name
        assert all(re.fullmatch(r"\d{2,4}", code) for code in vocab.cameo_codes(name)), name


def test_ontology_metadata(graph):
    onto = URIRef("https://w3id.org/conflict-kg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in graph
    for predicate in (OWL.versionIRI, OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.license,
                      VANN.preferredNamespacePrefix):
        assert graph.value(onto, predicate) is not None, predicate
    assert str(graph.value(onto, VANN.preferredNamespacePrefix)) == "ckg"


def test_owl_file_loads_in_owlready2_and_rdflib_and_matches_the_turtle(graph):
    import owlready2 as ow

    world = ow.World()
    onto = world.get_ontology(vocab.ONTOLOGY_OWL.as_uri()).load()
    assert onto.Attack is not None and onto.Airstrike in set(onto.Attack.descendants())
    assert {c.name for c in onto.classes() if c.iri.startswith(ONTOLOGY_NS)} == vocab.CLASSES
    world.close()
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(vocab.ONTOLOGY_OWL, format="xml"), graph)


def test_hermit_finds_the_ontology_consistent():
    result = reasoner_check()
    assert result.consistent is True, result.detail
    assert "xsd:date" in result.detail  # the range was relaxed in the reasoner's copy only


def test_hermit_finds_a_state_that_is_an_armed_group_inconsistent():
    result = reasoner_check([("bogus_state_group", ["State", "ArmedGroup"])])
    assert result.consistent is False


def test_hermit_finds_a_person_that_is_an_organization_inconsistent():
    result = reasoner_check([("bogus_person_org", ["Official", "GovernmentBody"])])
    assert result.consistent is False


def test_published_ontology_keeps_the_date_range(graph):
    assert graph.value(CKG.date, RDFS.range) == URIRef(XSD + "date")


def test_vocab_api():
    assert vocab.CKG.Attack == ONTOLOGY_NS + "Attack"
    assert vocab.CKG["locatedIn"] == ONTOLOGY_NS + "locatedIn"
    with pytest.raises(AttributeError):
        _ = vocab.CKG.Atack
    with pytest.raises(KeyError):
        _ = vocab.CKG["nope"]
    assert CONTRACT_CLASSES <= vocab.CLASSES
    assert set(CONTRACT_PROPERTIES) | PROVENANCE <= vocab.PROPERTIES
    assert vocab.datatype("killed") == XSD + "nonNegativeInteger"
    assert vocab.datatype("date") == XSD + "date"
    assert vocab.datatype("confidence") == XSD + "decimal"
    assert vocab.datatype("perpetrator") is None
    assert vocab.range_of("perpetrator") == {"Actor"}
    assert vocab.local_name(ONTOLOGY_NS + "Bombing") == "Bombing"
    assert vocab.local_name(ONTOLOGY_NS + "Bombingg") is None


def test_vocab_json_matches_the_turtle(graph):
    """kg.vocab reads vocab.json; it must say exactly what the Turtle says."""
    index = json.loads(vocab.VOCAB_JSON.read_text(encoding="utf-8"))
    classes = {str(c)[len(ONTOLOGY_NS):] for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(ONTOLOGY_NS)}
    assert set(index["classes"]) == classes
    for name, parents in index["classes"].items():
        stated = {str(p)[len(ONTOLOGY_NS):] for p in graph.objects(CKG[name], RDFS.subClassOf)
                  if str(p).startswith(ONTOLOGY_NS)}
        assert set(parents) == stated, name
    props = {str(p)[len(ONTOLOGY_NS):] for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
             for p in graph.subjects(RDF.type, kind) if str(p).startswith(ONTOLOGY_NS)}
    assert set(index["properties"]) == props


def test_vocab_import_is_fast():
    code = "import time; t = time.perf_counter(); import kg.vocab; print(time.perf_counter() - t)"
    seconds = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                   cwd=REPO_ROOT).stdout)
    assert seconds < 0.5


def test_build_is_reproducible(tmp_path):
    """Running build.py again writes the same files that are committed."""
    import os

    env = {**os.environ, "PYTHONHASHSEED": "4242"}  # blank-node order must not depend on the hash seed
    subprocess.run([sys.executable, str(ONTOLOGY_DIR / "build.py"), str(tmp_path)], check=True,
                   capture_output=True, cwd=REPO_ROOT, env=env)
    for name in ("conflict-kg.owl", "conflict-kg.ttl", "vocab.json", "conflict-kg.html"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (ONTOLOGY_DIR / name).read_text(encoding="utf-8"), name


def test_html_documents_every_term():
    html = vocab.ONTOLOGY_HTML.read_text(encoding="utf-8")
    for name in vocab.CLASSES | vocab.PROPERTIES:
        assert f'id="{name}"' in html, name
    assert "Employ aerial weapons" in html
