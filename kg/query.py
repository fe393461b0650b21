"""Running SPARQL on the store and writing results, shared by ``kg query`` and the server."""

from __future__ import annotations

import io

import pyoxigraph as ox

from kg.store import KGStore


class QueryError(Exception):
    """The query cannot be run; the message is the parser's or engine's own."""


def run_query(store: KGStore, text: str, **kwargs):
    try:
        return store.query(text, **kwargs)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from None


RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


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
    if isinstance(result, ox.QueryTriples):
        rdf_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        return ox.serialize(result, format=rdf_format).decode("utf-8")
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
