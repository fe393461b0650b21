"""What the dashboard shows, read from the store in-process with a few SPARQL queries.

Class names come from the ontology (``kg.vocab``, its class hierarchy), never from a list typed
here, so a new event type in the ontology shows up on the dashboard without a code change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg import vocab
from kg.config import ONTOLOGY_NS
from kg.store import KGStore


def subclasses(root: str) -> list[str]:
    """``root`` and every class below it in the ontology (local names, sorted)."""
    return sorted({root} | vocab.subclasses(root))


def class_label(name: str) -> str:
    try:
        return vocab.label(name)
    except KeyError:
        return name


def _values(names: list[str]) -> str:
    return " ".join(f"<{ONTOLOGY_NS}{n}>" for n in names)


def local(iri: str) -> str:
    return iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else iri


@dataclass
class TimelineItem:
    iri: str
    label: str
    date: str  # ISO yyyy-mm-dd
    types: list[str]
    category: str  # "Attack", "DiplomaticAction" or "Event"
    reported: bool = False  # no event date known: placed at the first publication date of its sources


@dataclass
class ContestedFact:
    subject: str
    subject_label: str
    property: str
    values: list[tuple[str, list[tuple[str, str]]]]  # value -> [(document IRI, document title)]


@dataclass
class DashboardData:
    sources: int = 0
    entities: int = 0  # actors, places and events: kg.server.description.entity_counts, as in VoID
    actors_and_places: int = 0
    events: int = 0
    triples: int = 0
    entities_by_type: list[tuple[str, int]] = field(default_factory=list)
    events_by_type: list[tuple[str, int]] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    top_actors: list[tuple[str, str, int]] = field(default_factory=list)  # iri, label, connections
    contested: list[ContestedFact] = field(default_factory=list)
    documents: list[tuple[str, str, str]] = field(default_factory=list)  # iri, title, date


def _rows(store: KGStore, sparql: str) -> list[dict[str, str]]:
    result = store.query(sparql)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        rows.append({n: solution[n].value for n in names if solution[n] is not None})
    return rows


def _count(store: KGStore, sparql: str) -> int:
    rows = _rows(store, sparql)
    return int(rows[0].get("n", 0)) if rows else 0


def dashboard_data(store: KGStore, top: int = 12, counts=None) -> DashboardData:
    """``counts`` (an ``EntityCounts``) is the server's cached one when given, so the dashboard and
    VoID show the very same numbers; without it they are counted by the same function."""
    from kg.server.description import entity_counts

    events, actors = subclasses("Event"), subclasses("Actor")
    entity_classes = sorted(set(actors) | set(subclasses("Place")))
    data = DashboardData(triples=len(store))
    data.sources = _count(store, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a ckg:SourceDocument }")
    typed = "WHERE {{ VALUES ?t {{ {} }} ?e a ?t }}"
    counts = counts or entity_counts(store)
    data.entities, data.actors_and_places, data.events = counts.total, counts.actors_and_places, counts.events
    for key, classes in (("entities_by_type", entity_classes), ("events_by_type", [e for e in events if e != "Event"])):
        rows = _rows(store, "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) " + typed.format(_values(classes))
                     + " GROUP BY ?t ORDER BY DESC(?n) ?t")
        setattr(data, key, [(class_label(local(r["t"])), int(r["n"])) for r in rows])
    data.timeline = _timeline(store, events)
    data.top_actors = _top_actors(store, actors, top)
    data.contested = _contested(store)
    data.documents = [(r["d"], r.get("title") or r.get("source") or r["d"], r.get("date", "")) for r in _rows(store, """
        SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?i) AS ?date) (SAMPLE(?s) AS ?source) WHERE {
          ?d a ckg:SourceDocument OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d dcterms:issued ?i }
          OPTIONAL { ?d dcterms:source ?s }
        } GROUP BY ?d ORDER BY ?date ?d""")]
    return data


def _timeline(store: KGStore, events: list[str]) -> list[TimelineItem]:
    rows = _rows(store, f"""
        SELECT ?e ?date (SAMPLE(?l) AS ?label) (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types) WHERE {{
          VALUES ?t {{ {_values(events)} }}
          ?e a ?t ; ckg:date ?date . OPTIONAL {{ ?e rdfs:label ?l }}
        }} GROUP BY ?e ?date ORDER BY ?date ?e""")
    # Events the sources give no date for: shown (hollow) at the day their first source was published.
    rows += [dict(r, reported="1") for r in _rows(store, f"""
        SELECT ?e (MIN(?issued) AS ?date) (SAMPLE(?l) AS ?label)
               (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types) WHERE {{
          VALUES ?t {{ {_values(events)} }}
          ?e a ?t . FILTER NOT EXISTS {{ ?e ckg:date ?any }}
          GRAPH ?g {{ ?e a ?t0 }} ?g prov:wasDerivedFrom ?doc . ?doc dcterms:issued ?issued .
          OPTIONAL {{ ?e rdfs:label ?l }}
        }} GROUP BY ?e ORDER BY ?date ?e""") if r.get("date")]
    attacks, diplomacy = set(subclasses("Attack")), set(subclasses("DiplomaticAction"))
    items = []
    for row in rows:
        types = sorted({local(t) for t in row["types"].split()})
        specific = [t for t in types if t not in {"Event", "Attack", "DiplomaticAction"}] or types
        category = ("Attack" if attacks.intersection(types)
                    else "DiplomaticAction" if diplomacy.intersection(types) else "Event")
        label = row.get("label") or ", ".join(class_label(t) for t in specific)
        items.append(TimelineItem(row["e"], label, row["date"][:10], specific, category, bool(row.get("reported"))))
    return items


def _top_actors(store: KGStore, actors: list[str], top: int) -> list[tuple[str, str, int]]:
    """Actors by how many distinct events and entities they are linked to (either direction)."""
    rows = _rows(store, f"""
        SELECT ?a (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?other) AS ?n) WHERE {{
          VALUES ?t {{ {_values(actors)} }}
          ?a a ?t .
          {{ ?a ?p ?other }} UNION {{ ?other ?p ?a }}
          FILTER(isIRI(?other) && STRSTARTS(STR(?p), STR(ckg:)) && ?other != ?a)
          OPTIONAL {{ ?a rdfs:label ?l }}
        }} GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT {int(top)}""")
    return [(r["a"], r.get("label") or r["a"], int(r["n"])) for r in rows]


CONTESTABLE = ("killed", "injured", "date")  # single-valued facts where sources may disagree


def _contested(store: KGStore) -> list[ContestedFact]:
    """Facts where source graphs give different values for the same subject and property."""
    props = " ".join(f"ckg:{p}" for p in CONTESTABLE)
    rows = _rows(store, f"""
        SELECT DISTINCT ?s ?p ?o ?doc ?title ?label WHERE {{
          VALUES ?p {{ {props} }}
          GRAPH ?g {{ ?s ?p ?o }}
          ?g prov:wasDerivedFrom ?doc .
          OPTIONAL {{ ?doc dcterms:title ?t }} OPTIONAL {{ ?doc dcterms:source ?src }}
          BIND(COALESCE(?t, ?src) AS ?title)
          OPTIONAL {{ ?s rdfs:label ?label }}
        }} ORDER BY ?s ?p ?o ?doc""")
    grouped: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    labels: dict[str, str] = {}
    for row in rows:
        grouped[(row["s"], row["p"])][row["o"]][row["doc"]] = row.get("title") or row["doc"]
        labels[row["s"]] = row.get("label") or labels.get(row["s"]) or row["s"]
    return [
        ContestedFact(s, labels[s], local(p), [(value, sorted(docs.items())) for value, docs in values.items()])
        for (s, p), values in grouped.items() if len(values) > 1
    ]
