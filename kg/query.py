"""Running SPARQL on the store and writing results, shared by ``kg query`` and the server.

This module is also the server's only door to pyoxigraph: it turns result terms into plain Python
values (:class:`TermValue`), serialises results and graphs, and builds the small in-memory stores
the server needs, so ``kg.server`` never imports an RDF library itself.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.sandbox import MAX_STRUCTURE, is_network_refusal, structure_count
from kg.sandbox import shared as shared_sandbox
from kg.store import PREFIXES, KGStore


class QueryError(Exception):
    """The query cannot be run; the message is the parser's or engine's own."""


class TooComplex(QueryError):
    """The text has more structure than the engine can be trusted to recurse over."""


NO_OUTBOUND = ("SERVICE and LOAD are not allowed: this endpoint never makes outbound requests (the query tried "
               "to reach another server)")


def check_structure(text: str, limit: int = MAX_STRUCTURE) -> None:
    """Refuse a text whose structure could overflow the engine's stack (see :mod:`kg.sandbox`)."""
    count = structure_count(text)
    if count > limit:
        raise TooComplex(f"the query is too large to evaluate safely: it has {count:,} brackets, operators, "
                         f"separators and variables, and the limit is {limit:,} (each can nest one level deeper "
                         "in the engine); split it or shorten its VALUES lists")


def engine_error(exc: BaseException, what: str = "query") -> QueryError:
    """The QueryError to report for an exception the engine raised, with the engine's own message."""
    if is_network_refusal(exc):
        return QueryError(NO_OUTBOUND)
    if isinstance(exc, SyntaxError):
        return QueryError(f"malformed {what}: {exc}")
    return QueryError(f"{what} failed: {exc}")


def run_query(store: KGStore, text: str, **kwargs):
    """Evaluate ``text`` (its structure checked first). The result is lazy: the engine does its work, a SERVICE
    call included, while it is read, so a caller with a user's text calls this and reads the result on a
    confined thread (:mod:`kg.sandbox`), as :func:`answer_text` and the query workers do."""
    check_structure(text)
    try:
        return store.query(text, **kwargs)
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        raise engine_error(exc) from None


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


def sparql_term(value: str) -> str:
    """A canned-query parameter as SPARQL text: ``<iri>`` for an absolute IRI, else a string literal."""
    return str(substitution_term(value))


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


# -- bounded evaluation for the endpoint ------------------------------------------------------------
class ResultTooLarge(QueryError):
    """The result holds more rows or triples than the configured limit."""


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != PREFIXES["xsd"] + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _dataset(store: KGStore, default_graphs, named_graphs) -> tuple[KGStore, dict]:
    """The store and keyword arguments that realise a protocol / FROM dataset.

    Oxigraph merges several default graphs keeping one copy of a triple per graph; SPARQL's RDF
    merge is a set. So for more than one default graph the graphs are copied into a scratch store
    whose default graph is their set union (per-source graphs are small; the copy is bounded by
    the query time limit like everything else a query does).
    """
    if default_graphs is None and named_graphs is None:
        return store, {}
    default_graphs, named_graphs = list(default_graphs or []), list(named_graphs or [])
    named = [ox.NamedNode(g) for g in named_graphs]
    if len(default_graphs) <= 1 or getattr(store, "remote", False):  # a SPARQL server merges named graphs itself
        return store, {"default_graph": [ox.NamedNode(g) for g in default_graphs], "named_graphs": named}
    scratch = KGStore()
    quads = []
    for g in default_graphs:
        quads += [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                  for q in store.ox.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    for g in named:
        quads += list(store.ox.quads_for_pattern(None, None, None, g))
    scratch.ox.extend(quads)
    return scratch, {"default_graph": ox.DefaultGraph(), "named_graphs": named}


def evaluate(
    store: KGStore,
    text: str,
    fmt: str,
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    substitutions: dict[str, str] | None = None,
    max_rows: int | None = None,
    rows_capped: bool = False,
) -> bytes:
    """Run a query and serialise its result in ``fmt``, refusing results over ``max_rows``.

    ``fmt`` is a RESULT_FORMATS key for SELECT/ASK and a GRAPH_FORMATS key for CONSTRUCT/DESCRIBE.

    SELECT results are written by Oxigraph's own (Rust) serialiser, which is 10-30 % faster than
    building the JSON in Python on large results, when the result is known to be bounded: with no
    ``max_rows``, or when the caller says ``rows_capped`` (it made the query return at most
    ``max_rows + 1`` solutions, e.g. by appending a LIMIT: see ``kg.server.rowcap``). The rows of
    the written bytes are then counted (:func:`result_rows`) to refuse an oversized result. Otherwise
    the rows are counted while they are read, so an unbounded oversized result stops early.
    """
    target, kwargs = _dataset(store, default_graphs, named_graphs)
    if substitutions:
        kwargs["substitutions"] = {ox.Variable(k): substitution_term(v) for k, v in substitutions.items()}
    result = run_query(target, text, **kwargs)
    try:
        if isinstance(result, ox.QueryBoolean):
            return result.serialize(format=RESULT_FORMATS[fmt])
        if isinstance(result, ox.QueryTriples):
            triples = []
            for triple in result:
                if max_rows is not None and len(triples) >= max_rows:
                    raise ResultTooLarge(f"the result has more than {max_rows:,} triples, the limit of this "
                                         "endpoint: narrow the query or add LIMIT")
                triples.append(triple)
            return serialize_triples(triples, fmt)
        if max_rows is None or rows_capped:
            body = result.serialize(format=RESULT_FORMATS[fmt])
            if max_rows is not None and result_rows(body, fmt, max_rows) > max_rows:
                raise ResultTooLarge(_too_many_rows(max_rows))
            return body
        return _select_counted(result, fmt, max_rows)
    except (OSError, ValueError, RuntimeError) as exc:  # evaluation errors surface while iterating
        raise engine_error(exc) from None


def _too_many_rows(max_rows: int) -> str:
    return (f"the result has more than {max_rows:,} rows, the limit of this endpoint: narrow the query or "
            "add LIMIT")


def _select_counted(result, fmt: str, max_rows: int) -> bytes:
    """SELECT rows as JSON built in Python, counted one by one (for results with no known bound)."""
    variables = [v.value for v in result.variables]
    bindings = []
    for row in result:
        if len(bindings) >= max_rows:
            raise ResultTooLarge(_too_many_rows(max_rows))
        bindings.append({v: _json_term(row[v]) for v in variables if row[v] is not None})
    doc = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)
    if fmt == "json":
        return doc.encode("utf-8")
    parsed = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[fmt])


def result_rows(body: bytes, fmt: str, limit: int | None = None) -> int:
    """The number of solutions in a SELECT result written by Oxigraph in ``fmt``.

    A byte count (memchr speed) gives an upper bound first: in JSON every solution opens a ``{``
    (the head adds three), in CSV and TSV every row ends with a newline (the header adds one), and
    in XML every solution is one ``<result>`` tag (text escapes ``<``, so the count is exact). When
    that bound is already at most ``limit`` it is returned; otherwise the rows are counted exactly
    (TSV escapes newlines in terms, so its line count is exact; JSON is parsed by Oxigraph and CSV by
    Python's csv module, which both know quoting).
    """
    if fmt == "xml":
        return body.count(b"<result>")
    if fmt == "tsv":
        return max(0, body.count(b"\n") - 1)
    bound = body.count(b"{") - 3 if fmt == "json" else body.count(b"\n") - 1
    if limit is not None and bound <= limit:
        return max(0, bound)
    if fmt == "json":
        return sum(1 for _ in ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))
    import csv

    return max(0, sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1)


def dump_dataset(store: KGStore, path) -> None:
    """Every quad of the store, default graph included, as N-Quads (a snapshot for worker processes)."""
    with open(path, "wb") as out:
        ox.serialize(store.ox.quads_for_pattern(None, None, None, None), out, ox.RdfFormat.N_QUADS)


def load_snapshot(path) -> KGStore:
    """A store holding exactly the quads of an N-Quads snapshot (the default graph as written)."""
    store = KGStore()
    store.ox.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def backup_store(store: KGStore, directory) -> None:
    """A consistent on-disk checkpoint of a persistent store (hard links, cheap)."""
    store.ox.backup(str(directory))


def open_read_only(path) -> KGStore:
    return KGStore(path, read_only=True)


# -- SPARQL Update (INSERT DATA / DELETE DATA) keeping the union consistent -------------------------
_DATA_BLOCK = re.compile(r"\s*(INSERT|DELETE)\s+DATA\s*(\{.*)\Z", re.IGNORECASE | re.DOTALL)


def _prologue(prefixes: dict[str, str] | None) -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in {**PREFIXES, **(prefixes or {})}.items())


def _in_sandbox(work, what: str):
    """``work()`` on the sandbox thread, engine failures as QueryError: user text reaches the engine only there."""
    try:
        return shared_sandbox().run(work)
    except QueryError:
        raise
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        raise engine_error(exc, what) from None


def check_update(text: str) -> None:
    """Let the engine read the whole update first, on an empty scratch store in the sandbox.

    Its parser has the last word on syntax (a malformed request is refused with its message), and any
    operation that reaches out (``LOAD``, a ``SERVICE`` inside a ``WHERE``) fails there for want of a
    network and refuses the whole request before anything is applied. Other failures on the empty store
    (dropping a graph it lacks) say nothing about the request and are ignored.
    """
    check_structure(text)

    def work() -> None:
        try:
            ox.Store().update(_prologue(None) + text)
        except SyntaxError:
            raise
        except (OSError, ValueError, RuntimeError) as exc:
            if is_network_refusal(exc):
                raise
    _in_sandbox(work, "update")


def data_quads(operation: str, prefixes: dict[str, str] | None = None) -> list:
    """The quads of one ``INSERT DATA`` / ``DELETE DATA`` operation, read by Oxigraph's own parser.

    The block runs as ``INSERT DATA`` against an empty scratch store on the sandbox thread. It must also
    parse as a query's ``WHERE`` block, which admits no second operation after it, so a ``;`` that the
    caller's tokeniser took for text cannot carry another operation past the checks.
    """
    match = _DATA_BLOCK.match(operation)
    if match is None:
        raise QueryError(f"not a data block: {operation[:40]!r}")
    kind, block = match.group(1).upper(), match.group(2)
    prologue = _prologue(prefixes)

    def work() -> list:
        scratch = ox.Store()
        try:
            scratch.query(prologue + "ASK WHERE " + block)
        except SyntaxError as exc:
            raise QueryError(f"{kind} DATA: the block must be one block of triples and nothing after it ({exc})")\
                from None
        scratch.update(prologue + "INSERT DATA " + block)
        return list(scratch.quads_for_pattern(None, None, None, None))
    check_structure(operation)
    return _in_sandbox(work, "update")


def answer_text(store: KGStore, text: str, fmt: str) -> str:
    """``kg query``: a user's query evaluated and formatted on the sandbox thread (a remote store evaluates it on
    its server, which the sandbox's no-network rule would stop from being asked: its text was inspected)."""
    if getattr(store, "remote", False):
        try:
            return format_result(run_query(store, text), fmt)
        except (OSError, ValueError, RuntimeError) as exc:
            raise engine_error(exc, "query") from None
    return _in_sandbox(lambda: format_result(run_query(store, text), fmt), "query")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def unserialisable_literal(quads) -> str | None:
    """The first literal holding a character XML 1.0 cannot carry (most C0 controls): stored, it would make
    every RDF/XML and SPARQL XML answer that includes it unreadable, so writers refuse it."""
    for quad in quads:
        if isinstance(quad.object, ox.Literal) and _NOT_XML.search(quad.object.value):
            return quad.object.value
    return None


def is_default_graph_quad(quad) -> bool:
    return isinstance(quad.graph_name, ox.DefaultGraph)


def quad_graph(quad) -> str:
    return quad.graph_name.value


def insert_quads(store: KGStore, quads: list) -> None:
    """Add quads to their named graphs and their triples to the union, in one transaction."""
    union = [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads]
    with store._write_lock:
        store.ox.extend(list(quads) + union)
        store.notify_changed(added=union)


def delete_quads(store: KGStore, quads: list) -> int:
    """Remove quads from their graphs, and from the union every triple no other graph still states.
    Returns the number of triples that left the merged graph."""
    doomed = {(q.subject, q.predicate, q.object, q.graph_name) for q in quads}
    with store._write_lock:
        present = [q for q in quads if q in store.ox]
        orphans = []
        for q in present:
            others = [o for o in store.ox.quads_for_pattern(q.subject, q.predicate, q.object, None)
                      if not isinstance(o.graph_name, ox.DefaultGraph)
                      and (o.subject, o.predicate, o.object, o.graph_name) not in doomed]
            if not others:
                orphans.append(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()))
        body = " ".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in present)
        body += " " + " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in set(orphans))
        if body.strip():
            store.ox.update(f"DELETE DATA {{ {body} }}")
        store.notify_changed(removed=set(orphans))
        return len(set(orphans))
