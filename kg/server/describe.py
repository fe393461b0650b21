"""What the graph says about one IRI, gathered into plain data for the entity page and its RDF twin.

:func:`describe` runs a handful of small, bounded SPARQL queries on the store and returns an
:class:`EntityView`: labels, types, external identities, every fact grouped by property with the
sources that state it and the evidence sentences behind it, incoming links, related events and
coordinates. The HTML template (``kg.server.ui.render_entity``) and the minimal fallback page only
render this view, so what a browser sees and what the data says cannot drift apart.

:func:`concise_description` is the RDF counterpart: the triples a Linked Data client gets back
for the same IRI (a bounded description, with statements and neighbour labels).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.config import ONTOLOGY_DIR, ONTOLOGY_NS
from kg.query import TermValue, construct, file_labels, select, sparql_iri
from kg.store import PREFIXES, KGStore

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
OWL = PREFIXES["owl"]
GEO = PREFIXES["geo"]
PROV = PREFIXES["prov"]
DCT = PREFIXES["dcterms"]

MAX_FACTS = 2000  # outgoing triples read for one entity
MAX_INCOMING = 300  # incoming links shown
MAX_RELATED = 50  # related events shown
MAX_REPORTED = 500  # statements shown on a source page, or attributed to an entity
# Shown in their own fields of the view rather than as facts.
SPECIAL = {RDF + "type", RDFS + "label", SKOS + "altLabel", OWL + "sameAs"}
EVENT_ROLES = ("perpetrator", "target", "actor", "recipient")
EVENT_PREDICATES = {ONTOLOGY_NS + p for p in (*EVENT_ROLES, "inResponseTo", "date", "killed", "injured")}
EVENT_CLASSES = {ONTOLOGY_NS + c for c in ("Event", "Attack", "DiplomaticAction")}
PLACE_CLASSES = {ONTOLOGY_NS + c for c in ("Place", "State")}


@dataclass(frozen=True)
class Link:
    """An IRI with its label; ``href`` is where a browser goes (``/id/...`` for IRIs under the base),
    None when the IRI is not one a browser may follow (see :func:`web_href`)."""

    iri: str
    label: str
    href: str | None


@dataclass(frozen=True)
class ExternalLink:
    """An ``owl:sameAs`` identity elsewhere; ``kind`` is "wikidata", "geonames" or "other"."""

    iri: str
    label: str
    kind: str

    @property
    def href(self) -> str | None:
        return web_href(self.iri)


@dataclass(frozen=True)
class Value:
    """The object of a fact: a link to another node, or a literal (``text`` is what to show)."""

    text: str
    link: Link | None = None
    datatype: str | None = None
    language: str | None = None

    @property
    def is_link(self) -> bool:
        return self.link is not None


@dataclass(frozen=True)
class SourceRef:
    """A source document and the named graph in which it states something."""

    document: Link
    graph: str
    title: str | None = None
    publisher: str | None = None
    issued: str | None = None  # ISO date
    url: str | None = None  # dcterms:source: the article's URL or file name

    @property
    def url_href(self) -> str | None:
        return web_href(self.url)

    @property
    def heading(self) -> str:
        """What names the document to a reader: its headline, else its URL or file name."""
        return self.title or self.url or self.document.label


@dataclass(frozen=True)
class EvidenceRef:
    """One ``rdf:Statement`` behind a fact: the sentence it was read from and how sure the reader is."""

    statement: str
    sentence: str | None
    confidence: float | None
    char_start: int | None
    char_end: int | None
    source: SourceRef | None
    attributed_to: Link | None = None


@dataclass(frozen=True)
class ReportedFact:
    """A fact as one source reported it: an ``rdf:Statement`` read back as subject, property, value
    and the evidence behind it. Statements are shown this way, never as neighbours named by a hash."""

    subject: Link
    property: Link
    value: Value
    evidence: EvidenceRef


@dataclass
class FactValue:
    value: Value
    sources: list[SourceRef] = field(default_factory=list)  # every graph stating the triple
    evidence: list[EvidenceRef] = field(default_factory=list)


@dataclass
class PropertyGroup:
    property: Link
    values: list[FactValue] = field(default_factory=list)


@dataclass(frozen=True)
class Incoming:
    subject: Link
    property: Link


@dataclass(frozen=True)
class RelatedEvent:
    event: Link
    relation: str  # "in response to", "responded to by", "same actors"
    date: str | None = None
    kind: str = "Event"  # "Attack", "DiplomaticAction" or "Event": its colour in the graph and timeline


@dataclass
class EntityView:
    """Everything an entity page shows; ``found`` is False when the graph says nothing about the IRI."""

    iri: str
    label: str
    href: str
    found: bool = True
    types: list[Link] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)
    same_as: list[ExternalLink] = field(default_factory=list)
    facts: list[PropertyGroup] = field(default_factory=list)
    incoming: list[Incoming] = field(default_factory=list)
    incoming_truncated: bool = False
    related_events: list[RelatedEvent] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)  # documents whose graphs mention the IRI
    lat: float | None = None
    long: float | None = None
    is_event: bool = False
    is_place: bool = False
    is_document: bool = False
    is_graph: bool = False
    graph_triples: int = 0  # for a named graph IRI: how many triples it holds
    is_statement: bool = False
    statement: ReportedFact | None = None  # for an rdf:Statement IRI: the fact it reifies
    attributed: list[ReportedFact] = field(default_factory=list)  # statements attributed to this entity
    attributed_truncated: bool = False
    reported: list[ReportedFact] = field(default_factory=list)  # for a document: the facts it reported
    reported_truncated: bool = False

    @property
    def document(self) -> SourceRef | None:
        """For a source document: its own metadata (headline, publisher, date, URL)."""
        return next((s for s in self.sources if s.document.iri == self.iri), None) if self.is_document else None


# -- labels and links --------------------------------------------------------------------------------
WEB_SCHEMES = ("http", "https")


def web_href(iri: str | None) -> str | None:
    """``iri`` when a browser may follow it: http(s) only. Data can hold any IRI scheme, and an
    ``<a href="javascript:...">`` built from ``owl:sameAs <javascript:...>`` would run in this
    site's origin when clicked; ``data:``, ``vbscript:``, ``file:`` and the rest are shown as text."""
    if not iri:
        return None
    scheme, colon, _rest = iri.partition(":")
    return iri if colon and scheme.lower() in WEB_SCHEMES else None


def local_href(iri: str, base: str) -> str | None:
    """Where a browser on this server finds ``iri``: ``/id/<rest>`` for IRIs minted under ``base``,
    ``/ontology#Term`` for ontology terms, the IRI itself for other http(s) IRIs, else None (not a link)."""
    if iri.startswith(base):
        return "/id/" + iri[len(base):]
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS):]
    return web_href(iri)


def humanize(iri: str) -> str:
    """A readable name from an IRI's local part: ``inResponseTo`` -> ``in response to``."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    if re.fullmatch(r"[A-Za-z]+", local) and not local.isupper():
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local)
        return words if local[0].isupper() else words.lower()
    return local


@functools.lru_cache(maxsize=1)
def vocabulary_labels() -> dict[str, str]:
    """Labels of ontology terms from the generated ontology file, when it is there."""
    labels: dict[str, str] = {}
    for name in ("conflict-kg.ttl",):
        path = ONTOLOGY_DIR / name
        if path.is_file():
            with contextlib.suppress(SyntaxError, OSError, ValueError):
                labels.update(file_labels(path))
    return labels


def external_link(iri: str) -> ExternalLink:
    if m := re.match(r"https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q\d+)", iri):
        return ExternalLink(iri, f"Wikidata {m.group(1)}", "wikidata")
    if m := re.match(r"https?://(?:[a-z]+\.)?geonames\.org/(\d+)", iri):
        return ExternalLink(iri, f"GeoNames {m.group(1)}", "geonames")
    return ExternalLink(iri, iri, "other")


class _Labeller:
    """Looks labels up in the store (in batches) and the ontology, falling back to the IRI's name."""

    def __init__(self, store: KGStore, base: str):
        self.store, self.base = store, base
        self.labels: dict[str, str] = {}

    def fetch(self, iris) -> None:
        todo = sorted({i for i in iris if i not in self.labels})
        vocab = vocabulary_labels()
        for start in range(0, len(todo), 200):
            chunk = [i for i in todo[start:start + 200] if _safe(i)]
            if not chunk:
                continue
            values = " ".join(sparql_iri(i) for i in chunk)
            # documents have no rdfs:label: their headline, else their URL or file name, names them
            rows = select(self.store, f"SELECT ?x (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title) "
                                      f"(SAMPLE(?src) AS ?source) WHERE {{ VALUES ?x {{ {values} }} "
                                      f"OPTIONAL {{ ?x rdfs:label ?l }} OPTIONAL {{ ?x dcterms:title ?t }} "
                                      f"OPTIONAL {{ ?x dcterms:source ?src }} }} GROUP BY ?x")
            for row in rows:
                name = row["label"] or row["title"] or row["source"]
                if name is not None:
                    self.labels[row["x"].value] = name.value
        for iri in todo:
            if iri not in self.labels:
                # a name from the IRI's last segment reads well for http(s) IRIs; any other scheme
                # (urn:, javascript:, ...) is not a link, so the whole IRI is what the reader sees
                self.labels[iri] = vocab.get(iri) or (humanize(iri) if local_href(iri, self.base) else iri)

    def link(self, iri: str) -> Link:
        if iri not in self.labels:
            self.fetch([iri])
        return Link(iri, self.labels[iri], local_href(iri, self.base))


def _safe(iri: str) -> bool:
    return not any(c in iri for c in '<>"{}|^`\\ \n\r\t')


def _value(term: TermValue, labeller: _Labeller) -> Value:
    if term.kind == "iri":
        link = labeller.link(term.value)
        return Value(link.label, link=link)
    if term.kind == "bnode":
        return Value("_:" + term.value)
    return Value(term.value, datatype=term.datatype, language=term.language)


def _key(term: TermValue) -> tuple:
    return (term.kind, term.value, term.datatype, term.language)


def _float(term: TermValue | None) -> float | None:
    try:
        return float(term.value) if term is not None else None
    except ValueError:
        return None


def _int(term: TermValue | None) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


# -- the view ----------------------------------------------------------------------------------------
def describe(store: KGStore, iri: str, base: str) -> EntityView:
    """Gather what the merged graph and its source graphs say about ``iri`` (bounded queries only)."""
    e = sparql_iri(iri)
    labeller = _Labeller(store, base)
    out_rows = select(store, f"SELECT ?p ?o WHERE {{ {e} ?p ?o }} LIMIT {MAX_FACTS}")
    # Statements pointing here (ckg:attributedTo) are evidence, shown as such below, not neighbours.
    in_rows = select(store, f"SELECT ?s ?p WHERE {{ ?s ?p {e} FILTER(?p != rdf:subject && ?p != rdf:object "
                            f"&& ?p != prov:wasDerivedFrom) FILTER NOT EXISTS {{ ?s a rdf:Statement }} }} "
                            f"LIMIT {MAX_INCOMING + 1}")
    attributed = bool(select(store, f"SELECT ?st WHERE {{ ?st ckg:attributedTo {e} }} LIMIT 1"))
    graph_size = select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {e} {{ ?s ?p ?o }} }}")[0]["n"]
    is_graph = int(graph_size.value) > 0
    if not out_rows and not in_rows and not is_graph and not attributed:
        return EntityView(iri=iri, label=humanize(iri), href=local_href(iri, base), found=False)

    # Which graphs state each outgoing triple, and the statements (evidence) behind them.
    stated = select(store, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {e} ?p ?o }} }} LIMIT {MAX_FACTS * 10}")
    statements = select(store, f"""
        SELECT ?st ?g ?p ?o ?doc ?ev ?conf ?start ?end ?attr WHERE {{
          GRAPH ?g {{ ?st rdf:subject {e} ; rdf:predicate ?p ; rdf:object ?o .
            OPTIONAL {{ ?st prov:wasDerivedFrom ?doc }} OPTIONAL {{ ?st ckg:evidence ?ev }}
            OPTIONAL {{ ?st ckg:confidence ?conf }} OPTIONAL {{ ?st ckg:charStart ?start }}
            OPTIONAL {{ ?st ckg:charEnd ?end }} OPTIONAL {{ ?st ckg:attributedTo ?attr }} }}
        }} LIMIT {MAX_FACTS * 10}""")
    mention_graphs = select(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {{ {e} ?p ?o }} UNION "
                                   f"{{ ?s ?p {e} }} }} }} LIMIT 1000")
    graphs = {r["g"].value for r in stated} | {r["g"].value for r in statements} | {
        r["g"].value for r in mention_graphs}
    sources = _sources(store, graphs, labeller)

    iris = {r["p"].value for r in out_rows} | {r["o"].value for r in out_rows if r["o"].is_iri}
    iris |= {r["s"].value for r in in_rows if r["s"].is_iri} | {r["p"].value for r in in_rows}
    iris |= {r["attr"].value for r in statements if r["attr"] is not None and r["attr"].is_iri}
    labeller.fetch(iris | {iri})

    view = EntityView(iri=iri, label=labeller.labels[iri], href=local_href(iri, base), is_graph=is_graph,
                      graph_triples=int(graph_size.value))
    groups: dict[str, PropertyGroup] = {}
    values: dict[tuple, FactValue] = {}
    for row in out_rows:
        p, o = row["p"].value, row["o"]
        if p == RDF + "type" and o.is_iri:
            view.types.append(labeller.link(o.value))
        elif p == RDFS + "label":
            view.label = o.value
        elif p == SKOS + "altLabel":
            view.alt_labels.append(o.value)
        elif p == OWL + "sameAs" and o.is_iri:
            view.same_as.append(external_link(o.value))
        if p in SPECIAL:
            continue
        group = groups.setdefault(p, PropertyGroup(labeller.link(p)))
        fact = FactValue(_value(o, labeller))
        group.values.append(fact)
        values[(p, _key(o))] = fact
        if p == GEO + "lat":
            view.lat = _float(o)
        elif p == GEO + "long":
            view.long = _float(o)

    for row in stated:
        fact = values.get((row["p"].value, _key(row["o"])))
        if fact is not None and row["g"].value in sources:
            fact.sources.append(sources[row["g"].value])
    for row in statements:
        fact = values.get((row["p"].value, _key(row["o"])))
        if fact is None:
            continue
        attr = row["attr"]
        fact.evidence.append(EvidenceRef(
            statement=row["st"].value,
            sentence=row["ev"].value if row["ev"] else None,
            confidence=_float(row["conf"]),
            char_start=_int(row["start"]),
            char_end=_int(row["end"]),
            source=sources.get(row["g"].value),
            attributed_to=labeller.link(attr.value) if attr is not None and attr.is_iri else None,
        ))
    for fact in values.values():
        fact.sources.sort(key=lambda s: (s.issued or "", s.document.iri))
        fact.evidence.sort(key=lambda ev: (-(ev.confidence or 0), ev.statement))
    view.facts = sorted(groups.values(), key=lambda g: g.property.label.lower())
    for group in view.facts:
        group.values.sort(key=lambda f: f.value.text.lower())
    view.alt_labels = sorted(set(view.alt_labels) - {view.label}, key=str.lower)
    view.types.sort(key=lambda t: t.label.lower())

    view.incoming_truncated = len(in_rows) > MAX_INCOMING
    view.incoming = sorted(
        (Incoming(labeller.link(r["s"].value), labeller.link(r["p"].value)) for r in in_rows[:MAX_INCOMING]
         if r["s"].is_iri),
        key=lambda i: (i.property.label.lower(), i.subject.label.lower()),
    )
    view.sources = sorted({s.document.iri: s for s in sources.values()}.values(),
                          key=lambda s: (s.issued or "", s.document.iri))

    predicates = {r["p"].value for r in out_rows}
    type_iris = {t.iri for t in view.types}
    view.is_event = bool(predicates & EVENT_PREDICATES) or bool(type_iris & EVENT_CLASSES)
    view.is_place = view.lat is not None or bool(type_iris & PLACE_CLASSES)
    view.is_document = ONTOLOGY_NS + "SourceDocument" in type_iris
    view.is_statement = RDF + "Statement" in type_iris
    if view.is_event:
        view.related_events = _related_events(store, e, labeller)
    if view.is_statement:
        found, _ = _statements(store, f"VALUES ?st {{ {e} }}", labeller, 1)
        view.statement = found[0] if found else None
    if attributed:
        view.attributed, view.attributed_truncated = _statements(
            store, f"?st ckg:attributedTo {e} .", labeller, MAX_REPORTED)
    if view.is_document:
        view.reported, view.reported_truncated = _statements(
            store, f"?st prov:wasDerivedFrom {e} .", labeller, MAX_REPORTED)
    return view


def _statements(store: KGStore, pattern: str, labeller: _Labeller, limit: int) -> tuple[list[ReportedFact], bool]:
    """The ``rdf:Statement``s matching ``pattern`` (on ``?st``), each with its fact and evidence, ordered
    by subject, property and place in the text; and whether there were more than ``limit``."""
    rows = select(store, f"""
        SELECT ?st ?g ?s ?p ?o ?ev ?conf ?start ?end ?attr WHERE {{
          GRAPH ?g {{ {pattern} ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
            OPTIONAL {{ ?st ckg:evidence ?ev }} OPTIONAL {{ ?st ckg:confidence ?conf }}
            OPTIONAL {{ ?st ckg:charStart ?start }} OPTIONAL {{ ?st ckg:charEnd ?end }}
            OPTIONAL {{ ?st ckg:attributedTo ?attr }} }}
        }} LIMIT {limit * 4 + 1}""")
    unique = list({(r["st"].value, r["g"].value): r for r in rows}.values())
    sources = _sources(store, {r["g"].value for r in unique}, labeller)
    iris = {r[k].value for r in unique for k in ("s", "p", "o", "attr") if r[k] is not None and r[k].is_iri}
    labeller.fetch(iris)
    facts = []
    for row in unique:
        if not row["s"].is_iri:
            continue
        attr = row["attr"]
        evidence = EvidenceRef(statement=row["st"].value, sentence=row["ev"].value if row["ev"] else None,
                               confidence=_float(row["conf"]), char_start=_int(row["start"]),
                               char_end=_int(row["end"]), source=sources.get(row["g"].value),
                               attributed_to=labeller.link(attr.value) if attr is not None and attr.is_iri else None)
        facts.append(ReportedFact(labeller.link(row["s"].value), labeller.link(row["p"].value),
                                  _value(row["o"], labeller), evidence))
    facts.sort(key=lambda f: (f.subject.label.lower(), f.subject.iri, f.property.label.lower(),
                              f.evidence.char_start if f.evidence.char_start is not None else -1))
    return facts[:limit], len(facts) > limit or len(rows) > limit * 4


def _sources(store: KGStore, graphs: set[str], labeller: _Labeller) -> dict[str, SourceRef]:
    """The source document of each named graph, with its metadata."""
    found: dict[str, SourceRef] = {}
    todo = sorted(g for g in graphs if _safe(g))
    for start in range(0, len(todo), 200):
        values = " ".join(sparql_iri(g) for g in todo[start:start + 200])
        rows = select(store, f"""
            SELECT ?g ?doc (SAMPLE(?t) AS ?title) (SAMPLE(?pub) AS ?publisher) (SAMPLE(?d) AS ?issued)
                   (SAMPLE(?src) AS ?source) WHERE {{
              VALUES ?g {{ {values} }} ?g prov:wasDerivedFrom ?doc .
              OPTIONAL {{ ?doc dcterms:title ?t }} OPTIONAL {{ ?doc dcterms:publisher ?pub0
                OPTIONAL {{ ?pub0 rdfs:label ?publ }} BIND(COALESCE(?publ, ?pub0) AS ?pub) }}
              OPTIONAL {{ ?doc dcterms:issued ?d }} OPTIONAL {{ ?doc dcterms:source ?src }}
            }} GROUP BY ?g ?doc""")
        for row in rows:
            doc = row["doc"].value
            title = row["title"].value if row["title"] else None
            source = row["source"].value if row["source"] else None
            link = Link(doc, title or source or humanize(doc), local_href(doc, labeller.base))
            found[row["g"].value] = SourceRef(
                document=link, graph=row["g"].value, title=title,
                publisher=row["publisher"].value if row["publisher"] else None,
                issued=row["issued"].value if row["issued"] else None,
                url=source,
            )
    return found


def _related_events(store: KGStore, e: str, labeller: _Labeller) -> list[RelatedEvent]:
    roles = " ".join(f"ckg:{r}" for r in EVENT_ROLES)
    rows = select(store, f"""
        SELECT ?x ?relation (SAMPLE(?d) AS ?date) (SAMPLE(?k) AS ?kind) WHERE {{
          {{ {e} ckg:inResponseTo ?x BIND("in response to" AS ?relation) }}
          UNION {{ ?x ckg:inResponseTo {e} BIND("responded to by" AS ?relation) }}
          UNION {{ SELECT DISTINCT ?x ("same actors" AS ?relation) WHERE {{
              VALUES ?r1 {{ {roles} }} VALUES ?r2 {{ {roles} }}
              {e} ?r1 ?a . ?x ?r2 ?a . FILTER(?x != {e}) }} LIMIT {MAX_RELATED} }}
          OPTIONAL {{ ?x ckg:date ?d }}
          OPTIONAL {{ ?x a ?k FILTER(?k IN (ckg:Attack, ckg:DiplomaticAction)) }}
        }} GROUP BY ?x ?relation LIMIT {MAX_RELATED * 3}""")
    labeller.fetch(r["x"].value for r in rows if r["x"].is_iri)
    seen: set[str] = set()
    related = []
    order = {"in response to": 0, "responded to by": 1, "same actors": 2}
    for row in sorted(rows, key=lambda r: (order.get(r["relation"].value, 3), r["date"].value if r["date"] else "")):
        x = row["x"]
        if not x.is_iri or x.value in seen:
            continue
        seen.add(x.value)
        kind = row["kind"].value.rpartition("#")[2] if row["kind"] else "Event"
        related.append(RelatedEvent(labeller.link(x.value), row["relation"].value,
                                    row["date"].value if row["date"] else None, kind))
    return related


# -- the RDF description -----------------------------------------------------------------------------
def concise_description(store: KGStore, iri: str, limit: int = MAX_FACTS) -> list:
    """Triples describing ``iri`` for Linked Data clients: its own triples, incoming links, the labels
    of its neighbours, its ``rdf:Statement``s with their properties and their documents' metadata,
    and, for a named graph IRI, the graph's content. Every part is bounded by ``limit``."""
    e = sparql_iri(iri)
    parts = [
        f"CONSTRUCT {{ {e} ?p ?o }} WHERE {{ {e} ?p ?o }} LIMIT {limit}",
        f"CONSTRUCT {{ ?s ?p {e} }} WHERE {{ ?s ?p {e} FILTER(?p != rdf:subject && ?p != rdf:object "
        f"&& ?p != prov:wasDerivedFrom) }} LIMIT {limit}",
        f"CONSTRUCT {{ ?n rdfs:label ?l }} WHERE {{ {{ {e} ?p ?n }} UNION {{ ?n ?p {e} }} ?n rdfs:label ?l "
        f"FILTER(?p != rdf:subject && ?p != rdf:object) }} LIMIT {limit}",
        f"CONSTRUCT {{ ?st ?sp ?so }} WHERE {{ ?st rdf:subject {e} ; ?sp ?so }} LIMIT {limit}",
        f"""CONSTRUCT {{ ?doc ?dp ?do }} WHERE {{ ?st rdf:subject {e} ; prov:wasDerivedFrom ?doc .
            ?doc ?dp ?do FILTER(?dp IN (rdf:type, dcterms:title, dcterms:publisher, dcterms:issued,
            dcterms:source)) }} LIMIT {limit}""",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {e} {{ ?s ?p ?o }} }} LIMIT {limit}",
    ]
    seen: dict[str, object] = {}
    for text in parts:
        for triple in construct(store, text):
            seen.setdefault(str(triple), triple)
    return list(seen.values())


def graph_members(view: EntityView) -> dict[str, list[FactValue]]:
    """Facts keyed by property IRI (a convenience for templates and tests)."""
    members: dict[str, list[FactValue]] = defaultdict(list)
    for group in view.facts:
        members[group.property.iri].extend(group.values)
    return dict(members)
