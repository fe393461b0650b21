"""An event page colours its related events by their own class (issue 18's pages at 1400 px): the
timeline drew every related event as "other event" and the graph drew an attack that responded to
this one as a plain event, although the legend beside them promises red attacks and blue actions."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.server.describe import describe
from kg.server.entity_page import neighbourhood, timeline_entries
from kg.store import KGStore

SAMPLE = Path(__file__).parent / "browser" / "data" / "sample.trig"
BASE = "https://w3id.org/conflict-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_related_events_keep_their_class_in_the_timeline_and_the_graph():
    store = KGStore()
    store.load_quads(SAMPLE)
    view = describe(store, BASE + "event/strike-1", BASE)
    kinds = {r.event.iri.rpartition("/")[2]: r.kind for r in view.related_events}
    assert kinds["condemnation-1"] == "DiplomaticAction"  # responded to by: an incoming inResponseTo
    timeline = {e.iri.rpartition("/")[2]: e.category for e in timeline_entries(view)}
    assert timeline["condemnation-1"] == "DiplomaticAction" and timeline["strike-1"] == "Attack"
    groups = {n["id"].rpartition("/")[2]: n["group"] for n in neighbourhood(view)["nodes"]}
    assert groups["condemnation-1"] == "DiplomaticAction"  # not "Event", the domain of inResponseTo


def test_an_event_of_no_known_family_stays_a_plain_event():
    store = KGStore()
    store.load_quads(SAMPLE)
    ckg = "https://w3id.org/conflict-kg/ontology#"
    other = ox.NamedNode(BASE + "event/other")
    store.add_graph(BASE + "source/x", [ox.Triple(other, ox.NamedNode(RDF_TYPE), ox.NamedNode(ckg + "Event")),
                                        ox.Triple(other, ox.NamedNode(ckg + "inResponseTo"),
                                                  ox.NamedNode(BASE + "event/strike-1"))])
    view = describe(store, BASE + "event/strike-1", BASE)
    assert {r.event.iri: r.kind for r in view.related_events}[BASE + "event/other"] == "Event"
