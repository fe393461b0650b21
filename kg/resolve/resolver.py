"""The resolver: maps each document's record keys to IRIs shared across documents.

It holds two in-memory indexes (:class:`~kg.resolve.entities.EntityIndex`,
:class:`~kg.resolve.events.EventIndex`), seeded with what the store already holds
(``kg.rdf.known_records``) and updated with every document it resolves, so documents merge into
existing nodes whether they arrive in the same build or a later one. Resolution is deterministic:
the same documents in the same order give the same IRIs, run after run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from kg.records import DocumentExtraction, EntityRecord, EventRecord, Fact, ResolvedDocument
from kg.resolve import states
from kg.resolve.anchoring import anchor_relative_dates
from kg.resolve.entities import EntityIndex, record_names
from kg.resolve.events import CATEGORIES, EventIndex, Mention, coref_rules, principals_of, type_phrase
from kg.resolve.known import KnownEntity, KnownEvent
from kg.resolve.names import display_name, family

PRINCIPAL = {"Attack": "perpetrator", "DiplomaticAction": "actor"}
OTHER = {"Attack": "target", "DiplomaticAction": "recipient"}
MAX_CONTAINMENT_DEPTH = 8


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Resolver:
    """Entity resolution and event coreference across documents (see the package docstring)."""

    def __init__(self, base: str, known: Iterable[KnownEntity | KnownEvent] = ()):
        self.base = base
        self.entities = EntityIndex(base)
        self.events = EventIndex(base, self.entities.nodes)  # entity nodes: where places lie, for matching
        known = list(known)
        for item in known:
            if isinstance(item, KnownEntity):
                self._add_entity(item)
        for item in known:
            if isinstance(item, KnownEvent):
                self.events.add(item, self._territories(item.locations, item.targets, item.category))

    # -- public ------------------------------------------------------------------------------
    def resolve(self, extraction: DocumentExtraction) -> ResolvedDocument:
        doc_id = extraction.document.id
        iris: dict[str, str] = {}
        explanations: list[str] = []
        facts = defaultdict(list)
        for fact in extraction.facts:
            facts[fact.subject].append(fact)

        for record in sorted(extraction.entities, key=_entity_order):
            iris[record.key] = self._resolve_entity(record, facts, iris, doc_id, explanations)
        self._update_relations(extraction.facts, iris)
        anchor_relative_dates(self, extraction, facts, iris, explanations)  # before any event IRI is minted

        taken: set[str] = set()
        dated = {e.key for e in extraction.events if any(f.predicate == "date" for f in facts[e.key])}
        for event in sorted(extraction.events, key=lambda e: (e.key not in dated, e.key)):
            if event.category not in CATEGORIES:
                explanations.append(f"event {event.key}: unknown category {event.category!r}, skipped")
                continue
            iri = self._resolve_event(event, facts[event.key], iris, extraction, taken, explanations)
            iris[event.key] = iri
            taken.add(iri)

        labels = {iri: self._label(iri) for iri in iris.values()}
        return ResolvedDocument(extraction=extraction, iris=iris, labels=labels, explanations=explanations)

    # -- entities ----------------------------------------------------------------------------
    def _resolve_entity(self, record: EntityRecord, facts, iris, doc_id: str, explanations: list[str]) -> str:
        affiliations = {iris[f.object] for f in facts[record.key]
                        if f.predicate in ("affiliation", "partOf") and f.object_is_key and f.object in iris}
        local_people = {k: v for k, v in iris.items() if v in self.entities.nodes
                        and self.entities.nodes[v].types & {"Person", "Official"}}
        iri, why = self.entities.match(record, local_people, affiliations)
        state = EntityIndex.state_of(record)
        if iri is None:
            label = record.canonical or (state.label if state else display_name(record.name, family(record.type)))
            iri = self.entities.mint(record, label, doc_id)
            node = KnownEntity(iri=iri, types=set(), label=label)
            explanations.append(f"{record.key} {record.name!r} ({record.type}): new node <{iri}>")
        else:
            node = self.entities.nodes[iri]
            explanations.append(f"{record.key} {record.name!r} ({record.type}) -> <{iri}>: {why}")
        node.types.add(record.type)
        node.names.update(record_names(record))
        for scheme, value in record.ids.items():
            node.ids.setdefault(scheme, value)
        if state:
            node.ids.setdefault("iso3166", state.iso)
            if state.geonames:
                node.ids.setdefault("geonames", state.geonames)
        self._add_entity(node)
        return iri

    def _add_entity(self, node: KnownEntity) -> None:
        if "State" in node.types:
            self.events.states.add(node.iri)
            if "iso3166" not in node.ids:
                found = states.lookup(node.label)
                if found:
                    node.ids["iso3166"] = found.iso
        self.entities.add(node)

    def _update_relations(self, facts: list[Fact], iris: dict[str, str]) -> None:
        """Affiliations and containment feed later matching (persons, event territories)."""
        for fact in facts:
            if fact.predicate not in ("affiliation", "partOf", "locatedIn") or not fact.object_is_key:
                continue
            subject, obj = iris.get(fact.subject), iris.get(fact.object)
            if subject in self.entities.nodes and obj and obj != subject:
                node = self.entities.nodes[subject]
                (node.containers if fact.predicate == "locatedIn" else node.affiliations).add(obj)

    def _territories(self, locations: set[str], targets: set[str], category: str) -> set[str]:
        """The States an event happened in: located-in chains of its locations, else targeted States."""
        if category != "Attack":
            return set()
        found: set[str] = set()
        for loc in locations:
            seen, frontier = {loc}, [loc]
            for _ in range(MAX_CONTAINMENT_DEPTH):
                nxt = []
                for place in frontier:
                    if place in self.events.states:
                        found.add(place)
                        continue
                    node = self.entities.nodes.get(place)
                    for up in node.containers if node else ():
                        if up not in seen:
                            seen.add(up)
                            nxt.append(up)
                frontier = nxt
                if not frontier:
                    break
        return found or (targets & self.events.states)

    # -- events ------------------------------------------------------------------------------
    def _resolve_event(self, event: EventRecord, facts: list[Fact], iris, extraction: DocumentExtraction,
                       taken: set[str], explanations: list[str]) -> str:
        def objects(predicate: str) -> set[str]:
            return {iris[f.object] for f in facts if f.predicate == predicate and f.object_is_key and f.object in iris}

        direct = objects(PRINCIPAL[event.category])
        principals = principals_of(direct, self.entities.nodes, self.events.states)
        targets = objects(OTHER[event.category])
        locations = objects("location")
        dates = {d for f in facts if f.predicate == "date" and (d := _as_date(f.object))}
        killed = {int(f.object) for f in facts if f.predicate == "killed" and str(f.object).isdigit() and int(f.object)}
        window = None
        if extraction.publication_date:
            days = coref_rules()["undated_window_days"]
            window = (extraction.publication_date - timedelta(days=days), extraction.publication_date)
        types = set(event.types) | {event.category}
        mention = Mention(key=event.key, category=event.category, types=types, principals=principals,
                          targets=targets, target_states=targets & self.events.states, locations=locations,
                          territories=self._territories(locations, targets, event.category), dates=dates,
                          window=window, killed=killed)
        iri, why = self.events.match(mention, taken)
        if iri is None:
            states_ = self.events.states  # a State reads best in the IRI: the army's strike is Pakistan's
            principal = self._segment(sorted(direct & states_) or sorted(principals & states_) or sorted(direct))
            other = self._segment(sorted(mention.territories) or sorted(targets))
            iri = self.events.mint(mention, principal, other, extraction.document.id)
            node = KnownEvent(iri=iri, category=event.category, types=set(), label=self._event_label(mention, direct))
            note = f"; {why}" if why else ""
            explanations.append(f"event {event.key} ({event.trigger!r}): new node <{iri}>{note}")
        else:
            node = self.events.nodes[iri]
            explanations.append(f"event {event.key} ({event.trigger!r}) -> <{iri}>: {why}")
        node.types |= types
        node.principals |= principals
        node.targets |= targets
        node.locations |= locations
        node.dates |= dates
        node.killed |= killed
        self.events.add(node, mention.territories)
        return iri

    @staticmethod
    def _segment(iris: list[str]) -> str | None:
        return iris[0].rstrip("/").rsplit("/", 1)[-1] if iris else None

    def _event_label(self, m: Mention, direct: set[str]) -> str:
        who = self._label(sorted(direct)[0]) if direct else (self._label(sorted(m.principals)[0]) if m.principals
                                                              else "Unknown actor")
        text = f"{who} {type_phrase(m.types, m.category)}"
        if m.category == "Attack":
            where = sorted(m.territories) or sorted(m.targets)
            if where:
                text += f" on {self._label(where[0])}"
        elif m.targets:
            text += f" ({self._label(sorted(m.targets)[0])})"
        if m.dates:
            text += f", {min(m.dates).isoformat()}"
        return text

    def _label(self, iri: str) -> str:
        if iri in self.entities.nodes:
            return self.entities.nodes[iri].label
        if iri in self.events.nodes:
            return self.events.nodes[iri].label
        return iri.rsplit("/", 1)[-1]


def _entity_order(record: EntityRecord) -> tuple:
    """States, then other non-persons (affiliations resolve first), then full names before surnames."""
    is_person = record.type in ("Person", "Official")
    single = len(record.name.split()) < 2
    return (is_person, record.type != "State", single, record.key)  # States first: affiliations resolve
