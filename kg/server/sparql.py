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

import dataclasses
import io
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus

from flask import Blueprint, Response, current_app, redirect, request

from kg.query import TooComplex, check_structure
from kg.server import CORS_HEADERS, log_request, negotiation, site_root
from kg.server.engine import QueryJob
from kg.server.safety import UnsafeRequest, inspect

bp = Blueprint("sparql", __name__)

# The shape of a text never changes, and tokenising it is the largest cost of a small request in this
# process (~0.1 ms for a query with the usual prologue); dashboards and canned queries repeat texts.
# Refused texts raise, and lru_cache does not keep exceptions, so they are inspected every time.
_inspect = lru_cache(maxsize=1024)(inspect)
# Reading a text is Python work in the request thread, under the interpreter lock every request shares: a
# 1 MB text within the token bound takes 1-2.5 s to read, and eight at once took 17 s each. So long texts are
# read one at a time, and one that waits longer than --queue-wait for its turn gets the 503 a busy worker pool
# gives; short texts (most of them, and every canned query) never wait.
LONG_TEXT = 100_000
_reading_long = threading.BoundedSemaphore(1)
BUSY_READING = "the server is busy reading another long query; try again shortly"


class BusyReading(Exception):
    """Another long text is being read and this one waited its --queue-wait (HTTP 503)."""


def _read(text: str, wait: float):
    """The shape of ``text`` (:func:`inspect`), long texts one at a time."""
    if len(text) <= LONG_TEXT:
        return _inspect(text)
    if not _reading_long.acquire(timeout=wait):
        raise BusyReading(BUSY_READING)
    try:
        return _inspect(text)
    finally:
        _reading_long.release()

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


@dataclass(frozen=True)
class Answer:
    """A finished answer to a query, independent of Flask (the direct WSGI path sends it too)."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


def _refusal(message: str, status: int) -> Answer:
    return Answer(status, (message.rstrip("\n") + "\n").encode("utf-8"),
                  (("Content-Type", "text/plain; charset=utf-8"),))


# A '<...>' that does not start with a scheme: perhaps a relative IRI (a false alarm such as '?a<?b>' only
# costs a BASE declaration that nothing uses).
_IRI_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\"{}|^`\\\x00-\x20]*>")


def with_base(text: str, base_iri: str | None) -> str:
    """The query with ``BASE <request URL>`` in front when it may hold a relative IRI, as the SPARQL
    Protocol's tests expect (``CONSTRUCT { <s> <p> 1 } WHERE {}``); a BASE of the query's own comes later
    in the prologue and wins."""
    if base_iri is None or not _IRI_TEXT.fullmatch(base_iri) or not _RELATIVE_IRI.search(text):
        return text  # no base, or one built from a Host header that could end the IRI: never spliced in
    return f"BASE <{base_iri}> {text}"


def request_iri(config, host_url: str, path: str) -> str:
    """The URL a request was sent to, as its client sees it (the public URL's root when one is set)."""
    return site_root(config, host_url) + path.lstrip("/")


def answer(state, text: str, params: dict[str, list[str]], accept: str | None, format_param: str | None,
           substitutions: dict[str, str] | None = None, base_iri: str | None = None) -> Answer:
    """Inspect, negotiate, evaluate: the shared path of /sparql, /queries/<name> and :class:`DirectQueries`.
    Relative IRIs in the text resolve against ``base_iri`` (the request's URL)."""
    config = state.config
    try:
        check_structure(text)
        shape = _read(text, config.queue_wait)
    except (UnsafeRequest, TooComplex) as exc:
        return _refusal(str(exc), 400)
    except BusyReading as exc:
        return _refusal(str(exc), 503)
    if shape.is_update:
        return _refusal("this is a SPARQL Update: send it as 'update=' or application/sparql-update with POST", 400)
    offers = negotiation.RESULT_FORMATS if shape.form in ("SELECT", "ASK", None) else negotiation.GRAPH_FORMATS
    try:
        fmt = negotiation.choose(offers, accept, format_param)
    except negotiation.NotAcceptable as exc:
        return _refusal(str(exc), 406)

    default_graphs = graph_names(params, "default-graph-uri")
    named_graphs = graph_names(params, "named-graph-uri")
    if default_graphs is None and named_graphs is None and (shape.from_graphs or shape.from_named):
        known = set(state.store.graphs())
        unknown = [g for g in (*shape.from_graphs, *shape.from_named) if g not in known]
        if unknown:
            return _refusal(f"FROM <{unknown[0]}> names no graph of this dataset; this endpoint never fetches "
                            "remote graphs (list the graphs with SELECT DISTINCT ?g WHERE { GRAPH ?g {} })", 400)
        # evaluated like protocol graphs, so several FROM graphs merge as a set
        default_graphs, named_graphs = tuple(shape.from_graphs), tuple(shape.from_named)
    based = with_base(text, base_iri)
    job = QueryJob(text=based, fmt=fmt.key, default_graphs=default_graphs, named_graphs=named_graphs,
                   substitutions=substitutions or {}, max_rows=config.max_rows)
    outcome = state.engine.run(job, config.timeout)
    if outcome.status == 400 and based is not text and outcome.body.startswith(b"malformed query"):
        # the parser's message about the text as written (its positions do not count our BASE)
        outcome = state.engine.run(dataclasses.replace(job, text=text), config.timeout)
    if outcome.status != 200:
        return _refusal(outcome.body.decode("utf-8", "replace"), outcome.status)
    headers = [("Content-Type", negotiation.content_type(fmt)), ("Vary", "Accept"),
               ("X-Query-Time", f"{outcome.seconds * 1000:.1f} ms")]
    if outcome.cached:
        headers.append(("X-Answer-Cache", "hit"))  # evaluated earlier; X-Query-Time is that evaluation's
    return Answer(200, outcome.body, tuple(headers))


def answer_query(text: str, params: dict[str, list[str]], substitutions: dict[str, str] | None = None,
                 format_param: str | None = None) -> Response:
    """:func:`answer` as a Flask response."""
    state = current_app.extensions["kg"]
    result = answer(state, text, params, request.headers.get("Accept"), format_param or request.args.get("format"),
                    substitutions, request_iri(state.config, request.host_url, request.path))
    return Response(result.body, status=result.status, headers=list(result.headers))


class DirectQueries:
    """WSGI layer in front of Flask for the commonest request: a POST of ``application/sparql-query``
    to /sparql with no parameters.

    It is answered by the same :func:`answer` (same checks, limits, formats and headers, the same
    CORS headers and log line) without building Flask's request, context and response objects,
    which cost ~0.2 ms of a 2 ms lookup in the server process, where every request thread shares one
    interpreter lock. Anything else, or anything this layer is unsure of (a charset parameter, no
    Content-Length, a body over the limit, bytes that are not UTF-8), goes to Flask unchanged.
    """

    PATHS = ("/sparql", "/sparql/")

    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") not in self.PATHS
                or environ.get("QUERY_STRING") or environ.get("CONTENT_TYPE") != QUERY_TYPE):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        state = self.flask_app.extensions["kg"]
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit() or int(length) > state.config.max_body_bytes:
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(length))
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it again and says what is wrong
            return self.wsgi_app(environ, start_response)
        host_url = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', 'localhost')}/"
        result = answer(state, text, {"query": [text]}, environ.get("HTTP_ACCEPT"), None,
                        base_iri=request_iri(state.config, host_url, environ["PATH_INFO"]))
        headers = [*result.headers, ("Content-Length", str(len(result.body))), *CORS_HEADERS]
        start_response(f"{result.status} {HTTPStatus(result.status).phrase}", headers)
        log_request("POST", environ["PATH_INFO"], result.status, started)
        return [result.body]


def service_description_response() -> Response:
    accept = request.headers.get("Accept")
    if negotiation.prefers_html(accept) and not request.args.get("format"):
        return redirect("/", code=303)  # a browser at /sparql wants the query page
    from kg.server.description import service_description

    try:
        fmt = negotiation.choose(negotiation.GRAPH_FORMATS, accept, request.args.get("format"))
    except negotiation.NotAcceptable as exc:
        return text_response(str(exc), 406)
    state = current_app.extensions["kg"]
    body = service_description(state, site_root(state.config, request.host_url), fmt.key)
    response = Response(body, content_type=negotiation.content_type(fmt))
    response.headers["Vary"] = "Accept"
    return response
