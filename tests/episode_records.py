"""Hand-made DocumentExtraction records for the resolve / rdf / store / query / export tests.

Five short articles about one episode (written for these tests, with real offsets into their
texts), spelling names differently on purpose: they prove the merge stages independently of
extraction. Built through ``kg.ingest.make_document`` so ids are real sha256 hashes.
"""

from __future__ import annotations

from datetime import date

from kg.ingest import make_document
from kg.records import DocumentExtraction, DocumentMeta, EntityRecord, EventRecord, Evidence, Fact


class DocBuilder:
    def __init__(self, name: str, sentences: list[str], published: date | None = None, publisher: str | None = None):
        self.sentences = sentences
        text = " ".join(sentences)
        self.offsets, pos = [], 0
        for s in sentences:
            self.offsets.append((pos, pos + len(s)))
            pos += len(s) + 1
        meta = DocumentMeta(source=name, title=f"Report {name}", publisher=publisher, date=published,
                            url=f"https://news.example.org/{name}")
        self.document = make_document(name, text, meta)
        self.published = published
        self.entities: list[EntityRecord] = []
        self.events: list[EventRecord] = []
        self.facts: list[Fact] = []

    def ev(self, i: int, confidence: float = 0.9, attributed_to: str | None = None) -> Evidence:
        start, end = self.offsets[i]
        return Evidence(start, end, self.document.text[start:end], confidence, attributed_to)

    def ent(self, key, type_, name, i=0, names=(), canonical=None, ids=None, lat=None, long=None):
        self.entities.append(EntityRecord(key, type_, name, self.ev(i), set(names) | {name}, canonical,
                                          dict(ids or {}), lat, long))
        return self

    def event(self, key, category, types, trigger, i):
        self.events.append(EventRecord(key, category, tuple(types), trigger, self.ev(i)))
        return self

    def fact(self, s, p, o, i, key=True, attr=None, confidence=0.8):
        self.facts.append(Fact(s, p, o, self.ev(i, confidence, attr), key))
        return self

    def extraction(self) -> DocumentExtraction:
        return DocumentExtraction(self.document, self.published, "input" if self.published else "unknown",
                                  self.entities, self.events, self.facts)


D16, D17, D18, D15 = date(2024, 1, 16), date(2024, 1, 17), date(2024, 1, 18), date(2024, 1, 15)


def doc_a() -> DocumentExtraction:
    b = DocBuilder("wire-a.txt", [
        "Pakistan carried out airstrikes on Baloch separatist hideouts near Saravan in Iran's Sistan and "
        "Baluchestan province on January 18, 2024.",
        "Seven people were killed, Iranian state media said.",
        "Iran launched missile and drone strikes on Jaish al-Adl in Pakistan's Balochistan province on "
        "January 16, 2024.",
        "Two children were killed and three injured.",
        "Pakistan recalled its ambassador from Tehran on January 17, 2024.",
    ], published=D18, publisher="Wire A")
    b.ent("pk", "State", "Pakistan", 0, canonical="Pakistan", ids={"wikidata": "Q843"})
    b.ent("ir", "State", "Iran", 0, names={"Iranian"}, canonical="Iran", ids={"wikidata": "Q794"})
    b.ent("sep", "ArmedGroup", "Baloch separatists", 0)
    b.ent("sar", "Place", "Saravan", 0, lat=27.3709, long=62.3342)
    b.ent("sb", "Place", "Sistan and Baluchestan province", 0)
    b.ent("jaa", "ArmedGroup", "Jaish al-Adl", 2)
    b.ent("bal", "Place", "Balochistan province", 2)
    b.event("a2", "Attack", ["Airstrike"], "airstrikes", 0)
    b.event("a1", "Attack", ["MissileStrike", "DroneStrike"], "missile and drone strikes", 2)
    b.event("d1", "DiplomaticAction", ["EnvoyRecall"], "recalled its ambassador", 4)
    (b.fact("a2", "perpetrator", "pk", 0).fact("a2", "target", "sep", 0).fact("a2", "location", "sar", 0)
     .fact("a2", "date", D18, 0, key=False).fact("a2", "killed", 7, 1, key=False, attr="ir")
     .fact("sar", "locatedIn", "sb", 0).fact("sb", "locatedIn", "ir", 0)
     .fact("a1", "perpetrator", "ir", 2).fact("a1", "target", "jaa", 2).fact("a1", "location", "bal", 2)
     .fact("a1", "date", D16, 2, key=False).fact("a1", "killed", 2, 3, key=False)
     .fact("a1", "injured", 3, 3, key=False).fact("bal", "locatedIn", "pk", 2).fact("jaa", "basedIn", "bal", 2)
     .fact("d1", "actor", "pk", 4).fact("d1", "recipient", "ir", 4).fact("d1", "date", D17, 4, key=False))
    return b.extraction()


def doc_b() -> DocumentExtraction:
    """No publication date and no dates: "Thursday" cannot be resolved; demonym and capital as states."""
    b = DocBuilder("blog-b.txt", [
        "Pakistani jets struck militant hideouts near Sarwan in Sistan-o-Balochistan on Thursday.",
        "Six people died in the strikes, according to Iran.",
        "Tehran had attacked the Jaish al-Adli group in Pakistan the day before.",
        "Foreign Minister Hossein Amir-Abdollahian phoned his counterpart Jalil Abbas Jilani.",
    ])
    b.ent("pk", "State", "Pakistani", 0)
    b.ent("sar", "Place", "Sarwan", 0)
    b.ent("sb", "Place", "Sistan-o-Balochistan", 0)
    b.ent("ir", "State", "Iran", 1)
    b.ent("teh", "State", "Tehran", 2)
    b.ent("jaa", "ArmedGroup", "Jaish al-Adli group", 2)
    b.ent("pk2", "State", "Pakistan", 2)
    b.ent("ha", "Official", "Hossein Amir-Abdollahian", 3)
    b.ent("jj", "Official", "Jalil Abbas Jilani", 3)
    b.event("a2", "Attack", ["Airstrike"], "struck", 0)
    b.event("a1", "Attack", [], "attacked", 2)
    b.event("d6", "DiplomaticAction", ["Communication"], "phoned", 3)
    (b.fact("a2", "perpetrator", "pk", 0).fact("a2", "location", "sar", 0).fact("sar", "locatedIn", "sb", 0)
     .fact("a2", "killed", 6, 1, key=False, attr="ir")
     .fact("a1", "perpetrator", "teh", 2).fact("a1", "target", "jaa", 2).fact("a1", "location", "pk2", 2)
     .fact("ha", "position", "Foreign Minister", 3, key=False).fact("ha", "affiliation", "ir", 3)
     .fact("jj", "position", "Foreign Minister", 3, key=False).fact("jj", "affiliation", "pk2", 3)
     .fact("d6", "actor", "ha", 3).fact("d6", "recipient", "jj", 3))
    return b.extraction()


def doc_c() -> DocumentExtraction:
    """Iran's strikes on Iraq and Syria, same days and same perpetrator: must stay apart."""
    b = DocBuilder("news-c.txt", [
        "Iran fired missiles at an alleged spy base in Iraq on January 15, 2024.",
        "Iran also struck Islamic State targets in Syria on January 16, 2024.",
        "On January 16, 2024 Iran struck Jaish ul-Adl in Pakistan.",
        "Iraq condemned Iran on January 16, 2024.",
        "Pakistan struck back near Saravan on January 18, 2024.",
    ], published=D18, publisher="News C")
    b.ent("ir", "State", "Iran", 0, canonical="Iran", ids={"wikidata": "Q794"})
    b.ent("iq", "State", "Iraq", 0, canonical="Iraq", ids={"wikidata": "Q796"})
    b.ent("sy", "State", "Syria", 1, canonical="Syria", ids={"wikidata": "Q858"})
    b.ent("isl", "ArmedGroup", "Islamic State", 1)
    b.ent("jaa", "ArmedGroup", "Jaish ul-Adl", 2)
    b.ent("pk", "State", "Pakistan", 2, canonical="Pakistan", ids={"wikidata": "Q843"})
    b.ent("sar", "Place", "Saravan", 4)
    b.event("a3", "Attack", ["MissileStrike"], "fired missiles", 0)
    b.event("a4", "Attack", ["MissileStrike"], "struck", 1)
    b.event("a1", "Attack", ["MissileStrike"], "struck", 2)
    b.event("d8", "DiplomaticAction", ["Condemnation"], "condemned", 3)
    b.event("a2", "Attack", [], "struck back", 4)
    (b.fact("a3", "perpetrator", "ir", 0).fact("a3", "location", "iq", 0).fact("a3", "date", D15, 0, key=False)
     .fact("a4", "perpetrator", "ir", 1).fact("a4", "target", "isl", 1).fact("a4", "location", "sy", 1)
     .fact("a4", "date", D16, 1, key=False)
     .fact("a1", "perpetrator", "ir", 2).fact("a1", "target", "jaa", 2).fact("a1", "location", "pk", 2)
     .fact("a1", "date", D16, 2, key=False)
     .fact("d8", "actor", "iq", 3).fact("d8", "recipient", "ir", 3).fact("d8", "date", D16, 3, key=False)
     .fact("a2", "perpetrator", "pk", 4).fact("a2", "location", "sar", 4).fact("a2", "date", D18, 4, key=False)
     .fact("a2", "inResponseTo", "a1", 4))
    return b.extraction()


def doc_d() -> DocumentExtraction:
    """A surname after no full mention in this document, an alias, an official with an office."""
    b = DocBuilder("cnn-d.txt", [
        "Pakistan struck seven locations inside Iran near Saravan on Thursday, January 18, 2024.",
        "At least seven people were killed, said deputy governor Alireza Marhamati.",
        "Jaish al-Adl, or Justice Army, is based in Balochistan.",
        "Jilani told his Iranian counterpart that the attack had damaged relations.",
        "Pakistan also suspended high-level visits by Iranian officials.",
        "A day before, Iran fired precision missiles at Jaish al-Adl in Pakistan on January 16, 2024.",
    ], published=D18, publisher="CNN D")
    b.ent("pk", "State", "Pakistan", 0, canonical="Pakistan", ids={"wikidata": "Q843"})
    b.ent("ir", "State", "Iran", 0, canonical="Iran", ids={"wikidata": "Q794"})
    b.ent("sar", "Place", "Saravan", 0)
    b.ent("am", "Official", "Alireza Marhamati", 1)
    b.ent("jaa", "ArmedGroup", "Jaish al-Adl", 2, names={"Justice Army"})
    b.ent("bal", "Place", "Balochistan", 2)
    b.ent("jil", "Official", "Jilani", 3)
    b.event("a2", "Attack", ["MissileStrike"], "struck", 0)
    b.event("d3", "DiplomaticAction", ["VisitSuspension"], "suspended high-level visits", 4)
    b.event("a1", "Attack", ["MissileStrike"], "fired precision missiles", 5)
    (b.fact("a2", "perpetrator", "pk", 0).fact("a2", "location", "sar", 0).fact("a2", "date", D18, 0, key=False)
     .fact("a2", "killed", 7, 1, key=False, attr="am")
     .fact("am", "position", "Deputy Governor", 1, key=False).fact("am", "affiliation", "ir", 1)
     .fact("jaa", "basedIn", "bal", 2).fact("jil", "affiliation", "pk", 3)
     .fact("d3", "actor", "pk", 4).fact("d3", "recipient", "ir", 4)
     .fact("a1", "perpetrator", "ir", 5).fact("a1", "target", "jaa", 5).fact("a1", "location", "pk", 5)
     .fact("a1", "date", D16, 5, key=False))
    return b.extraction()


def doc_e() -> DocumentExtraction:
    """Another spelling of the province, Iran's official name, and an undated report of Iran's strike."""
    b = DocBuilder("rt-e.txt", [
        "Pakistan said it launched airstrikes on terrorist hideouts in Sistan and Baluchistan province of Iran "
        "on January 18, 2024.",
        "Iran demanded an immediate explanation from Pakistan.",
        "The Islamic Republic of Iran had attacked the Jaish al-Adl terrorist group in Pakistani Balochistan "
        "on Tuesday.",
    ], published=D18, publisher="RT E")
    b.ent("pk", "State", "Pakistan", 0)
    b.ent("sb", "Place", "Sistan and Baluchistan province", 0)
    b.ent("ir", "State", "Islamic Republic of Iran", 2, names={"Iran"})
    b.ent("jaa", "ArmedGroup", "Jaish al-Adl terrorist group", 2)
    b.ent("bal", "Place", "Balochistan", 2)
    b.event("a2", "Attack", ["Airstrike"], "airstrikes", 0)
    b.event("d7", "DiplomaticAction", ["Demand"], "demanded", 1)
    b.event("a1", "Attack", [], "attacked", 2)
    (b.fact("a2", "perpetrator", "pk", 0).fact("a2", "location", "sb", 0).fact("a2", "date", D18, 0, key=False)
     .fact("d7", "actor", "ir", 1).fact("d7", "recipient", "pk", 1)
     .fact("a1", "perpetrator", "ir", 2).fact("a1", "target", "jaa", 2).fact("a1", "location", "bal", 2))
    return b.extraction()


def episode() -> list[DocumentExtraction]:
    return [doc_a(), doc_b(), doc_c(), doc_d(), doc_e()]


BASE = "https://w3id.org/conflict-kg/id/"


def build_episode(extractions=None, store=None, base: str = BASE):
    """Resolve and store the episode with the real stages (Resolver, document_triples, KGStore)."""
    from kg.rdf import RunInfo, document_triples, graph_iri, known_records
    from kg.resolve import Resolver
    from kg.store import KGStore

    store = store if store is not None else KGStore()
    resolver = Resolver(base, known_records(store, base))
    run = RunInfo.now("test-model", "0.0")
    resolved = []
    for extraction in extractions if extractions is not None else episode():
        r = resolver.resolve(extraction)
        resolved.append(r)
        store.add_graph(graph_iri(extraction.document.id, base), document_triples(r, base, run))
    return store, resolved
