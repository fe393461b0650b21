"""The analysts' canned queries: every ``.rq`` in ``queries/`` listed at /queries, run at /queries/<name>.

A query file starts with a comment header: ``# title: ...``, ``# description: ...`` and optional
``# param: NAME [description]`` lines. ``/queries/<name>?NAME=value`` binds the variable ``?NAME``
with a ``VALUES`` block right after the first ``WHERE {`` (the convention of queries/README.md): an
absolute ``http(s)://`` value becomes an IRI, anything else a plain literal. Results come in every
format /sparql offers (``Accept`` or ``format=``), under the same safety checks and limits.
``/queries/<name>.rq`` returns the query text itself.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import Blueprint, Response, current_app, request, url_for

from kg.config import QUERIES_DIR
from kg.query import sparql_term
from kg.server import negotiation
from kg.server.safety import tokens

bp = Blueprint("canned", __name__)
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


@bp.route("/queries", methods=["GET", "HEAD"])
@bp.route("/queries/", methods=["GET", "HEAD"])
def listing() -> Response:
    queries = all_queries()
    if negotiation.prefers_html(request.headers.get("Accept")) and request.args.get("format") != "json":
        items = "".join(
            f"<li><a href='{html.escape(url_for('canned.run', name=q.name))}'>{html.escape(q.title)}</a>"
            f" <small>({html.escape(q.name)}{_params_note(q)})</small><br>{html.escape(q.description)}</li>"
            for q in queries)
        return Response(f"<!doctype html><meta charset=utf-8><title>Canned queries</title><h1>Canned queries</h1>"
                        f"<ul>{items}</ul>", mimetype="text/html")
    body = [{**asdict(q), "url": url_for("canned.run", name=q.name, _external=True)} for q in queries]
    return Response(json.dumps(body, indent=1, ensure_ascii=False), mimetype="application/json")


def _params_note(query: Canned) -> str:
    return "; parameters: " + html.escape(", ".join(p["name"] for p in query.params)) if query.params else ""


@bp.route("/queries/<name>.rq", methods=["GET", "HEAD"])
def source(name: str) -> Response:
    query = find(name)
    if query is None:
        return Response(f"no canned query named {name!r}\n", status=404, mimetype="text/plain")
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
    return answer_query(text, {})


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
