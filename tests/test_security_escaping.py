"""Escaping: article text with ``<script>``, quotes, ampersands, RTL overrides and control characters.

An article carrying them is built by the real pipeline (so the evidence, title and publisher come from
ingest and extraction), and an entity whose label carries them is added from TriG. Then:

* every HTML page that shows them (entity, event, source, dashboard) escapes them: no script runs;
* every RDF format the project writes reads back (with Oxigraph and with rdflib) to the same strings;
* every SPARQL results format and CONSTRUCT format of the endpoint carries them exactly and is
  well-formed (XML parsers reject unescaped markup or control characters).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.config import DEFAULT_BASE
from kg.ingest import make_document
from kg.query import evaluate
from kg.records import DocumentMeta
from kg.server import ServerConfig, close_app, create_app

HOSTILE = "<script>alert('x')</script> \"quoted\" 'single' & \u202eRTL\u202c \u200f \\back"
ARTICLE = (
    "MAIDUGURI, Nigeria — Gunmen attacked a market near Maiduguri on Tuesday, killing nine people, police said "
    f"{HOSTILE}.\nThe governor condemned the attack\x07 on Wednesday.\n"
)
TITLE = "Title " + HOSTILE
PUBLISHER = 'Pub "</title><script>alert(2)</script>'
LABEL = 'Evil "</h1><img src=x onerror=alert(3)>" \u202eRTL'
EVIL = DEFAULT_BASE + "state/evil"
TRIG = f"""
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{DEFAULT_BASE}graph/evil> {{
  <{EVIL}> a ckg:State ; rdfs:label {json.dumps(LABEL)} ; skos:altLabel {json.dumps(HOSTILE)} .
}}
"""
HTML_FORMATS = {"turtle": "turtle", "trig": "trig", "nquads": "nquads", "ntriples": "nt", "jsonld": "json-ld",
                "rdfxml": "xml"}
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
              "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}


@pytest.fixture(scope="module")
def hostile_store(nlp, settings, tmp_path_factory):
    from kg.pipeline import Builder
    from kg.store import KGStore

    store = KGStore()
    doc = make_document("evil.txt", ARTICLE, DocumentMeta("evil.txt", title=TITLE, publisher=PUBLISHER))
    report = Builder(store, settings, nlp=nlp).build([doc])
    assert report.built == 1, report.summary()
    trig = tmp_path_factory.mktemp("esc") / "evil.trig"
    trig.write_text(TRIG, encoding="utf-8")
    store.load_quads(trig)
    return store


def hostile_literals(quads) -> set[tuple[str, str, str]]:
    """(subject, predicate, value) of every literal holding one of the hostile strings."""
    return {(str(s), str(p), str(o)) for s, p, o in quads
            if any(mark in str(o) for mark in ("<script>", "onerror", "\u202e"))}


def test_ingest_kept_the_hostile_text_but_not_the_control_character(hostile_store):
    values = {row["v"].value for row in hostile_store.query(
        "SELECT ?v WHERE { { ?s ckg:evidence ?v } UNION { ?s dcterms:title ?v } UNION { ?s dcterms:publisher ?v } }")}
    assert any(HOSTILE in v for v in values), values  # the evidence sentence, verbatim
    assert TITLE in values and PUBLISHER in values
    assert not any("\x07" in v for v in values)


def test_every_rdf_format_reads_back_the_same_strings(hostile_store):
    original = hostile_literals((q.subject.value, q.predicate.value, q.object.value) for q in hostile_store.ox)
    assert len(original) >= 4  # evidence, title, publisher, label, altLabel
    for fmt, rdflib_format in HTML_FORMATS.items():
        out = io.BytesIO()
        hostile_store.export(fmt, out)
        data = out.getvalue()
        by_oxigraph = hostile_literals((q.subject.value, q.predicate.value, q.object.value)
                                       for q in ox.parse(data, format=OX_FORMATS[fmt]))
        assert by_oxigraph == original, fmt
        graph = rdflib.Dataset() if fmt in ("trig", "nquads") else rdflib.Graph()
        graph.parse(data=data.decode("utf-8"), format=rdflib_format)
        triples = graph.quads((None, None, None, None)) if fmt in ("trig", "nquads") else graph
        assert hostile_literals((t[0], t[1], t[2]) for t in triples) == original, fmt
        if fmt == "rdfxml":
            ET.fromstring(data)  # well-formed XML: markup in literals is escaped


def test_every_results_format_carries_the_strings_exactly(hostile_store):
    query = "SELECT ?v WHERE { { ?s ckg:evidence ?v } UNION { ?s rdfs:label ?v } UNION { ?s skos:altLabel ?v } }"
    expected = {row["v"].value for row in hostile_store.query(query)}
    for fmt, parser in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                        ("tsv", ox.QueryResultsFormat.TSV)):
        body = evaluate(hostile_store, query, fmt)
        assert {row["v"].value for row in ox.parse_query_results(body, format=parser)} == expected, fmt
        if fmt == "xml":
            ET.fromstring(body)
    rows = list(csv.DictReader(io.StringIO(evaluate(hostile_store, query, "csv").decode("utf-8"), newline="")))
    assert {r["v"] for r in rows} == expected


class _Scripts(HTMLParser):
    """Collects what a browser would run: inline scripts (not JSON data blocks) and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.code: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"{k}={v}" for k, v in attrs.items() if k.startswith("on")]
        if tag == "script" and "src" not in attrs:
            self._in_script = attrs.get("type", "text/javascript") in ("text/javascript", "module", "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.code if self._in_script else self.text).append(data)


@pytest.fixture(scope="module")
def client(hostile_store):
    app = create_app(hostile_store, ServerConfig(workers=0))
    yield app.test_client()
    close_app(app)


def _pages(client, store) -> dict[str, str]:
    event = next(iter(store.query("SELECT ?e WHERE { ?e a ckg:Attack } LIMIT 1")))["e"].value
    source = next(iter(store.query("SELECT ?d WHERE { ?d a ckg:SourceDocument } LIMIT 1")))["d"].value
    paths = {"event": event, "source": source, "label": EVIL}
    pages = {}
    for name, iri in paths.items():
        r = client.get("/id/" + iri[len(DEFAULT_BASE):], headers={"Accept": "text/html"})
        assert r.status_code == 200, (name, r.status_code)
        pages[name] = r.get_data(as_text=True)
    r = client.get("/dashboard")
    assert r.status_code == 200
    pages["dashboard"] = r.get_data(as_text=True)
    return pages


def test_html_pages_escape_everything_from_articles(client, hostile_store):
    pages = _pages(client, hostile_store)
    for name, page in pages.items():
        parsed = _Scripts()
        parsed.feed(page)
        assert not any("alert(" in code for code in parsed.code), (name, parsed.code)
        assert not any("alert" in h for h in parsed.handlers), (name, parsed.handlers)
        assert not re.search(r"<script>alert|<img src=x|</title><script", page, re.IGNORECASE), name
    shown = "".join(_text(pages["event"]))
    assert "alert('x')" in shown or "alert(&#x27;x&#x27;)" in pages["event"]  # shown as text, not dropped
    assert "\u202eRTL" in "".join(_text(pages["label"])) or "\\u202eRTL" in pages["label"]


def _text(page: str) -> list[str]:
    parsed = _Scripts()
    parsed.feed(page)
    return parsed.text


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json",
                                    "application/rdf+xml", "application/n-quads", "application/trig"])
def test_entity_descriptions_and_construct_round_trip_in_every_format(client, accept):
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
           "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}[accept]
    r = client.get("/id/state/evil", headers={"Accept": accept})
    assert r.status_code == 200, r.get_data(as_text=True)
    labels = {q.object.value for q in ox.parse(r.data, format=fmt) if q.predicate.value.endswith("#label")}
    assert labels == {LABEL}
    r = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ckg:evidence ?e }"},
                   headers={"Accept": accept})
    assert r.status_code == 200
    evidence = {q.object.value for q in ox.parse(r.data, format=fmt)}
    assert any(HOSTILE in e for e in evidence)
    if "xml" in accept:
        ET.fromstring(r.data)


def test_files_written_by_kg_build_out_read_back(hostile_store, tmp_path: Path):
    """The same through files (the path of ``kg build --out``/``kg export`` and ``--data``)."""
    from kg.store import KGStore

    for suffix, fmt in ((".trig", "trig"), (".nq", "nquads"), (".ttl", "turtle"), (".jsonld", "jsonld")):
        path = tmp_path / f"out{suffix}"
        with open(path, "wb") as handle:
            hostile_store.export(fmt, handle)
        back = KGStore()
        back.load_quads(path)
        got = {row["v"].value for row in back.query("SELECT ?v WHERE { ?s rdfs:label|skos:altLabel ?v }")}
        assert {LABEL, HOSTILE} <= got, suffix


def test_updates_may_not_store_text_xml_cannot_carry(tmp_path: Path):
    """Ingest blanks control characters; an authorised update carrying one is refused, because stored it
    would make every RDF/XML and SPARQL XML answer that includes it unreadable."""
    from kg.store import KGStore

    app = create_app(KGStore(), ServerConfig(workers=0, update_token="t"))
    client = app.test_client()
    headers = {"Content-Type": "application/sparql-update", "Authorization": "Bearer t"}
    graph = f"<{DEFAULT_BASE}graph/u>"
    bell = f'INSERT DATA {{ GRAPH {graph} {{ <{EVIL}> rdfs:label "ring \\u0007 bell" }} }}'
    r = client.post("/sparql", data=bell, headers=headers)
    assert r.status_code == 400 and "control character" in r.get_data(as_text=True)
    fine = f"INSERT DATA {{ GRAPH {graph} {{ <{EVIL}> rdfs:label {json.dumps(LABEL)} }} }}"
    assert client.post("/sparql", data=fine, headers=headers).status_code == 200
    for accept in ("application/rdf+xml", "application/sparql-results+xml"):
        query = "CONSTRUCT WHERE { ?s ?p ?o }" if "rdf" in accept else "SELECT * WHERE { ?s ?p ?o }"
        r = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert r.status_code == 200
        ET.fromstring(r.data)  # well-formed, and the label is in it exactly
        assert LABEL in "".join(ET.fromstring(r.data).itertext())
    close_app(app)
