"""A resolved document -> the triples of its named graph (pyoxigraph terms, no rdflib).

What one document's graph holds:

* the document (``ckg:SourceDocument``, ``prov:Entity``, ``schema:NewsArticle``) with
  ``dcterms:title``, ``dcterms:publisher``, ``dcterms:issued`` (xsd:date), ``dcterms:source`` (file
  name), ``dcterms:identifier`` (name in the build), ``schema:url`` and ``ckg:sha256``;
* ``<graph> prov:wasDerivedFrom <doc>`` and ``<graph> prov:wasGeneratedBy <activity>``; the
  activity (``prov:Activity``) with its start time, the software agent (conflict-kg version) and the
  NLP model it used;
* every entity: its types (ontology class + a schema.org alignment type), the one canonical
  ``rdfs:label`` (the same in every graph), ``skos:altLabel`` for each other name this document used,
  ``owl:sameAs`` Wikidata, ``skos:exactMatch`` GeoNames, ``geo:lat``/``geo:long``;
* every event: ``ckg:Event``, its category, every type, ``sem:Event``, its ``rdfs:label``;
* every fact as a plain triple, and an ``rdf:Statement`` naming it with ``prov:wasDerivedFrom``,
  ``ckg:evidence`` (== ``text[charStart:charEnd]``, taken from the text itself), ``ckg:charStart``,
  ``ckg:charEnd``, ``ckg:confidence`` and ``ckg:attributedTo`` when the text attributes it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pyoxigraph as ox

import kg
from kg.rdf.terms import (
    ALT,
    DCT,
    DERIVED,
    EXACT,
    GENERATED,
    GEO,
    GEONAMES,
    LABEL,
    PROV,
    RDF,
    RDFS,
    SAME_AS,
    SCHEMA,
    SEM,
    WIKIDATA,
    A,
    agent_iri,
    ckg,
    document_iri,
    graph_iri,
    n,
    statement_iri,
    typed,
)
from kg.records import Fact, RelativeDate, ResolvedDocument
from kg.vocab import CLASSES, PROPERTIES

log = logging.getLogger(__name__)

ALIGNMENT = {
    "State": SCHEMA + "Country",
    "Place": SCHEMA + "Place",
    "Person": SCHEMA + "Person",
    "Official": SCHEMA + "Person",
    "ArmedGroup": SCHEMA + "Organization",
    "Organization": SCHEMA + "Organization",
    "GovernmentBody": SCHEMA + "GovernmentOrganization",
    "MediaOrganization": SCHEMA + "NewsMediaOrganization",
}
COUNT_PREDICATES = {"killed", "injured"}


@dataclass(frozen=True)
class RunInfo:
    """One extraction run: software version, model and start time (a ``prov:Activity``)."""

    software_version: str
    model_name: str
    model_version: str
    started: datetime

    @classmethod
    def now(cls, model_name: str, model_version: str) -> RunInfo:
        return cls(kg.__version__, model_name, model_version, datetime.now(timezone.utc).replace(microsecond=0))

    def activity_iri(self, base: str) -> str:
        key = f"{self.software_version}|{self.model_name}|{self.model_version}|{self.started.isoformat()}"
        return f"{base}activity/{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _literal(fact: Fact) -> ox.Literal:
    value = fact.object
    if fact.predicate == "date" or isinstance(value, date):
        return typed(value.isoformat() if isinstance(value, date) else str(value)[:10], "date")
    if fact.predicate in COUNT_PREDICATES or isinstance(value, int):
        number = int(value)
        return typed(str(number), "nonNegativeInteger" if number >= 0 else "integer")
    return ox.Literal(str(value))


def run_triples(run: RunInfo, base: str) -> list[ox.Triple]:
    activity = n(run.activity_iri(base))
    software = n(agent_iri(base, "conflict-kg", run.software_version))
    model = n(agent_iri(base, "model-" + run.model_name, run.model_version))
    return [
        ox.Triple(activity, A, n(PROV + "Activity")),
        ox.Triple(activity, LABEL, ox.Literal(f"conflict-kg {run.software_version} extraction with "
                                              f"{run.model_name} {run.model_version}")),
        ox.Triple(activity, n(PROV + "startedAtTime"), typed(run.started.isoformat(), "dateTime")),
        ox.Triple(activity, n(PROV + "wasAssociatedWith"), software),
        ox.Triple(activity, n(PROV + "used"), model),
        ox.Triple(software, A, n(PROV + "SoftwareAgent")),
        ox.Triple(software, LABEL, ox.Literal("conflict-kg")),
        ox.Triple(software, n(SCHEMA + "softwareVersion"), ox.Literal(run.software_version)),
        ox.Triple(model, A, n(PROV + "Entity")),
        ox.Triple(model, LABEL, ox.Literal(run.model_name)),
        ox.Triple(model, n(SCHEMA + "version"), ox.Literal(run.model_version)),
    ]


def document_triples(resolved: ResolvedDocument, base: str, run: RunInfo) -> list[ox.Triple]:
    """Everything the document's named graph holds (see the module docstring)."""
    extraction = resolved.extraction
    document = extraction.document
    text = document.text
    doc = n(document_iri(document.id, base))
    graph = n(graph_iri(document.id, base))
    out: list[ox.Triple] = []
    add = out.append

    # the document and the run
    meta = document.meta
    for cls in (ckg("SourceDocument"), n(PROV + "Entity"), n(SCHEMA + "NewsArticle")):
        add(ox.Triple(doc, A, cls))
    add(ox.Triple(doc, ckg("sha256"), ox.Literal(document.id)))
    add(ox.Triple(doc, n(DCT + "source"), ox.Literal(meta.source)))
    add(ox.Triple(doc, n(DCT + "identifier"), ox.Literal(document.name)))
    if meta.title:
        add(ox.Triple(doc, n(DCT + "title"), ox.Literal(meta.title)))
    if meta.publisher:
        add(ox.Triple(doc, n(DCT + "publisher"), ox.Literal(meta.publisher)))
    if meta.url:
        add(ox.Triple(doc, n(SCHEMA + "url"), n(meta.url) if _is_iri(meta.url) else ox.Literal(meta.url)))
    issued = meta.date or extraction.publication_date
    if issued:
        add(ox.Triple(doc, n(DCT + "issued"), typed(issued.isoformat(), "date")))
    add(ox.Triple(graph, DERIVED, doc))
    add(ox.Triple(graph, GENERATED, n(run.activity_iri(base))))
    out.extend(run_triples(run, base))

    # entities
    iris = resolved.iris
    for record in extraction.entities:
        node = n(iris[record.key])
        label = resolved.labels.get(node.value, record.name)
        if record.type in CLASSES:
            add(ox.Triple(node, A, ckg(record.type)))
        if record.type in ALIGNMENT:
            add(ox.Triple(node, A, n(ALIGNMENT[record.type])))
        add(ox.Triple(node, LABEL, ox.Literal(label)))
        for name in {record.name, *record.names} - {label}:
            if name and name.strip():
                add(ox.Triple(node, ALT, ox.Literal(name)))
        if record.ids.get("wikidata"):
            add(ox.Triple(node, SAME_AS, n(WIKIDATA + record.ids["wikidata"])))
        if record.ids.get("geonames"):
            add(ox.Triple(node, EXACT, n(f"{GEONAMES}{record.ids['geonames']}/")))
        if record.lat is not None and record.long is not None:
            add(ox.Triple(node, n(GEO + "lat"), typed(f"{record.lat:.5f}", "decimal")))
            add(ox.Triple(node, n(GEO + "long"), typed(f"{record.long:.5f}", "decimal")))

    # events
    for event in extraction.events:
        if event.key not in iris:
            continue
        node = n(iris[event.key])
        for cls in {"Event", event.category, *event.types}:
            if cls in CLASSES:
                add(ox.Triple(node, A, ckg(cls)))
        add(ox.Triple(node, A, n(SEM + "Event")))
        add(ox.Triple(node, LABEL, ox.Literal(resolved.labels.get(node.value, event.trigger))))

    # facts and their statements
    for fact in extraction.facts:
        subject = iris.get(fact.subject)
        if subject is None or fact.predicate not in PROPERTIES:
            log.warning("%s: fact %s %s dropped (unknown subject or predicate)", document.name, fact.subject,
                        fact.predicate)
            continue
        if isinstance(fact.object, RelativeDate):  # resolution resolves or drops these; never a literal
            log.warning("%s: unresolved relative date %r dropped", document.name, fact.object.text)
            continue
        if fact.object_is_key:
            if fact.object not in iris:
                log.warning("%s: fact %s %s dropped (unknown object %s)", document.name, fact.subject,
                            fact.predicate, fact.object)
                continue
            obj: ox.NamedNode | ox.Literal = n(iris[fact.object])
        else:
            obj = _literal(fact)
        s, p = n(subject), ckg(fact.predicate)
        add(ox.Triple(s, p, obj))
        ev = fact.evidence
        start, end = max(0, ev.start), min(len(text), ev.end)
        st = n(statement_iri(base, graph.value, s, p, obj, start, end))
        add(ox.Triple(st, A, n(RDF + "Statement")))
        add(ox.Triple(st, n(RDF + "subject"), s))
        add(ox.Triple(st, n(RDF + "predicate"), p))
        add(ox.Triple(st, n(RDF + "object"), obj))
        add(ox.Triple(st, DERIVED, doc))
        add(ox.Triple(st, ckg("evidence"), ox.Literal(text[start:end])))
        add(ox.Triple(st, ckg("charStart"), typed(str(start), "nonNegativeInteger")))
        add(ox.Triple(st, ckg("charEnd"), typed(str(end), "nonNegativeInteger")))
        add(ox.Triple(st, ckg("confidence"), typed(f"{max(0.0, min(1.0, ev.confidence)):.3f}", "decimal")))
        if ev.attributed_to and ev.attributed_to in iris:
            add(ox.Triple(st, ckg("attributedTo"), n(iris[ev.attributed_to])))
        if getattr(ev, "note", None):
            add(ox.Triple(st, n(RDFS + "comment"), ox.Literal(ev.note)))
    return out


def _is_iri(value: str) -> bool:
    return value.startswith(("http://", "https://")) and not any(c in value for c in ' <>"{}|\\^`')
