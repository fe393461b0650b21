"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store`` (the path Oxigraph's server uses).

Reading, open to everyone like ``/sparql``:

* ``GET /store?graph=IRI``: that source's named graph; ``GET /store?default``: the default graph (the
  merged graph, the set union of the source graphs); ``GET /store`` alone: the whole dataset (TriG or
  N-Quads). Formats by ``Accept`` or ``format=`` as for CONSTRUCT; ``HEAD`` answers the same headers.
  An unknown graph is 404; a graph over the ``--max-rows`` limit is refused with 403 and a way round.

Writing, only with the update token (``Authorization: Bearer``), on named graphs only (the default graph
is the union, kept in step by the server, as for SPARQL Update):

* ``PUT /store?graph=IRI``: the graph is replaced by the body (Turtle or N-Triples); 201 when new, else 204;
* ``POST /store?graph=IRI``: the body's triples are added to the graph (and the union); 204;
* ``DELETE /store?graph=IRI``: the graph goes, with every union triple only it supported; 204, 404 if absent.

A body is parsed whole, and refused whole, before anything is written; relative IRIs in it are resolved
against the graph's IRI.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.query import GRAPH_FORMATS, insert_quads, unserialisable_literal
from kg.server import negotiation

bp = Blueprint("gsp", __name__)

BODY_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}
QUAD_OFFERS = [f for f in negotiation.GRAPH_FORMATS if f.key in ("trig", "nquads")]


def _text(message: str, status: int, **headers) -> Response:
    from kg.server.sparql import text_response

    return text_response(message, status, **headers)


class Refusal(Exception):
    def __init__(self, message: str, status: int = 400, **headers):
        super().__init__(message)
        self.status, self.headers = status, headers


def _target() -> ox.NamedNode | ox.DefaultGraph | None:
    """The graph the request names: a NamedNode, the DefaultGraph, or None for the whole dataset."""
    graphs = request.args.getlist("graph")
    default = "default" in request.args
    if len(graphs) > 1 or (graphs and default):
        raise Refusal("name one graph: ?graph=IRI or ?default, once")
    if default:
        return ox.DefaultGraph()
    if not graphs:
        return None
    try:
        iri = ox.NamedNode(graphs[0])
    except ValueError as exc:
        raise Refusal(f"?graph={graphs[0]!r} is not an IRI ({exc})") from None
    if ":" not in graphs[0]:
        raise Refusal(f"?graph={graphs[0]!r} is not an absolute IRI")
    return iri


@bp.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    try:
        target = _target()
        if request.method in ("GET", "HEAD"):
            return _read(target)
        return _write(target)
    except Refusal as exc:
        return _text(str(exc), exc.status, **exc.headers)
    except negotiation.NotAcceptable as exc:
        return _text(str(exc), 406)


def _read(target) -> Response:
    state = current_app.extensions["kg"]
    db = state.store.ox
    offers = QUAD_OFFERS if target is None else negotiation.GRAPH_FORMATS
    fmt = negotiation.choose(offers, request.headers.get("Accept"), request.args.get("format"))
    if isinstance(target, ox.NamedNode) and not db.contains_named_graph(target):
        raise Refusal(f"no graph <{target.value}> in this store", 404)
    if target is None:
        quads = (q for g in db.named_graphs() for q in db.quads_for_pattern(None, None, None, g))
    else:
        quads = db.quads_for_pattern(None, None, None, target)
    limit = state.config.max_rows
    held = list(itertools.islice(quads, limit + 1))
    if len(held) > limit:
        raise Refusal(f"this graph holds more than {limit:,} triples, over this endpoint's --max-rows limit; "
                      "read it with `kg export`, or in pages through /sparql with LIMIT and OFFSET", 403)
    items = held if fmt.key in ("nquads", "trig") else [q.triple for q in held]
    from kg.store import PREFIXES

    prefixes = PREFIXES if fmt.key in ("turtle", "trig", "jsonld", "rdfxml") else None
    body = ox.serialize(items, format=GRAPH_FORMATS[fmt.key], prefixes=prefixes)
    response = Response(body, content_type=negotiation.content_type(fmt))
    response.headers["Vary"] = "Accept"
    return response


def _write(target) -> Response:
    from kg.server.update import authorized

    state = current_app.extensions["kg"]
    token = state.config.update_token
    if not token:
        raise Refusal("this endpoint is read-only (start the server with --update-token to allow writes)", 403)
    if not authorized(token):
        raise Refusal("writing to the graph store needs 'Authorization: Bearer <token>'", 401,
                      **{"WWW-Authenticate": 'Bearer realm="conflict-kg"'})
    if not isinstance(target, ox.NamedNode):
        raise Refusal("write to a named graph (?graph=IRI): the default graph is the union of the source graphs "
                      "and is kept in step by the server")
    db = state.store.ox
    existed = db.contains_named_graph(target)
    if request.method == "DELETE":
        if not existed:
            raise Refusal(f"no graph <{target.value}> in this store", 404)
        with state.write_lock:
            state.store.remove_graph(target.value)
            state.store.flush()
            state.changed()
        return Response(status=204)
    quads = _body_quads(target)
    with state.write_lock:
        if request.method == "PUT" and existed:
            replace_graph(state.store, target, quads)
        else:
            insert_quads(state.store, quads)
        state.store.flush()
        state.changed()
    return Response(status=201 if request.method == "PUT" and not existed else 204)


def replace_graph(store, graph: ox.NamedNode, quads: list) -> None:
    """The graph's content becomes ``quads``, and the union follows, in one update (one transaction): the
    graph is dropped, the union loses every triple that only the old content stated, the new goes in."""
    db = store.ox
    new = {q.triple for q in quads}
    orphans = {q.triple for q in db.quads_for_pattern(None, None, None, graph)
               if q.triple not in new and not any(
                   o.graph_name != graph and not isinstance(o.graph_name, ox.DefaultGraph)
                   for o in db.quads_for_pattern(q.subject, q.predicate, q.object, None))}
    text = f"DROP GRAPH {graph}"
    if orphans:
        text += " ; DELETE DATA { " + " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in orphans) + " }"
    if new:
        triples = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in new)
        text += f" ; INSERT DATA {{ GRAPH {graph} {{ {triples} }} {triples} }}"
    with store._write_lock:
        db.update(text)


def _body_quads(target: ox.NamedNode) -> list:
    mimetype = request.mimetype
    if mimetype not in BODY_FORMATS:
        raise Refusal(f"send the graph as {' or '.join(BODY_FORMATS)} (got {mimetype or 'no Content-Type'})", 415)
    try:
        triples = [q.triple for q in ox.parse(request.get_data(), BODY_FORMATS[mimetype], base_iri=target.value)]
    except SyntaxError as exc:
        raise Refusal(f"the body is not valid {mimetype}: {exc}; nothing written") from None
    quads = [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
    bad = unserialisable_literal(quads)
    if bad is not None:
        raise Refusal(f"the literal {bad[:40]!r} holds a control character that XML cannot carry; nothing written")
    return quads
