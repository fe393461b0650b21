"""Self-description of the endpoint: the SPARQL 1.1 Service Description and the VoID dataset.

Both are written as Turtle text from a few counts of the store (cached until the next update) and
re-serialised into whatever RDF format was asked for. The counts use the merged default graph, so
a triple stated by five sources is counted once.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from kg.config import ONTOLOGY_NS
from kg.query import select, serialize_turtle_text, sparql_iri
from kg.server.negotiation import GRAPH_FORMATS, RESULT_FORMATS

FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
    "nquads": "http://www.w3.org/ns/formats/N-Quads",
    "trig": "http://www.w3.org/ns/formats/TriG",
}
MAX_LISTED_GRAPHS = 10_000


@dataclass(frozen=True)
class EntityCounts:
    """How many things the graph is about: the one definition the dashboard and VoID both show."""

    total: int = 0  # actors, places and events
    actors_and_places: int = 0
    events: int = 0


ENTITY_ROOTS = ("Actor", "Place", "Event")  # ontology classes whose members are the graph's entities


def _members(roots: tuple[str, ...]) -> str:
    from kg import vocab

    names = sorted({n for root in roots for n in ({root} | vocab.subclasses(root))})
    return " ".join(f"<{ONTOLOGY_NS}{n}>" for n in names)


def entity_counts(store) -> EntityCounts:
    """Entities are the nodes typed with an ontology class under Actor, Place or Event (by the
    ontology's hierarchy, so a new event type counts without a code change); documents, statements,
    named graphs and PROV bookkeeping are not entities. VoID's ``void:entities`` and the dashboard's
    "entities" are this ``total``."""
    def count(roots: tuple[str, ...]) -> int:
        return _n(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?t {{ {_members(roots)} }} ?e a ?t }}")

    return EntityCounts(total=count(ENTITY_ROOTS), actors_and_places=count(("Actor", "Place")),
                        events=count(("Event",)))


@dataclass
class Stats:
    triples: int = 0
    entities: int = 0
    entity_counts: EntityCounts = field(default_factory=EntityCounts)
    distinct_subjects: int = 0
    distinct_objects: int = 0
    properties: int = 0
    sources: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI -> triples


class StatsCache:
    """Counts of the store, computed once per store generation (bumped by updates)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._value: tuple[int, Stats] | None = None

    def get(self, store, generation: int) -> Stats:
        with self._lock:
            if self._value is None or self._value[0] != generation:
                self._value = (generation, compute_stats(store))
            return self._value[1]


def _n(store, text: str) -> int:
    rows = select(store, text)
    return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0


def compute_stats(store) -> Stats:
    stats = Stats()
    stats.triples = _n(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    stats.distinct_subjects = _n(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    stats.distinct_objects = _n(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    stats.properties = _n(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    stats.sources = _n(store, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a ckg:SourceDocument }")
    stats.entity_counts = entity_counts(store)
    stats.entities = stats.entity_counts.total
    for row in select(store, "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c } GROUP BY ?c ORDER BY ?c"):
        if row["c"].is_iri:
            stats.classes[row["c"].value] = int(row["n"].value)
    for row in select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g "
                             f"LIMIT {MAX_LISTED_GRAPHS}"):
        stats.graphs[row["g"].value] = int(row["n"].value)
    return stats


def _lit(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _iri(value: str) -> str:
    return sparql_iri(value)


def service_description(state, host_url: str, fmt: str) -> bytes:
    """SPARQL 1.1 Service Description of this endpoint and its dataset."""
    stats = state.stats.get(state.store, state.generation)
    endpoint = host_url.rstrip("/") + "/sparql"
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        f"{_iri(endpoint)} a sd:Service ;",
        f"  sd:endpoint {_iri(endpoint)} ;",
        "  sd:supportedLanguage sd:SPARQL11Query" + (", sd:SPARQL11Update" if state.config.update_token else "") + " ;",
        "  sd:feature sd:UnionDefaultGraph ;",
        "  sd:resultFormat " + ", ".join(_iri(FORMAT_IRIS[f.key]) for f in (*RESULT_FORMATS, *GRAPH_FORMATS)) + " ;",
        "  dcterms:description " + _lit(
            "conflict-kg: a knowledge graph of armed conflict and diplomacy read from news articles. The default "
            "graph is the set union of the per-source named graphs. Read-only unless an update token is set; "
            f"SERVICE and LOAD are refused; queries are limited to {state.config.timeout:g} s and "
            f"{state.config.max_rows:,} rows.") + " ;",
        "  sd:defaultDataset [ a sd:Dataset ;",
        f"    void:sparqlEndpoint {_iri(endpoint)} ;",
        f"    sd:defaultGraph [ a sd:Graph ; void:triples {stats.triples} ]",
    ]
    for graph, count in stats.graphs.items():
        lines[-1] += " ;"
        lines.append(f"    sd:namedGraph [ a sd:NamedGraph ; sd:name {_iri(graph)} ; "
                     f"sd:graph [ a sd:Graph ; void:triples {count} ] ]")
    lines.append("  ] .")
    return serialize_turtle_text("\n".join(lines), fmt, {"sd": "http://www.w3.org/ns/sparql-service-description#",
                                                          "void": "http://rdfs.org/ns/void#"})


def void_description(state, host_url: str, fmt: str) -> bytes:
    """VoID description: size, entities, classes, graphs and sources of the dataset."""
    return serialize_turtle_text(void_turtle(state, host_url), fmt, {
        "void": "http://rdfs.org/ns/void#", "sd": "http://www.w3.org/ns/sparql-service-description#"})


def void_turtle(state, host_url: str) -> str:
    """The VoID description as written (nested, one partition a line): what a browser is shown."""
    stats = state.stats.get(state.store, state.generation)
    root = host_url.rstrip("/")
    dataset = root + "/.well-known/void#dataset"
    lines = [
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        f"{_iri(dataset)} a void:Dataset ;",
        "  dcterms:title " + _lit("conflict-kg merged graph") + " ;",
        "  dcterms:description " + _lit("Attacks, diplomatic actions, actors and places read from news articles, "
                                        "with the source and evidence sentence of every fact.") + " ;",
        f"  void:sparqlEndpoint {_iri(root + '/sparql')} ;",
        f"  void:uriSpace {_lit(state.config.base)} ;",
        f"  void:vocabulary {_iri(ONTOLOGY_NS)} ;",
        f"  void:triples {stats.triples} ;",
        f"  void:entities {stats.entities} ;",
        f"  void:distinctSubjects {stats.distinct_subjects} ;",
        f"  void:distinctObjects {stats.distinct_objects} ;",
        f"  void:properties {stats.properties} ;",
        f"  void:classes {len(stats.classes)} ;",
        f"  void:documents {stats.sources}",
    ]
    for cls, count in stats.classes.items():
        lines[-1] += " ;"
        lines.append(f"  void:classPartition [ void:class {_iri(cls)} ; void:entities {count} ]")
    for graph, count in stats.graphs.items():
        lines[-1] += " ;"
        lines.append(f"  void:subset [ a void:Dataset ; sd:name {_iri(graph)} ; void:triples {count} ]")
    lines[-1] += " ."
    return "\n".join(lines) + "\n"
