"""Running SPARQL on the store and writing results, shared by ``kg query`` and the server.

This module is also the server's only door to pyoxigraph: it turns result terms into plain Python
values (:class:`TermValue`), serialises results and graphs, and builds the small in-memory stores
the server needs, so ``kg.server`` never imports an RDF library itself.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.store import PREFIXES, KGStore


class QueryError(Exception):
    """The query cannot be run; the message is the parser's or engine's own."""


def run_query(store: KGStore, text: str, **kwargs):
    try:
        return store.query(text, **kwargs)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None


RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
PREFIXED_FORMATS = {"turtle", "trig", "rdfxml"}  # where declaring prefixes makes output readable


def _term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return getattr(term, "value", str(term))


def format_result(result, fmt: str) -> str:
    """Text for a query result: SELECT/ASK as json/csv/tsv/xml/table, CONSTRUCT as an RDF format."""
    if isinstance(result, bool):
        return ("true" if result else "false") + "\n"
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        return serialize_triples(result, fmt if fmt in GRAPH_FORMATS else "turtle").decode("utf-8")
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        variables = [v.value for v in result.variables]
        table = Table(*variables, show_lines=False)
        rows = 0
        for solution in result:
            table.add_row(*(_term(solution[v]) for v in variables))
            rows += 1
        buffer = io.StringIO()
        Console(file=buffer, width=200, no_color=True).print(table)
        return buffer.getvalue() + f"{rows} rows\n"
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose json, csv, tsv, xml or table")
    return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")


# -- plain values for terms ------------------------------------------------------------------------
@dataclass(frozen=True)
class TermValue:
    """An RDF term as plain data: ``kind`` is "iri", "bnode", "literal" or "triple"."""

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"


def term_value(term) -> TermValue | None:
    """Plain data for a pyoxigraph term (None stays None: an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return TermValue("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return TermValue("bnode", term.value)
    if isinstance(term, ox.Literal):
        return TermValue("literal", term.value, term.datatype.value, term.language)
    return TermValue("triple", str(term))


def select(store: KGStore, text: str, **kwargs) -> list[dict[str, TermValue | None]]:
    """Rows of a SELECT as dicts of plain values; for the server's own small, bounded queries."""
    result = run_query(store, text, **kwargs)
    names = [v.value for v in result.variables]
    return [{n: term_value(row[n]) for n in names} for row in result]


def sparql_iri(iri: str) -> str:
    """``<iri>`` for pasting an IRI into SPARQL text; refuses characters that could break out of it."""
    if any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        raise QueryError(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def named_node(iri: str):
    return ox.NamedNode(iri)


def default_graph():
    return ox.DefaultGraph()


def substitution_term(value: str):
    """A term for a canned-query parameter: an absolute IRI if it looks like one, else a plain literal."""
    if value.startswith(("http://", "https://", "urn:")) and not any(c in value for c in '<>" {}|^`\\'):
        return ox.NamedNode(value)
    return ox.Literal(value)


def variable(name: str):
    return ox.Variable(name)


# -- serialisation ----------------------------------------------------------------------------------
def serialize_triples(triples: Iterable, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in one of GRAPH_FORMATS (quad formats put them in the default graph)."""
    rdf_format = GRAPH_FORMATS[fmt]
    if fmt in ("nquads", "trig"):
        triples = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    use_prefixes = {**PREFIXES, **(prefixes or {})} if fmt in PREFIXED_FORMATS else None
    return ox.serialize(triples, format=rdf_format, prefixes=use_prefixes)


def serialize_turtle_text(turtle: str, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Re-serialise a small Turtle document (e.g. the service description) in another format."""
    triples = [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    return serialize_triples(triples, fmt, prefixes)


def construct(store: KGStore, text: str, **kwargs) -> list:
    """The triples of a CONSTRUCT as a list (for bounded descriptions built by the server)."""
    return list(run_query(store, text, **kwargs))


def file_labels(path) -> dict[str, str]:
    """``rdfs:label`` / ``skos:prefLabel`` of every IRI in an RDF file (English preferred)."""
    labels: dict[str, tuple[int, str]] = {}
    wanted = {PREFIXES["rdfs"] + "label": 0, PREFIXES["skos"] + "prefLabel": 1}
    fmt = ox.RdfFormat.from_extension(str(path).rsplit(".", 1)[-1])
    for quad in ox.parse(path=str(path), format=fmt):
        rank = wanted.get(quad.predicate.value)
        if rank is None or not isinstance(quad.object, ox.Literal) or not isinstance(quad.subject, ox.NamedNode):
            continue
        if quad.object.language not in (None, "en"):
            rank += 10
        key = quad.subject.value
        if key not in labels or rank < labels[key][0]:
            labels[key] = (rank, quad.object.value)
    return {k: v for k, (_, v) in labels.items()}
