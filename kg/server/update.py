"""SPARQL Update, only when the server was started with an update token.

The default graph is the set union of the source graphs, so a write must keep both in step. Rather
than evaluate arbitrary updates (``DELETE WHERE`` over the union could not say which source to
change), the endpoint accepts the operations that name their graph:

* ``INSERT DATA { GRAPH <g> { ... } }``: the triples go to ``<g>`` and to the union;
* ``DELETE DATA { GRAPH <g> { ... } }``: they leave ``<g>``, and the union when no other graph
  still states them;
* ``DROP GRAPH <g>`` / ``CLEAR GRAPH <g>``: the source graph goes, with every union triple only it
  supported (what ``kg remove`` does).

The request is read three times before anything is applied, and refused whole if any reading objects:
the engine reads all of it on an empty scratch store on the sandbox thread (its parser decides syntax,
and a ``LOAD`` or ``SERVICE`` fails there for want of a network: :func:`kg.query.check_update`); the
safety tokeniser cuts it into operations, keeping every piece of text it does not understand as an
operation of its own so that none is dropped; and each piece is read again by the engine as exactly one
operation of its kind. Operations then run in order, each atomically. The token is compared in constant
time and never logged.
"""

from __future__ import annotations

import hmac
import logging
import re

from flask import Response, current_app, request

from kg.query import (
    QueryError,
    check_update,
    data_quads,
    delete_quads,
    insert_quads,
    is_default_graph_quad,
    named_node,
    unserialisable_literal,
)
from kg.server.safety import UnsafeRequest, inspect

log = logging.getLogger(__name__)

SUPPORTED = "INSERT DATA, DELETE DATA (triples inside GRAPH <g> { }), DROP GRAPH <g>, CLEAR GRAPH <g>"
# DROP / CLEAR as the whole operation: anything more in the piece (a second operation) fails the match.
_GRAPH_OP = re.compile(r"\s*(DROP|CLEAR)\s+(?:SILENT\s+)?GRAPH\s*<([^<>\"{}|^`\\\x00-\x20]*)>\s*", re.IGNORECASE)


def _text(message: str, status: int, **headers) -> Response:
    from kg.server.sparql import text_response

    return text_response(message, status, **headers)


def authorized(token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _refuse_operation(number: int, total: int, op: str):
    """A refusal of the whole request that names the operation at fault."""
    def refused(reason: str) -> Response:
        where = f"operation {number} of {total} ({op[:60]!r})" if total > 1 else "the operation"
        return _text(f"refused, nothing applied: {where}: {reason}", 400)
    return refused


def handle_update(text: str, params: dict[str, list[str]]) -> Response:
    state = current_app.extensions["kg"]
    token = state.config.update_token
    if not token:
        return _text("this endpoint is read-only (start the server with --update-token to allow SPARQL Update)",
                     403)
    if not authorized(token):
        return _text("SPARQL Update needs 'Authorization: Bearer <token>'", 401,
                     **{"WWW-Authenticate": 'Bearer realm="conflict-kg"'})
    if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
        return _text("using-graph-uri / using-named-graph-uri are not supported: supported operations are "
                     + SUPPORTED, 400)
    try:
        shape = inspect(text)
        check_update(text)
    except (UnsafeRequest, QueryError) as exc:
        return _text(f"refused, nothing applied: {exc}", 400)
    if not shape.is_update or not shape.operations:
        return _text("not a SPARQL Update; supported operations are " + SUPPORTED, 400)
    plan = []
    for number, (kind, op) in enumerate(shape.operations, 1):
        refused = _refuse_operation(number, len(shape.operations), op)
        if kind in ("INSERT DATA", "DELETE DATA"):
            try:
                quads = data_quads(op, shape.prefixes)
            except QueryError as exc:
                return refused(str(exc))
            bad = unserialisable_literal(quads) if kind == "INSERT DATA" else None
            if bad is not None:
                return refused(f"{kind}: the literal {bad[:40]!r} holds a control character that XML cannot carry "
                               "(it would break RDF/XML and SPARQL XML answers); remove it")
            if any(is_default_graph_quad(q) for q in quads):
                return refused(f"{kind}: put the triples inside GRAPH <g> {{ }}; the default graph is the union of "
                               "the source graphs and is kept in step by the server")
            plan.append((kind, quads))
        elif kind in ("DROP GRAPH", "CLEAR GRAPH"):
            match = _GRAPH_OP.fullmatch(op)
            if match is None:
                return refused(f"{kind} takes exactly one graph IRI and nothing more: {kind} <g>")
            iri = match.group(2)
            try:
                named_node(iri)
            except ValueError as exc:  # e.g. <> or <g>: a relative IRI names no graph of the store
                return refused(f"{kind} <{iri}>: not an absolute IRI ({exc})")
            plan.append((kind, iri))
        else:
            return refused(f"{kind or repr(op[:40])} is not supported; supported operations are {SUPPORTED}")
    done = []
    with state.write_lock:
        for kind, arg in plan:
            if kind == "INSERT DATA":
                insert_quads(state.store, arg)
                done.append(f"inserted {len(arg)} quads")
            elif kind == "DELETE DATA":
                left = delete_quads(state.store, arg)
                done.append(f"deleted {len(arg)} quads ({left} triples left the merged graph)")
            else:
                left = state.store.remove_graph(arg)
                done.append(f"dropped <{arg}> ({left} triples left the merged graph)")
        state.store.flush()
        state.changed()
    log.info("update applied: %s", "; ".join(done))
    return _text("; ".join(done), 200)
