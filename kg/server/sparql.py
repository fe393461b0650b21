"""The SPARQL 1.1 Protocol endpoint at /sparql."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from kg.query import QueryError, format_result, run_query

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    text = request.values.get("query")
    if text is None and request.mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    if not text:
        return Response("missing 'query' parameter\n", status=400, mimetype="text/plain")
    try:
        body = format_result(run_query(current_app.config["KG_STORE"], text), "json")
    except QueryError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    return Response(body, mimetype="application/sparql-results+json")
