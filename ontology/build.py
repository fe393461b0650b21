"""Build the conflict-kg ontology: the one source of truth for every ontology file in this folder.

Run ``python ontology/build.py`` after changing anything below. It writes, reproducibly:

* ``conflict-kg.owl``  RDF/XML, written by owlready2 (owlready2 and the HermiT check read this one);
* ``conflict-kg.ttl``  the same graph as Turtle with the usual prefixes (rdflib; what people read);
* ``vocab.json``       the term lists ``kg.vocab`` loads at import time (no rdflib needed there);
* ``conflict-kg.html`` human-readable documentation, served by the server at ``/ontology``.

The tables below (classes, properties, alignments, CAMEO codes) are the ontology; the functions
only turn them into OWL with owlready2. Every term carries an English label and a definition an
analyst can read, so the generated documentation and the Turtle are self-explanatory.
"""

from __future__ import annotations

import datetime
import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = "https://w3id.org/conflict-kg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"
VERSION = "0.1.0"
VERSION_IRI = f"{ONTOLOGY_IRI}/{VERSION}"
LICENSE = "https://opensource.org/licenses/MIT"

PREFIXES = {
    "ckg": NS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "vann": "http://purl.org/vocab/vann/",
    "oa": "http://www.w3.org/ns/oa#",
}
XSD = PREFIXES["xsd"]

# CAMEO event codes, from the CAMEO Conflict and Mediation Event Observations Event and Actor
# Codebook, version 1.1b3 (Schrodt, March 2012), as published in GDELT's lookup table
# http://gdeltproject.org/data/lookups/CAMEO.eventcodes.txt. Labels are the codebook's.
CAMEO = {
    "18": "Assault",
    "19": "Fight",
    "195": "Employ aerial weapons",
    "183": "Conduct suicide, car, or other non-military bombing",
    "193": "Fight with small arms and light weapons",
    "180": "Use unconventional violence",
    "111": "Criticize or denounce",
    "130": "Threaten",
    "160": "Reduce relations",
    "161": "Reduce or break diplomatic relations",
    "114": "Complain officially",
    "040": "Consult",
    "010": "Make statement",
    "100": "Demand",
    "016": "Deny responsibility",
    "163": "Impose embargo, boycott, or sanctions",
}


@dataclass
class Term:
    """One class or property: its place in the hierarchy, its words for people, its alignments."""

    name: str
    label: str
    comment: str
    parents: tuple[str, ...] = ()  # ckg local names or prefixed external names
    equivalent: tuple[str, ...] = ()  # prefixed external names (owl:equivalentClass/Property)
    close: tuple[str, ...] = ()  # prefixed external names (skos:closeMatch)
    cameo: tuple[str, ...] = ()
    # properties only
    kind: str = ""  # "object", "data" or "annotation"
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    inverse: str | None = None
    transitive: bool = False
    alt: tuple[str, ...] = field(default_factory=tuple)


# -- classes ----------------------------------------------------------------------------------
CLASSES = [
    Term("Actor", "actor",
         "Anyone who can act in a conflict or in diplomacy: a state, an armed group, an organization "
         "or a person. Events name their actors with perpetrator, target, actor and recipient.",
         parents=("sem:Actor",), close=("prov:Agent",)),
    Term("Place", "place",
         "A located thing: a state, a province, a city, a border area, a site. Places nest with "
         "locatedIn, up to the state they belong to.",
         parents=("sem:Place", "schema:Place")),
    Term("State", "state",
         "A sovereign state (a country), taken both as an actor (its government speaking or acting "
         "for it) and as a place (its territory).",
         parents=("Actor", "Place", "schema:Country")),
    Term("Organization", "organization",
         "A body of people with a common purpose: a ministry, a news agency, an armed group, an "
         "international organization.",
         parents=("Actor", "schema:Organization"), close=("prov:Organization",)),
    Term("ArmedGroup", "armed group",
         "A non-state organization that uses armed force: an insurgent, militant, separatist or "
         "terrorist-designated group, or a militia. Not a state's regular armed forces.",
         parents=("Organization",)),
    Term("GovernmentBody", "government body",
         "A part of a state's government or armed forces: a ministry, a foreign office, a cabinet, a "
         "parliament, a military command, a state agency.",
         parents=("Organization", "schema:GovernmentOrganization")),
    Term("MediaOrganization", "media organization",
         "A news publisher or broadcaster, including state media. Often the party a report is "
         "attributed to.",
         parents=("Organization", "schema:NewsMediaOrganization")),
    Term("Person", "person",
         "A human being named in a report.",
         parents=("Actor", "schema:Person"), close=("prov:Person",)),
    Term("Official", "official",
         "A person who holds an office and acts in it: a head of state or government, a minister, a "
         "spokesperson, an ambassador, a commander. The office is given by position, the body or state "
         "served by affiliation.",
         parents=("Person",)),
    Term("Event", "event",
         "Something that happened at a time and, usually, a place: an attack or a diplomatic action.",
         parents=("sem:Event", "schema:Event")),
    Term("Attack", "attack",
         "A use of armed force against a target: strikes, bombings and armed assaults. An attack may "
         "carry several of the more specific types at once.",
         parents=("Event",), cameo=("18", "19")),
    Term("Airstrike", "airstrike",
         "An attack from the air by crewed aircraft (jets, helicopters) dropping bombs or firing "
         "munitions.",
         parents=("Attack",), cameo=("195",)),
    Term("MissileStrike", "missile strike",
         "An attack with missiles or rockets, launched from the ground, the sea or the air. CAMEO "
         "has no missile-specific code; its closest is 195 (aerial weapons).",
         parents=("Attack",), cameo=("195",)),
    Term("DroneStrike", "drone strike",
         "An attack by uncrewed aircraft: armed drones or one-way attack (loitering) drones. CAMEO "
         "1.1b3 codes these as aerial weapons (195).",
         parents=("Attack",), cameo=("195",)),
    Term("Bombing", "bombing",
         "An attack with an explosive device that is not dropped or fired from the air: a suicide, car, "
         "roadside or planted bomb.",
         parents=("Attack",), cameo=("183",)),
    Term("ArmedAssault", "armed assault",
         "An attack by armed people on the ground: a raid, an ambush, a shooting, a storming of a "
         "post or building.",
         parents=("Attack",), cameo=("193", "180")),
    Term("DiplomaticAction", "diplomatic action",
         "Something one actor says or does to another in the conduct of relations: condemnations, "
         "warnings, recalls and expulsions of envoys, summonses, calls and meetings, statements, "
         "demands and denials.",
         parents=("Event",)),
    Term("Condemnation", "condemnation",
         "An actor publicly criticizes or denounces another actor or an act.",
         parents=("DiplomaticAction",), cameo=("111",)),
    Term("Warning", "warning",
         "An actor warns or threatens another of consequences, e.g. of a response to an attack.",
         parents=("DiplomaticAction",), cameo=("130",)),
    Term("EnvoyRecall", "envoy recall",
         "A state calls its own ambassador or envoy home from another state, in protest.",
         parents=("DiplomaticAction",), cameo=("161",)),
    Term("EnvoyExpulsion", "envoy expulsion",
         "A state orders another state's ambassador or diplomats to leave, or declares them persona "
         "non grata.",
         parents=("DiplomaticAction",), cameo=("161",)),
    Term("EnvoySummons", "envoy summons",
         "A state's foreign ministry summons another state's ambassador or chargé d'affaires to "
         "protest (a démarche).",
         parents=("DiplomaticAction",), cameo=("114",)),
    Term("VisitSuspension", "visit suspension",
         "An actor suspends, cancels or postpones planned high-level visits or exchanges with another.",
         parents=("DiplomaticAction",), cameo=("160",)),
    Term("RelationsSevered", "relations severed",
         "A state breaks off or downgrades diplomatic relations with another.",
         parents=("DiplomaticAction",), cameo=("161",)),
    Term("Communication", "communication",
         "A call or a meeting between actors: phone calls, visits, talks.",
         parents=("DiplomaticAction",), cameo=("040",)),
    Term("Statement", "statement",
         "A public statement by an actor about the events, not more specific than that.",
         parents=("DiplomaticAction",), cameo=("010",)),
    Term("Demand", "demand",
         "An actor demands something of another: an explanation, a withdrawal, an end to attacks, "
         "the handing over of people.",
         parents=("DiplomaticAction",), cameo=("100",)),
    Term("Denial", "denial",
         "An actor denies a claim or an accusation, e.g. denies responsibility for an attack.",
         parents=("DiplomaticAction",), cameo=("016",)),
    Term("Sanction", "sanction",
         "An actor imposes an embargo, a boycott or sanctions on another: asset freezes, travel bans, "
         "export restrictions aimed at a state, a body, a group or named people.",
         parents=("DiplomaticAction",), cameo=("163",)),
    Term("SourceDocument", "source document",
         "A news article or other text the graph was built from, identified by the SHA-256 of its "
         "text. Its title, publisher, publication date and URL or file name are given with dcterms.",
         parents=("prov:Entity", "schema:CreativeWork"), close=("schema:NewsArticle",)),
]

# Pairs (or groups) of classes that share no member. A State is not an ArmedGroup (nor any other
# Organization); a Person is not an Organization; events, documents, people and organizations
# are different kinds of things.
DISJOINT = [
    ("State", "Organization"),
    ("State", "ArmedGroup"),
    ("Person", "Organization"),
    ("Person", "Place"),
    ("Organization", "Place"),
    ("Event", "Actor", "SourceDocument"),  # not Actor with Place: a State is both
    ("Event", "Place", "SourceDocument"),
    ("Attack", "DiplomaticAction"),
]

# -- properties -------------------------------------------------------------------------------
PROPERTIES = [
    Term("perpetrator", "perpetrator", "The actor that carried out the attack.",
         kind="object", domain=("Attack",), range=("Actor",), parents=("sem:hasActor",),
         inverse="perpetratorOf"),
    Term("target", "target",
         "The actor the attack was aimed at: a group, a state, an organization, a person.",
         kind="object", domain=("Attack",), range=("Actor",), parents=("sem:hasActor",),
         inverse="targetOf"),
    Term("actor", "actor", "The actor that took the diplomatic action (a state, a government body or "
         "an official).",
         kind="object", domain=("DiplomaticAction",), range=("Actor",), parents=("sem:hasActor",),
         inverse="actorOf"),
    Term("recipient", "recipient", "The actor to whom or against whom the diplomatic action was "
         "directed.",
         kind="object", domain=("DiplomaticAction",), range=("Actor",), parents=("sem:hasActor",),
         inverse="recipientOf"),
    Term("location", "location", "The most specific place known where the event happened.",
         kind="object", domain=("Event",), range=("Place",), parents=("sem:hasPlace",),
         close=("schema:location",)),
    Term("locatedIn", "located in",
         "Containment of one place in another, e.g. a city in a province, a province in a state. "
         "Transitive: a city in a province in a state is in the state.",
         kind="object", domain=("Place",), range=("Place",), transitive=True,
         close=("schema:containedInPlace",), inverse="contains"),
    Term("inResponseTo", "in response to",
         "The event this event answers: a retaliation for an attack, a condemnation of it.",
         kind="object", domain=("Event",), range=("Event",), inverse="answeredBy"),
    Term("affiliation", "affiliation", "The state or body a person serves or belongs to.",
         kind="object", domain=("Person",), range=("Actor",), close=("schema:affiliation",)),
    Term("partOf", "part of",
         "The state or organization a body belongs to: a ministry, army or police force to its state, "
         "an armed wing to its movement. (affiliation is the same link for persons.)",
         kind="object", domain=("Organization",), range=("Actor",), close=("schema:parentOrganization",)),
    Term("basedIn", "based in", "Where an armed group is based or mainly operates from.",
         kind="object", domain=("ArmedGroup",), range=("Place",), close=("schema:location",)),
    Term("attributedTo", "attributed to",
         "On a fact's rdf:Statement: the actor the text attributes the fact to (\"according to state "
         "media\", \"the ministry said\").",
         kind="object", range=("Actor",), parents=("prov:wasAttributedTo",)),
    # inverses, for navigation from actors and places
    Term("perpetratorOf", "perpetrator of", "An attack this actor carried out.",
         kind="object", domain=("Actor",), range=("Attack",)),
    Term("targetOf", "target of", "An attack aimed at this actor.",
         kind="object", domain=("Actor",), range=("Attack",)),
    Term("actorOf", "actor of", "A diplomatic action this actor took.",
         kind="object", domain=("Actor",), range=("DiplomaticAction",)),
    Term("recipientOf", "recipient of", "A diplomatic action directed at this actor.",
         kind="object", domain=("Actor",), range=("DiplomaticAction",)),
    Term("contains", "contains", "A place located in this place (the inverse of locatedIn).",
         kind="object", domain=("Place",), range=("Place",), transitive=True),
    Term("answeredBy", "answered by", "An event that responds to this event.",
         kind="object", domain=("Event",), range=("Event",)),
    # data properties
    Term("date", "date", "The calendar day the event happened, as reported (resolved from \"on "
         "Tuesday\" or \"last night\" against the publication date).",
         kind="data", domain=("Event",), range=("xsd:date",), close=("sem:hasTimeStamp", "schema:startDate")),
    Term("killed", "killed", "The number of people killed, as a source reports it. Sources that "
         "disagree each keep their own value in their own graph.",
         kind="data", domain=("Event",), range=("xsd:nonNegativeInteger",)),
    Term("injured", "injured", "The number of people injured, as a source reports it.",
         kind="data", domain=("Event",), range=("xsd:nonNegativeInteger",)),
    Term("position", "position", "The office an official holds, in words, e.g. \"Foreign Minister\".",
         kind="data", domain=("Official",), range=("xsd:string",), close=("schema:jobTitle",)),
    Term("evidence", "evidence",
         "On a fact's rdf:Statement: the sentence of the source document the fact was read from.",
         kind="data", range=("xsd:string",), close=("oa:exact",)),
    Term("charStart", "character start",
         "On a fact's rdf:Statement: the offset of the evidence sentence's first character in the "
         "document text (0-based).",
         kind="data", range=("xsd:nonNegativeInteger",), close=("oa:start",)),
    Term("charEnd", "character end",
         "On a fact's rdf:Statement: the offset just after the evidence sentence's last character, so "
         "text[charStart:charEnd] is the evidence.",
         kind="data", range=("xsd:nonNegativeInteger",), close=("oa:end",)),
    Term("confidence", "confidence",
         "On a fact's rdf:Statement: how sure the extractor is of the fact, from 0 (a guess) to 1.",
         kind="data", range=("confidence01",)),
    Term("sha256", "SHA-256",
         "The SHA-256 digest (hex) of a source document's text; documents are identified by it.",
         kind="data", domain=("SourceDocument",), range=("xsd:string",)),
    # annotation
    Term("cameoCode", "CAMEO code",
         "The CAMEO (Conflict and Mediation Event Observations, codebook 1.1b3) event code of an "
         "event class.",
         kind="annotation"),
]

EXTERNAL_ANNOTATIONS = {
    "dcterms": ["title", "description", "license", "creator", "publisher", "issued", "source", "modified"],
    "vann": ["preferredNamespacePrefix", "preferredNamespaceUri"],
    "skos": ["closeMatch", "altLabel", "definition"],
}


def expand(name: str) -> str:
    """A full IRI from a ckg local name or a prefixed name."""
    if ":" in name:
        prefix, local = name.split(":", 1)
        return PREFIXES[prefix] + local
    return NS + name


def build_owl(path: Path):
    """Define the ontology in owlready2 and save it as RDF/XML; returns the owlready2 ontology."""
    import owlready2 as ow

    world = ow.World()
    onto = world.get_ontology(NS)
    abbrev = world._abbreviate

    def add_iri(subject_storid: int, predicate: str, obj: str) -> None:
        onto._add_obj_triple_spo(subject_storid, abbrev(predicate), abbrev(obj))

    with onto:
        annotations = {}
        for prefix, names in EXTERNAL_ANNOTATIONS.items():
            namespace = onto.get_namespace(PREFIXES[prefix])
            for name in names:
                with namespace:
                    annotations[f"{prefix}:{name}"] = types.new_class(name, (ow.AnnotationProperty,))

        classes: dict[str, type] = {}

        def external_class(prefixed: str):
            if prefixed not in classes:
                prefix, local = prefixed.split(":", 1)
                with onto.get_namespace(PREFIXES[prefix]):
                    classes[prefixed] = types.new_class(local, (ow.Thing,))
            return classes[prefixed]

        for term in CLASSES:
            bases = tuple(classes[p] if ":" not in p else external_class(p) for p in term.parents)
            classes[term.name] = types.new_class(term.name, bases or (ow.Thing,))
        for term in CLASSES:
            cls = classes[term.name]
            _describe(cls, term, annotations, add_iri)
        for group in DISJOINT:
            ow.AllDisjoint([classes[name] for name in group])

        props: dict[str, type] = {}
        external_props: dict[str, type] = {}
        for term in PROPERTIES:
            if term.kind == "annotation":
                base: tuple = (ow.AnnotationProperty,)
            elif term.kind == "object":
                base = (ow.ObjectProperty, ow.TransitiveProperty) if term.transitive else (ow.ObjectProperty,)
            else:
                base = (ow.DataProperty,)
            supers = []
            for parent in term.parents:
                if parent not in external_props:
                    prefix, local = parent.split(":", 1)
                    kind = ow.DataProperty if term.kind == "data" else ow.ObjectProperty
                    with onto.get_namespace(PREFIXES[prefix]):
                        external_props[parent] = types.new_class(local, (kind,))
                supers.append(external_props[parent])
            prop = types.new_class(term.name, tuple(supers) + base if supers else base)
            props[term.name] = prop
            prop.domain = [classes[d] for d in term.domain]
            for rng in term.range:
                if term.kind == "object":
                    prop.range.append(classes[rng])
                elif rng == "xsd:date":
                    prop.range.append(datetime.date)
                elif rng == "xsd:string":
                    prop.range.append(str)
                elif rng == "confidence01":
                    prop.range.append(ow.ConstrainedDatatype(float, min_inclusive=0.0, max_inclusive=1.0))
                else:  # a datatype owlready2 has no Python type for
                    add_iri(prop.storid, PREFIXES["rdfs"] + "range", expand(rng))
            _describe(prop, term, annotations, add_iri)
        for term in PROPERTIES:
            if term.inverse:
                props[term.name].inverse_property = props[term.inverse]

        cameo = props["cameoCode"]
        for term in CLASSES:
            for code in term.cameo:
                getattr(classes[term.name], cameo.python_name).append(code)

        # ontology header
        meta = onto.metadata
        meta.versionInfo.append(VERSION)
        meta.comment.append(ow.locstr(
            "Vocabulary of the conflict-kg knowledge graph: who attacked whom, where and when, and how "
            "states and officials reacted, with the provenance of every fact.", "en"))
        setattr(meta, annotations["dcterms:title"].python_name, [ow.locstr("conflict-kg ontology", "en")])
        setattr(meta, annotations["dcterms:description"].python_name, [ow.locstr(
            "Classes and properties for armed attacks (airstrikes, missile and drone strikes, bombings, "
            "armed assaults) and diplomatic actions (condemnations, warnings, envoy recalls, expulsions "
            "and summonses, statements, demands, denials), the actors and places involved, and the "
            "source documents and evidence sentences every fact is derived from. Aligned to SEM, PROV-O "
            "and schema.org; event classes carry CAMEO event codes.", "en")])
        add_iri(onto.storid, PREFIXES["dcterms"] + "license", LICENSE)
        add_iri(onto.storid, PREFIXES["owl"] + "versionIRI", VERSION_IRI)
        setattr(meta, annotations["vann:preferredNamespacePrefix"].python_name, ["ckg"])
        setattr(meta, annotations["vann:preferredNamespaceUri"].python_name, [NS])
    onto.save(str(path), format="rdfxml")
    return onto


def _describe(entity, term: Term, annotations, add_iri) -> None:
    """Label, definition and alignments of one term."""
    import owlready2 as ow

    entity.label = [ow.locstr(term.label, "en")]
    entity.comment = [ow.locstr(term.comment, "en")]
    for other in term.close:
        add_iri(entity.storid, PREFIXES["skos"] + "closeMatch", expand(other))
    for other in term.equivalent:
        pred = "equivalentClass" if not term.kind else "equivalentProperty"
        add_iri(entity.storid, PREFIXES["owl"] + pred, expand(other))


def write_turtle(owl_path: Path, ttl_path: Path):
    """The RDF/XML as Turtle with readable prefixes; returns the rdflib graph."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    parsed = Graph().parse(owl_path, format="xml")
    # canonical blank-node labels, so the Turtle's order does not depend on Python's hash seed
    graph = Graph(bind_namespaces="none")  # rdflib would otherwise bind schema: to https://schema.org/
    for triple in to_canonical_graph(parsed):
        graph.add(triple)
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    ttl_path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return graph


def vocab_index(graph) -> dict:
    """The term lists kg.vocab needs, read back from the generated graph (not from the tables)."""
    from rdflib import OWL, RDF, RDFS, BNode, URIRef

    def local(node) -> str | None:
        text = str(node)
        return text[len(NS):] if text.startswith(NS) else None

    classes = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        name = local(cls)
        if name:
            classes[name] = sorted(n for n in (local(p) for p in graph.objects(cls, RDFS.subClassOf)) if n)
    kinds = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "data", OWL.AnnotationProperty: "annotation"}

    def range_name(node) -> str:
        if isinstance(node, BNode):  # a datatype restriction: report its base datatype
            node = graph.value(node, OWL.onDatatype)
        return local(node) or str(node)

    properties = {}
    for rdf_type, kind in kinds.items():
        for prop in graph.subjects(RDF.type, rdf_type):
            name = local(prop)
            if name:
                properties[name] = {
                    "kind": kind,
                    "domain": sorted(n for n in (local(d) for d in graph.objects(prop, RDFS.domain)) if n),
                    "range": sorted(range_name(r) for r in graph.objects(prop, RDFS.range)),
                }
    cameo_pred = NS + "cameoCode"
    cameo = {local(s): sorted(str(o) for o in graph.objects(s, URIRef(cameo_pred)))
             for s in set(graph.subjects(URIRef(cameo_pred), None))}
    labels = {local(s): str(o) for s, o in graph.subject_objects(RDFS.label) if local(s)}
    return {
        "namespace": NS,
        "version": VERSION,
        "classes": dict(sorted(classes.items())),
        "properties": dict(sorted(properties.items())),
        "cameo": dict(sorted(cameo.items())),
        "labels": dict(sorted(labels.items())),
    }


def write_html(index: dict, path: Path) -> None:
    """Human-readable documentation from the tables and the index (jinja2 template next to this file)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    template = env.get_template("template.html.j2")

    def link(name: str) -> dict:
        if ":" in name:
            return {"text": name, "href": expand(name), "internal": False}
        return {"text": f"ckg:{name}", "href": f"#{name}", "internal": True}

    classes = [
        {
            "term": term,
            "iri": NS + term.name,
            "supers": [link(p) for p in term.parents],
            "subs": [link(c.name) for c in CLASSES if term.name in c.parents],
            "close": [link(c) for c in term.close],
            "equivalent": [link(c) for c in term.equivalent],
            "cameo": [(code, CAMEO[code]) for code in term.cameo],
            "disjoint": sorted({link(o)["text"] for g in DISJOINT if term.name in g for o in g if o != term.name}),
        }
        for term in CLASSES
    ]
    properties = [
        {
            "term": term,
            "iri": NS + term.name,
            "domain": [link(d) for d in term.domain],
            "range": [link(r) if r != "confidence01" else {"text": "xsd:decimal [0, 1]", "href": expand(
                "xsd:decimal"), "internal": False} for r in term.range],
            "supers": [link(p) for p in term.parents],
            "close": [link(c) for c in term.close],
        }
        for term in PROPERTIES
    ]
    path.write_text(template.render(
        title="conflict-kg ontology", ns=NS, iri=ONTOLOGY_IRI, version=VERSION, version_iri=VERSION_IRI,
        license=LICENSE, classes=classes, properties=properties, prefixes=PREFIXES,
        counts={"classes": len(CLASSES), "properties": len(PROPERTIES)},
    ), encoding="utf-8")


def main(out_dir: Path = HERE) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    owl_path = out_dir / "conflict-kg.owl"
    build_owl(owl_path)
    graph = write_turtle(owl_path, out_dir / "conflict-kg.ttl")
    index = vocab_index(graph)
    # The prefixes data and queries use (contract section 1), so kg.vocab.PREFIXES derives them from here.
    index["prefixes"] = {k: v for k, v in PREFIXES.items() if k not in ("vann", "oa")}
    (out_dir / "vocab.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if (HERE / "template.html.j2").exists():
        write_html(index, out_dir / "conflict-kg.html")
    print(f"wrote {owl_path.name}, conflict-kg.ttl, vocab.json, conflict-kg.html to {out_dir}: "
          f"{len(index['classes'])} classes, {len(index['properties'])} properties, {len(graph)} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
