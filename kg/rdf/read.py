"""Reading the store back: what the resolver already knows, and which graphs a source names.

``known_records`` turns the merged graph into plain :mod:`kg.resolve.known` records with a
handful of SPARQL queries (one pass over each kind of triple, no per-node queries), so an
incremental build starts its resolver from the nodes already in the store.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import date
from pathlib import PurePosixPath

from kg.rdf.terms import GEONAMES, WIKIDATA
from kg.resolve import KnownEntity, KnownEvent
from kg.vocab import CKG, CLASSES

EVENT_CLASSES = {"Event", "Attack", "DiplomaticAction"}


def _rows(store, sparql: str):
    for row in store.query(sparql):
        yield [None if v is None else v.value for v in row]


def known_records(store, base: str) -> list[KnownEntity | KnownEvent]:
    """Entities and events of the merged graph (IRIs under ``base``) as resolver records."""
    ns = str(CKG)
    types: dict[str, set[str]] = defaultdict(set)
    for node, cls in _rows(store, f"""SELECT ?e ?t WHERE {{ ?e a ?t .
            FILTER(STRSTARTS(STR(?e), "{base}") && STRSTARTS(STR(?t), "{ns}")) }}"""):
        name = cls[len(ns):]
        if name in CLASSES and name != "SourceDocument":
            types[node].add(name)
    if not types:
        return []
    labels: dict[str, str] = {}
    for node, label in _rows(store, "SELECT ?e ?l WHERE { ?e rdfs:label ?l }"):
        if node in types and (node not in labels or label < labels[node]):
            labels[node] = label
    entities: dict[str, KnownEntity] = {}
    events: dict[str, KnownEvent] = {}
    for node, classes in types.items():
        if classes & {"Attack", "DiplomaticAction"}:
            category = "Attack" if "Attack" in classes else "DiplomaticAction"
            events[node] = KnownEvent(node, category, set(classes) - {"Event"}, labels.get(node, node))
        elif not classes & EVENT_CLASSES:
            entities[node] = KnownEntity(node, set(classes), labels.get(node, node))
    for node, alt in _rows(store, "SELECT ?e ?a WHERE { ?e skos:altLabel ?a }"):
        if node in entities:
            entities[node].names.add(alt)
    for node, other in _rows(store, "SELECT ?e ?x WHERE { { ?e owl:sameAs ?x } UNION { ?e skos:exactMatch ?x } }"):
        if node not in entities:
            continue
        if other.startswith(WIKIDATA):
            entities[node].ids["wikidata"] = other[len(WIKIDATA):]
        elif other.startswith(GEONAMES):
            entities[node].ids["geonames"] = other[len(GEONAMES):].strip("/")
    for node, pred, obj in _rows(store, """SELECT ?s ?p ?o WHERE { VALUES ?p { ckg:affiliation ckg:partOf ckg:locatedIn
            ckg:perpetrator ckg:actor ckg:target ckg:recipient ckg:location ckg:date ckg:killed } ?s ?p ?o }"""):
        prop = pred[len(ns):]
        if node in entities and prop in ("affiliation", "partOf"):
            entities[node].affiliations.add(obj)
        elif node in entities and prop == "locatedIn":
            entities[node].containers.add(obj)
        elif node in events:
            event = events[node]
            if prop in ("perpetrator", "actor"):
                event.principals.add(obj)
            elif prop in ("target", "recipient"):
                event.targets.add(obj)
            elif prop == "location":
                event.locations.add(obj)
            elif prop == "date":
                with contextlib.suppress(ValueError):
                    event.dates.add(date.fromisoformat(obj[:10]))
            elif prop == "killed":
                with contextlib.suppress(ValueError):
                    event.killed.add(int(obj))
    # the affiliated States of principals take part in blocking, as when the node was resolved
    for event in events.values():
        for p in list(event.principals):
            entity = entities.get(p)
            if entity and "State" not in entity.types:
                event.principals |= {a for a in entity.affiliations
                                     if a in entities and "State" in entities[a].types}
    return [*sorted(entities.values(), key=lambda e: e.iri), *sorted(events.values(), key=lambda e: e.iri)]


def find_graphs(store, source: str) -> list[str]:
    """Graphs whose document matches ``source``: its id or id prefix, file name, name, URL or IRI."""
    source = source.strip()
    found: set[str] = set()
    query = """SELECT ?g ?doc ?sha ?src ?name ?url WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?doc .
        ?doc ckg:sha256 ?sha . OPTIONAL { ?doc dcterms:source ?src } OPTIONAL { ?doc dcterms:identifier ?name }
        OPTIONAL { ?doc schema:url ?url } } }"""
    for graph, doc, sha, src, name, url in _rows(store, query):
        values = {graph, doc, src, name, url}
        if src:
            values.add(PurePosixPath(src).name)
        if source in values or (len(source) >= 6 and sha.startswith(source.lower())):
            found.add(graph)
    return sorted(found)
