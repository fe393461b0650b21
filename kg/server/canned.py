"""The analysts' canned queries: every ``.rq`` in ``queries/`` listed at /queries, run at /queries/<name>.

A query file starts with a comment header: ``# title: ...``, ``# description: ...`` and optional
``# param: NAME [description]`` lines. ``/queries/<name>?NAME=value`` binds the variable ``?NAME``
with a ``VALUES`` block right after the first ``WHERE {`` (the convention of queries/README.md): an
absolute ``http(s)://`` value becomes an IRI, anything else a plain literal. Results come in every
format /sparql offers (``Accept`` or ``format=``), under the same safety checks and limits.
``/queries/<name>.rq`` returns the query text itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for

from kg.config import QUERIES_DIR
from kg.query import sparql_term
from kg.server import negotiation
from kg.server.safety import tokens

bp = Blueprint("canned", __name__, template_folder="templates")
XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$", re.IGNORECASE)
NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


@dataclass
class Canned:
    name: str
    title: str
    description: str = ""
    params: list[dict[str, str]] = field(default_factory=list)  # {"name", "description"}
    text: str = ""


def parse(path: Path) -> Canned:
    text = path.read_text(encoding="utf-8")
    query = Canned(name=path.stem, title=path.stem, text=text)
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of SPARQL
        m = HEADER.match(stripped)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "title":
            query.title = value
        elif key == "description":
            query.description = f"{query.description} {value}".strip()
        else:
            name, _, desc = value.lstrip("?$").partition(" ")
            if name:
                query.params.append({"name": name, "description": desc.strip(" -—:")})
    return query


def folder() -> Path:
    return Path(current_app.config.get("KG_QUERIES_DIR", QUERIES_DIR))


def all_queries() -> list[Canned]:
    root = folder()
    return [parse(p) for p in sorted(root.glob("*.rq"))] if root.is_dir() else []


def find(name: str) -> Canned | None:
    if not NAME.match(name):
        return None
    path = folder() / f"{name}.rq"
    return parse(path) if path.is_file() else None


def _wants_html() -> bool:
    """A browser (HTML preferred) that did not ask for a format by name."""
    return negotiation.prefers_html(request.headers.get("Accept")) and not request.args.get("format")


@bp.route("/queries", methods=["GET", "HEAD"])
@bp.route("/queries/", methods=["GET", "HEAD"])
def listing() -> Response:
    queries = all_queries()
    if _wants_html():
        return Response(render_template("queries.html", queries=queries), mimetype="text/html")
    body = [{**asdict(q), "url": url_for("canned.run", name=q.name, _external=True)} for q in queries]
    return Response(json.dumps(body, indent=1, ensure_ascii=False), mimetype="application/json")


@bp.route("/queries/<name>.rq", methods=["GET", "HEAD"])
def source(name: str) -> Response:
    query = find(name)
    if query is None:
        return Response(f"no canned query named {name!r}\n", status=404, mimetype="text/plain")
    if negotiation.prefers_html(request.headers.get("Accept")):  # a browser shows it instead of saving it
        return Response(query.text, content_type="text/plain; charset=utf-8")
    return Response(query.text, mimetype="application/sparql-query")


@bp.route("/queries/<name>", methods=["GET", "POST"])
def run(name: str) -> Response:
    from kg.server.sparql import answer_query

    query = find(name)
    if query is None:
        return Response(f"no canned query named {name!r}; see /queries\n", status=404, mimetype="text/plain")
    declared = {p["name"] for p in query.params}
    substitutions = {k: v for k, v in request.values.items() if k in declared and v != ""}
    unknown = [k for k in request.args if k not in declared and k != "format"]
    if unknown:
        return Response(f"unknown parameter {unknown[0]!r}; this query takes: "
                        f"{', '.join(sorted(declared)) or 'none'}\n", status=400, mimetype="text/plain")
    try:
        text = bind_parameters(query.text, substitutions)
    except ValueError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    if _wants_html():
        return results_page(query, text, substitutions)
    return answer_query(text, {})


# -- the results as a page ---------------------------------------------------------------------------
MAX_PAGE_ROWS = 1000  # rows drawn on the HTML page; the CSV and JSON links carry all of them
MAX_CHOICES = 2000  # suggestions offered for one parameter
# Asked of the shared answer path: SELECT/ASK as SPARQL JSON, CONSTRUCT/DESCRIBE as N-Triples.
PAGE_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


@dataclass(frozen=True)
class Cell:
    """One value of a result row as the page shows it: ``href`` only for /id/ or http(s) links."""

    text: str
    href: str | None = None
    title: str | None = None
    number: bool = False
    prose: bool = False  # a sentence (evidence, a description): its column is kept readable wide


def results_page(query: Canned, text: str, values: dict[str, str]) -> Response:
    """The answer of a canned query as an HTML table (what a browser gets at /queries/<name>), with
    a form for its parameters; computed by the same path as /sparql, under the same limits."""
    from kg.server.sparql import answer

    state = current_app.extensions["kg"]
    result = answer(state, text, {}, PAGE_ACCEPT, None)
    columns: list[str] = []
    rows: list[list[Cell]] = []
    error = None
    total = 0
    if result.status != 200:
        error = result.body.decode("utf-8", "replace").strip()
    else:
        kind = dict(result.headers).get("Content-Type", "")
        columns, terms = _parse_answer(result.body, kind)
        total = len(terms)
        base = state.config.base
        labels = _labels(state.store, [t for row in terms[:MAX_PAGE_ROWS] for t in row], base)
        rows = [[_cell(t, base, labels) for t in row] for row in terms[:MAX_PAGE_ROWS]]
    links = {fmt: url_for("canned.run", name=query.name, format=fmt, **values) for fmt in ("csv", "json", "tsv")}
    form = [_param_field(state.store, p, values.get(p["name"], "")) for p in query.params]
    body = render_template("canned.html", query=query, columns=columns, rows=rows, total=total, error=error,
                           status=result.status, form=form, links=links, shown=min(total, MAX_PAGE_ROWS))
    return Response(body, status=200 if error is None else result.status, mimetype="text/html")


def _parse_answer(body: bytes, content_type: str) -> tuple[list[str], list[list]]:
    import pyoxigraph as ox

    if content_type.startswith("application/n-triples"):
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        return ["subject", "predicate", "object"], [[t.subject, t.predicate, t.object] for t in triples]
    data = json.loads(body)
    if "boolean" in data:
        return ["answer"], [[ox.Literal("true" if data["boolean"] else "false")]]
    names = data["head"]["vars"]
    rows = []
    for binding in data["results"]["bindings"]:
        rows.append([_term(binding.get(name)) for name in names])
    return names, rows


def _term(value: dict | None):
    import pyoxigraph as ox

    if value is None:
        return None
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                             "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def _labels(store, terms, base: str) -> dict[str, str]:
    """Names of the IRIs a page shows (only the rows drawn): labels, documents' headlines or file
    names, ontology terms' labels; looked up in batches like the entity pages' (describe._Labeller)."""
    import pyoxigraph as ox

    from kg.server.describe import _Labeller

    labeller = _Labeller(store, base)
    labeller.fetch({t.value for t in terms if isinstance(t, ox.NamedNode)})
    return labeller.labels


def _cell(term, base: str, labels: dict[str, str]) -> Cell:
    import pyoxigraph as ox

    from kg.server.describe import local_href

    if term is None:
        return Cell("")
    if isinstance(term, ox.NamedNode):
        href = local_href(term.value, base)
        return Cell(labels.get(term.value) or _short(term.value, base), href, term.value)
    if isinstance(term, ox.BlankNode):
        return Cell("_:" + term.value)
    datatype = term.datatype.value if term.datatype is not None else None
    plain = datatype in (None, XSD + "string")
    title = f"@{term.language}" if term.language else None if plain else _short(datatype, base)
    return Cell(term.value, None, title, datatype in NUMERIC, is_prose(term.value))


PROSE_WORDS = 12  # a sentence (evidence), not a name: squeezed among a dozen columns it ran 15 lines tall


def is_prose(text: str) -> bool:
    return len(text.split()) >= PROSE_WORDS


def _short(iri: str, base: str) -> str:
    from kg.store import PREFIXES

    if iri.startswith(base):
        return iri[len(base):]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _param_field(store, param: dict[str, str], value: str) -> dict:
    """A form field for a parameter; one named like an ontology class (``actor``, ``event``,
    ``place``) suggests that class's members by label, so an analyst picks instead of typing IRIs."""
    from kg import vocab
    from kg.config import ONTOLOGY_NS
    from kg.query import select

    choices: list[tuple[str, str]] = []
    cls = next((c for c in sorted(vocab.CLASSES) if c.lower() == param["name"].lower()), None)
    if cls is not None:
        members = " ".join(f"<{ONTOLOGY_NS}{c}>" for c in sorted({cls} | vocab.subclasses(cls)))
        # grouped in a sub-SELECT and ordered outside it: Virtuoso cannot order by an expression over an
        # aggregate's alias in the same SELECT (docs/scale.md); the answer is the same on every store
        rows = select(store, f"SELECT ?x ?label WHERE {{ {{ SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ "
                             f"VALUES ?t {{ {members} }} ?x a ?t ; rdfs:label ?l }} GROUP BY ?x }} }} "
                             f"ORDER BY LCASE(STR(?label)) LIMIT {MAX_CHOICES}")
        choices = [(r["x"].value, r["label"].value) for r in rows if r["label"] is not None]
    return {"name": param["name"], "description": param["description"], "value": value, "choices": choices,
            "kind": cls}


def bind_parameters(text: str, values: dict[str, str]) -> str:
    """Insert ``VALUES ?NAME { term }`` right after the query's first ``WHERE {`` (queries/README.md).

    Binding inside the pattern (not a trailing VALUES, which SPARQL applies after grouping) narrows
    aggregates and works for variables the query does not select. The position is found with the
    SPARQL tokeniser, so ``WHERE {`` inside a string or comment is never taken for it.
    """
    if not values:
        return text
    toks = tokens(text)
    for i, tok in enumerate(toks):
        if tok.keyword == "WHERE" and i + 1 < len(toks) and toks[i + 1].text == "{":
            at = toks[i + 1].start + 1
            break
    else:
        brace = next((t for t in toks if t.text == "{" and t.kind == "other"), None)
        if brace is None:
            raise ValueError("this query has no group pattern to bind parameters in")
        at = brace.start + 1
    clause = " ".join(f"VALUES ?{name} {{ {sparql_term(value)} }}" for name, value in sorted(values.items()))
    return f"{text[:at]} {clause} {text[at:]}"
