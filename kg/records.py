"""Typed records passed between the pipeline stages.

Each stage takes and returns these plain dataclasses, so no stage needs to know how another one
works inside: ``kg.ingest`` makes :class:`Document`, ``kg.extract`` makes
:class:`DocumentExtraction`, ``kg.resolve`` makes :class:`ResolvedDocument`, ``kg.rdf`` turns that
into quads. Nothing here imports spaCy, rdflib or pyoxigraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about a document besides its text (from a manifest, JSONL fields or HTML)."""

    source: str  # the file name or URL the document came from (dcterms:source)
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    date: date | None = None  # publication date given by the input, never guessed here


@dataclass(frozen=True)
class Document:
    """An article ready for NLP.

    ``text`` is the text every character offset in the graph refers to. ``clean_text`` has the same
    length, with boilerplate (navigation, "Read More" lines, embeds) blanked out by spaces, so the
    NLP stage reads only the article while offsets stay valid without any offset map.
    """

    id: str  # sha256 of ``text``: the same article read twice is the same document
    name: str  # how to refer to it in messages (file name, or file name#line for JSONL)
    text: str
    clean_text: str
    meta: DocumentMeta
    dropped: tuple[DroppedField, ...] = ()  # metadata the input gave that could not be used, and why

    def __post_init__(self) -> None:
        if len(self.text) != len(self.clean_text):
            raise ValueError("clean_text must keep the length of text so offsets stay valid")


@dataclass(frozen=True)
class DroppedField:
    """A metadata value left out because it cannot be used; the document is built without it.

    A bad URL or date says nothing about the text, so it must not cost the article: only the field
    goes, with a warning (an error under ``--strict``).
    """

    name: str  # where the value was: "feed.jsonl:7", "manifest.csv row 3 (a.txt)"
    field: str  # url, title, publisher, date, id
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.field} dropped: {self.reason}"


@dataclass(frozen=True)
class Skipped:
    """An input that was not built, and why (shown to the user, never silently dropped)."""

    name: str
    reason: str


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: a sentence of the document and how sure the extractor is."""

    start: int  # character offsets of the sentence in Document.text
    end: int
    sentence: str  # == Document.text[start:end]
    confidence: float  # 0..1
    attributed_to: str | None = None  # key of the EntityRecord the text attributes the fact to
    note: str | None = None  # what the statement says about the reading, e.g. a range's lower bound kept


@dataclass
class EntityRecord:
    """One real-world entity as one document speaks of it (its mentions already merged)."""

    key: str  # document-local identifier, referenced by Fact.subject / Fact.object
    type: str  # ontology class local name: State, ArmedGroup, Official, Person, Place, ...
    name: str  # the best name this document gives it
    evidence: Evidence  # the sentence of its first mention
    names: set[str] = field(default_factory=set)  # every surface form seen
    canonical: str | None = None  # a gazetteer's canonical label, when the entity is known
    ids: dict[str, str] = field(default_factory=dict)  # "wikidata", "geonames", "iso3166"
    lat: float | None = None
    long: float | None = None


@dataclass
class EventRecord:
    """An attack or a diplomatic action reported in one document; its arguments are Facts."""

    key: str
    category: str  # "Attack" or "DiplomaticAction"
    types: tuple[str, ...]  # ontology class local names, e.g. ("MissileStrike", "DroneStrike")
    trigger: str  # the words that name the event ("missile and drone strikes")
    evidence: Evidence


@dataclass(frozen=True)
class RelativeDate:
    """A date said relative to an unknown publication date ("on Wednesday", "yesterday").

    Only a ``Fact.object`` of predicate "date" (``object_is_key=False``) in a document with no known
    publication date; resolution (``kg.resolve.anchoring``) turns it into a ``date`` against an anchor
    taken from the dated events the document shares with other articles, or drops it. RDF never sees it.
    """

    text: str  # the expression as written
    weekday: int | None = None  # 0 = Monday: the latest such weekday on or before the anchor
    days: int = 0  # with no weekday: days from the anchor ("yesterday" -1, "today" 0)

    def resolve(self, anchor: date) -> date:
        if self.weekday is None:
            return anchor + timedelta(days=self.days)
        return anchor - timedelta(days=(anchor.weekday() - self.weekday) % 7)


@dataclass(frozen=True)
class Fact:
    """One extracted statement ``subject predicate object`` with its evidence.

    ``predicate`` is an ontology property local name (perpetrator, target, actor, recipient,
    location, date, killed, injured, inResponseTo, position, affiliation, basedIn, locatedIn).
    When ``object_is_key`` the object is the key of an EntityRecord or EventRecord, else a literal.
    """

    subject: str
    predicate: str
    object: str | int | date | RelativeDate  # RelativeDate only before resolution (see RelativeDate)
    evidence: Evidence
    object_is_key: bool = True


@dataclass
class DocumentExtraction:
    """Everything the extractor read out of one document: pure data, no spaCy objects."""

    document: Document
    publication_date: date | None
    publication_date_source: str  # "input", "text" or "unknown"
    entities: list[EntityRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


@dataclass
class ResolvedDocument:
    """An extraction whose keys are mapped to canonical IRIs shared across documents."""

    extraction: DocumentExtraction
    iris: dict[str, str]  # record key -> IRI
    labels: dict[str, str]  # IRI -> canonical rdfs:label
    explanations: list[str] = field(default_factory=list)  # why records were merged
