"""Turns an ``EntityView`` (kg.server.describe) into what ``entity.html`` draws.

The view holds the facts; this module only derives the pictures from it: the neighbourhood graph
(nodes coloured by the ontology class a property points to), the timeline of related events and the
map position. Node kinds come from the ontology's domains and ranges (``kg.vocab``), not from names.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg import vocab
from kg.config import ONTOLOGY_NS
from kg.server import charts

MAX_GRAPH_NODES = 120


@dataclass(frozen=True)
class TimelineEntry:
    iri: str
    label: str
    date: str
    category: str
    current: bool
    href: str


def _kind(classes: frozenset[str]) -> str:
    """The colour group for a node known to be of one of ``classes``."""
    for group in ("Attack", "DiplomaticAction", "Event", "Place", "Actor", "SourceDocument"):
        if classes & ({group} | vocab.subclasses(group)):
            return "Source" if group == "SourceDocument" else group
    return "node"


def _property_name(iri: str) -> str | None:
    return vocab.local_name(iri)


def _range_kind(property_iri: str) -> str:
    name = _property_name(property_iri)
    return _kind(vocab.range_of(name)) if name and vocab.property_kind(name) == "object" else "node"


def _domain_kind(property_iri: str) -> str:
    name = _property_name(property_iri)
    return _kind(vocab.domain(name)) if name else "node"


def _own_kind(view) -> str:
    names = frozenset(n for t in view.types if (n := vocab.local_name(t.iri)))
    kind = _kind(names)
    if kind == "node" and view.is_event:
        return "Event"
    return kind


def neighbourhood(view) -> dict:
    """Nodes and edges for vis-network: the entity, what its facts point to, what points to it."""
    nodes: dict[str, dict] = {view.iri: {"id": view.iri, "label": view.label, "title": view.iri,
                                          "group": "center", "href": view.href}}
    edges: list[dict] = []
    # a related event's own class beats the one its link's property implies (inResponseTo: any Event)
    known = {related.event.iri: related.kind for related in view.related_events if related.kind != "Event"}

    def add(link, group: str) -> bool:
        group = known.get(link.iri, group)
        if link.iri not in nodes:
            if len(nodes) >= MAX_GRAPH_NODES:
                return False
            nodes[link.iri] = {"id": link.iri, "label": link.label, "title": link.iri, "group": group,
                               "href": link.href}
        return True

    for group in view.facts:
        for fact in group.values:
            if fact.value.link is not None and add(fact.value.link, _range_kind(group.property.iri)):
                edges.append({"from": view.iri, "to": fact.value.link.iri, "label": group.property.label,
                              "title": group.property.iri})
    for link in view.incoming:
        if add(link.subject, _domain_kind(link.property.iri)):
            edges.append({"from": link.subject.iri, "to": view.iri, "label": link.property.label,
                          "title": link.property.iri})
    linked = {(e["from"], e["to"]) for e in edges} | {(e["to"], e["from"]) for e in edges}
    for related in view.related_events:
        if add(related.event, related.kind) and (view.iri, related.event.iri) not in linked:
            edges.append({"from": view.iri, "to": related.event.iri, "label": related.relation,
                          "dashes": True, "title": related.relation})
    return {"nodes": list(nodes.values()), "edges": edges}


def _event_date(view) -> str | None:
    for group in view.facts:
        if group.property.iri == ONTOLOGY_NS + "date" and group.values:
            return min(fact.value.text for fact in group.values)[:10]
    return None


def timeline_entries(view) -> list[TimelineEntry]:
    """This event and its related events that have a date, for the small timeline."""
    entries = []
    own = _event_date(view)
    if own:
        entries.append(TimelineEntry(view.iri, view.label, own, _own_kind(view), True, view.href))
    for related in view.related_events:
        if related.date:
            entries.append(TimelineEntry(related.event.iri, f"{related.event.label} ({related.relation})",
                                         related.date[:10], related.kind, False, related.event.href))
    return entries


def page_title(view) -> str:
    """What the page is called: a source by its headline (or file name), a statement by the fact it
    states, anything else by its label; never by the hash its IRI is made of."""
    if view.is_document and view.document is not None:
        return view.document.heading
    if view.is_statement and view.statement is not None:
        st = view.statement
        return f"Evidence: {st.subject.label} {st.property.label} {st.value.text}"
    return view.label


def entity_context(view) -> dict:
    """Template variables for ``entity.html``."""
    hrefs = {view.iri: view.href}
    entries = timeline_entries(view) if view.is_event else []
    hrefs.update({e.iri: e.href for e in entries})
    map_box = None
    if view.lat is not None and view.long is not None:
        map_box = charts.map_points([(view.lat, view.long, view.label, view.iri, True)])
    return {
        "title": page_title(view),
        "view": view,
        "kind": _own_kind(view),
        "graph": neighbourhood(view),
        "timeline": charts.timeline(entries, width=720) if len(entries) > 0 else None,
        "related": view.related_events,
        "map_box": map_box,
        "hrefs": hrefs,
        "ckg": ONTOLOGY_NS,
    }
