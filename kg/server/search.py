"""``/search?q=``: the names of entities, events and documents, found through the full-text index.

HTML for a browser (the search box in every page's top bar submits here), JSON for programs and for the
box's own suggestions (``Accept: application/json`` or ``format=json``). The index (:mod:`kg.search`) is
built when the blueprint is registered and follows every change of the store from then on.

    GET /search?q=houthi&kind=entity&limit=10&format=json
    {"query": "houthi", "kind": "entity", "results": [{"iri": ..., "label": "Houthis", "kind": "entity",
      "matched": null, "href": "/id/group/houthis", "score": -112.3}, ...]}
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request

from kg.search import KINDS, SearchIndex
from kg.server import negotiation

bp = Blueprint("search", __name__, template_folder="templates")
DEFAULT_LIMIT = 20
MAX_LIMIT = 200


@bp.record_once
def _build_index(state) -> None:
    try:
        state.app.extensions["kg_search"] = SearchIndex.attach(state.app.config["KG_STORE"])
    except TypeError:  # a store on a remote SPARQL server: no change reports, so no index to trust
        state.app.extensions["kg_search"] = None


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


@bp.route("/search", methods=["GET", "HEAD"])
def search() -> Response:
    from kg.server.ui import local_href

    query = request.args.get("q", "").strip()
    kind = request.args.get("kind", "").strip() or None
    if kind is not None and kind not in KINDS:
        return _text(f"kind={kind!r} is not one of {', '.join(KINDS)}", 400)
    try:
        limit = int(request.args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        return _text(f"limit must be a whole number from 1 to {MAX_LIMIT}", 400)
    if not 1 <= limit <= MAX_LIMIT:
        return _text(f"limit must be a whole number from 1 to {MAX_LIMIT}", 400)
    fmt = request.args.get("format", "").strip().lower()
    if fmt not in ("", "json", "html"):
        return _text(f"format={fmt!r}: choose json or html", 400)
    as_html = fmt == "html" or (not fmt and negotiation.prefers_html(request.headers.get("Accept")))

    index: SearchIndex | None = current_app.extensions["kg_search"]
    if index is None:
        return _text("search needs the graph in a local store: this server reads it from a remote SPARQL server, "
                     "whose names can change without this server knowing (query rdfs:label at /sparql instead)", 501)
    hits = index.search(query, limit=limit, kind=kind) if query else []
    results = [{"iri": h.iri, "label": h.label, "kind": h.kind, "matched": h.matched, "href": local_href(h.iri),
                "score": h.score} for h in hits]
    if as_html:
        page = render_template("search.html", query=query, kind=kind, kinds=KINDS, results=results, limit=limit)
        return Response(page, mimetype="text/html")
    body = json.dumps({"query": query, "kind": kind, "results": results}, ensure_ascii=False)
    return Response(body, mimetype="application/json")
