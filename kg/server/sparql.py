"""The SPARQL 1.1 Protocol endpoint at /sparql (and /sparql/).

Queries arrive as GET ``query=``, POST form-encoded or POST ``application/sparql-query``; the
dataset comes from ``default-graph-uri`` / ``named-graph-uri`` (which override the query's own
``FROM``), else from the query's ``FROM`` clauses, else the default graph is the merged graph
(a set union of the source graphs) with every source graph reachable by ``GRAPH ?g``.
Each request is inspected before evaluation (:mod:`kg.server.safety`), its response format is
chosen from ``Accept`` / ``format=`` before evaluation (:mod:`kg.server.negotiation`), and the
query runs in a worker process under the time and result-size limits (:mod:`kg.server.engine`).
``GET /sparql`` without a query returns the SPARQL 1.1 Service Description.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, current_app, redirect, request

from kg.server import negotiation
from kg.server.engine import QueryJob
from kg.server.safety import UnsafeRequest, inspect

bp = Blueprint("sparql", __name__)

# The shape of a text never changes, and tokenising it is the largest cost of a small request in this
# process (~0.1 ms for a query with the usual prologue); dashboards and canned queries repeat texts.
# Refused texts raise, and lru_cache does not keep exceptions, so they are inspected every time.
_inspect = lru_cache(maxsize=1024)(inspect)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


def text_response(message: str, status: int, **headers) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers)
    return response


class ProtocolError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _decode_body() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(f"the request body must be UTF-8 (got charset={charset})", 415)
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"the request body is not valid UTF-8: {exc}") from None


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(f"give exactly one '{name}' parameter (got {len(values)})")
    return values[0] if values else None


def read_operation() -> tuple[str | None, str | None, dict[str, list[str]]]:
    """(query, update, dataset params) from the request, enforcing the protocol's rules."""
    params = {k: request.args.getlist(k) for k in request.args}
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            form = request.form
            for key in form:
                params.setdefault(key, [])
                params[key] = params[key] + form.getlist(key)
        elif mimetype == QUERY_TYPE:
            if "query" in params:
                raise ProtocolError("a direct POST carries the query in its body, not in 'query='")
            params["query"] = [_decode_body()]
        elif mimetype == UPDATE_TYPE:
            params["update"] = [_decode_body()]
        elif not mimetype:
            raise ProtocolError(f"POST needs a Content-Type: {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}", 415)
        else:
            raise ProtocolError(f"unsupported Content-Type {mimetype}; use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}",
                                415)
    query = _single(params.get("query", []), "query")
    update = _single(params.get("update", []), "update")
    if query is not None and update is not None:
        raise ProtocolError("give either 'query' or 'update', not both")
    if update is not None and request.method != "POST":
        # 403, not 400: a GET is never allowed to change the store, whatever token it carries.
        raise ProtocolError("SPARQL Update must be sent with POST (a GET never changes the store)", 403)
    return query, update, params


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    try:
        query, update, params = read_operation()
    except ProtocolError as exc:
        return text_response(str(exc), exc.status)
    if update is not None:
        from kg.server.update import handle_update

        return handle_update(update, params)
    if query is None:
        if request.method == "GET":
            return service_description_response()
        return text_response("missing 'query' (or 'update') parameter", 400)
    return answer_query(query, params)


def graph_names(params: dict[str, list[str]], name: str) -> tuple[str, ...] | None:
    values = [v for v in params.get(name, []) if v.strip()]
    return tuple(values) if values else None


def answer_query(text: str, params: dict[str, list[str]], substitutions: dict[str, str] | None = None,
                 format_param: str | None = None) -> Response:
    """Inspect, negotiate, evaluate: the shared path of /sparql and /queries/<name>."""
    state = current_app.extensions["kg"]
    config = state.config
    try:
        shape = _inspect(text)
    except UnsafeRequest as exc:
        return text_response(str(exc), 400)
    if shape.is_update:
        return text_response("this is a SPARQL Update: send it as 'update=' or application/sparql-update with "
                             "POST", 400)
    offers = negotiation.RESULT_FORMATS if shape.form in ("SELECT", "ASK", None) else negotiation.GRAPH_FORMATS
    try:
        fmt = negotiation.choose(offers, request.headers.get("Accept"),
                                 format_param or request.args.get("format"))
    except negotiation.NotAcceptable as exc:
        return text_response(str(exc), 406)

    default_graphs = graph_names(params, "default-graph-uri")
    named_graphs = graph_names(params, "named-graph-uri")
    if default_graphs is None and named_graphs is None and (shape.from_graphs or shape.from_named):
        known = set(state.store.graphs())
        unknown = [g for g in (*shape.from_graphs, *shape.from_named) if g not in known]
        if unknown:
            return text_response(f"FROM <{unknown[0]}> names no graph of this dataset; this endpoint never "
                                 "fetches remote graphs (list the graphs with SELECT DISTINCT ?g WHERE "
                                 "{ GRAPH ?g {} })", 400)
        # evaluated like protocol graphs, so several FROM graphs merge as a set
        default_graphs, named_graphs = tuple(shape.from_graphs), tuple(shape.from_named)
    job = QueryJob(text=text, fmt=fmt.key, default_graphs=default_graphs, named_graphs=named_graphs,
                   substitutions=substitutions or {}, max_rows=config.max_rows)
    outcome = state.engine.run(job, config.timeout)
    if outcome.status != 200:
        return text_response(outcome.body.decode("utf-8", "replace"), outcome.status)
    response = Response(outcome.body, status=200, content_type=negotiation.content_type(fmt))
    response.headers["Vary"] = "Accept"
    response.headers["X-Query-Time"] = f"{outcome.seconds * 1000:.1f} ms"
    if outcome.cached:
        response.headers["X-Answer-Cache"] = "hit"  # evaluated earlier; X-Query-Time is that evaluation's
    return response


def service_description_response() -> Response:
    accept = request.headers.get("Accept")
    if negotiation.prefers_html(accept) and not request.args.get("format"):
        return redirect("/", code=303)  # a browser at /sparql wants the query page
    from kg.server.description import service_description

    try:
        fmt = negotiation.choose(negotiation.GRAPH_FORMATS, accept, request.args.get("format"))
    except negotiation.NotAcceptable as exc:
        return text_response(str(exc), 406)
    body = service_description(current_app.extensions["kg"], request.host_url, fmt.key)
    response = Response(body, content_type=negotiation.content_type(fmt))
    response.headers["Vary"] = "Accept"
    return response
