"""Linked Data: every IRI minted under the base dereferences at ``/id/...``; plus /ontology, its SHACL
shapes at /ontology/shapes, and VoID.

``/id/<rest>`` stands for ``<base><rest>``. When the server is deployed at the base IRI the two are
the same URL; otherwise the request path is mapped to the base IRI on the way in, IRIs under the base
are linked as ``/id/...`` on this server in HTML, and with a public URL (``kg serve --public-url``,
:mod:`kg.server.rewrite`) every answer shows them under ``URL/id/`` (the store never changes).

Browsers get HTML (the UI's template when it is installed, else a minimal escaped page); Linked
Data clients get Turtle, JSON-LD, N-Triples, RDF/XML, N-Quads or TriG by ``Accept`` or ``format=``.
"""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, current_app, request

from kg.query import QueryError, serialize_triples
from kg.server import negotiation, site_root
from kg.server.describe import EntityView, concise_description, describe

bp = Blueprint("linked_data", __name__)


def _text(message: str, status: int) -> Response:
    return Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")


def _wants_html(format_param: str | None) -> bool:
    if format_param:
        return format_param.strip().lower() in negotiation.HTML.names + (negotiation.HTML.media_type,)
    return negotiation.prefers_html(request.headers.get("Accept"))


@bp.route("/id/<path:rest>", methods=["GET", "HEAD"])
def entity(rest: str) -> Response:
    state = current_app.extensions["kg"]
    base = state.config.base
    iri = base + rest
    format_param = request.args.get("format")
    try:
        if _wants_html(format_param):
            view = describe(state.store, iri, base)
            if not view.found:
                return _not_found_html(iri)
            response = Response(render_view(view), mimetype="text/html")
        else:
            fmt = negotiation.choose(negotiation.GRAPH_FORMATS, request.headers.get("Accept"), format_param)
            triples = concise_description(state.store, iri, limit=state.config.max_rows)
            if not triples:
                return _text(f"the graph says nothing about <{iri}>", 404)
            response = Response(serialize_triples(triples, fmt.key), content_type=negotiation.content_type(fmt))
    except negotiation.NotAcceptable as exc:
        return _text(f"{exc}, text/html", 406)
    except QueryError as exc:
        return _text(str(exc), 400)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = f'<{iri}>; rel="canonical"'
    return response


def render_view(view: EntityView) -> str:
    """The UI engineer's page when ``kg.server.ui.render_entity`` exists, else a minimal one."""
    try:
        from kg.server.ui import render_entity
    except ImportError:
        return minimal_page(view)
    return render_entity(view)


def _not_found_html(iri: str) -> Response:
    body = (f"<!doctype html><meta charset=utf-8><title>Not found</title><h1>Not found</h1>"
            f"<p>The graph says nothing about <code>{escape(iri)}</code>.</p><p><a href='/'>Query page</a></p>")
    return Response(body, status=404, mimetype="text/html")


def minimal_page(view: EntityView) -> str:
    """A plain, fully escaped HTML page of an entity (used until the UI's template exists)."""
    e = escape

    def link(lnk) -> str:
        return f"<a href='{e(lnk.href)}'>{e(lnk.label)}</a>"

    parts = [f"<!doctype html><meta charset=utf-8><title>{e(view.label)}</title>",
             f"<h1>{e(view.label)}</h1><p><code>{e(view.iri)}</code></p>"]
    if view.types:
        parts.append("<p>Types: " + ", ".join(link(t) for t in view.types) + "</p>")
    if view.alt_labels:
        parts.append("<p>Also known as: " + ", ".join(e(a) for a in view.alt_labels) + "</p>")
    if view.same_as:
        parts.append("<p>Same as: " + ", ".join(f"<a href='{e(s.iri)}'>{e(s.label)}</a>" for s in view.same_as)
                     + "</p>")
    if view.lat is not None and view.long is not None:
        parts.append(f"<p>Coordinates: {view.lat}, {view.long}</p>")
    parts.append("<h2>Facts</h2><dl>")
    for group in view.facts:
        parts.append(f"<dt>{link(group.property)}</dt>")
        for fact in group.values:
            value = link(fact.value.link) if fact.value.link else e(fact.value.text)
            sources = ", ".join(link(s.document) for s in fact.sources)
            parts.append(f"<dd>{value}" + (f" <small>({sources})</small>" if sources else ""))
            for ev in fact.evidence:
                conf = f" [{ev.confidence:.2f}]" if ev.confidence is not None else ""
                parts.append(f"<blockquote>{e(ev.sentence or '')}{conf}</blockquote>")
            parts.append("</dd>")
    parts.append("</dl>")
    if view.incoming:
        parts.append("<h2>Referenced by</h2><ul>")
        parts += [f"<li>{link(i.subject)} {link(i.property)}</li>" for i in view.incoming]
        parts.append("</ul>")
    if view.related_events:
        parts.append("<h2>Related events</h2><ul>")
        parts += [f"<li>{e(r.relation)}: {link(r.event)} {e(r.date or '')}</li>" for r in view.related_events]
        parts.append("</ul>")
    if view.sources:
        parts.append("<h2>Sources</h2><ul>")
        parts += [f"<li>{link(s.document)} {e(s.publisher or '')} {e(s.issued or '')}</li>" for s in view.sources]
        parts.append("</ul>")
    return "".join(parts)


ONTOLOGY_FILES = {"turtle": "conflict-kg.ttl", "rdfxml": "conflict-kg.owl", "html": "conflict-kg.html"}
ONTOLOGY_OFFERS = [negotiation.GRAPH_FORMATS[0], negotiation.GRAPH_FORMATS[3], negotiation.GRAPH_FORMATS[2],
                   negotiation.HTML]


@bp.route("/ontology", methods=["GET", "HEAD"])
def ontology() -> Response:
    """The ontology: its generated documentation inside the site's pages for browsers; Turtle,
    RDF/XML (the files ontology/build.py writes) or JSON-LD (from the Turtle) for programs."""
    from kg.config import ONTOLOGY_DIR

    format_param = request.args.get("format")
    try:
        fmt = negotiation.HTML if _wants_html(format_param) else negotiation.choose(
            ONTOLOGY_OFFERS, request.headers.get("Accept"), format_param)
    except negotiation.NotAcceptable as exc:
        return _text(str(exc), 406)
    path = ONTOLOGY_DIR / ONTOLOGY_FILES.get(fmt.key, ONTOLOGY_FILES["turtle"])
    if not path.is_file():
        return _text(f"the ontology has not been generated ({path.name} is missing)", 404)
    if fmt.key == "html":
        response = Response(ontology_page(path.read_text(encoding="utf-8")), mimetype="text/html")
    elif fmt.key == "jsonld":
        from kg.query import serialize_turtle_text
        from kg.store import PREFIXES

        body = serialize_turtle_text(path.read_text(encoding="utf-8"), "jsonld", PREFIXES)
        response = Response(body, content_type=negotiation.content_type(fmt))
    else:
        response = Response(path.read_bytes(), content_type=negotiation.content_type(fmt))
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/ontology/shapes", methods=["GET", "HEAD"])
def shapes() -> Response:
    """The SHACL shapes ``kg validate`` checks, at a path of their own: they say what a well-formed graph
    holds, they are not terms of the vocabulary, so ``/ontology`` and the service description leave them out
    (a tool that builds its menus from the vocabulary, such as Sparnatural, would list them as classes)."""
    from kg.config import ONTOLOGY_DIR

    path = ONTOLOGY_DIR / "shapes.ttl"
    if not path.is_file():
        return _text("the SHACL shapes file (shapes.ttl) is missing", 404)
    turtle = path.read_text(encoding="utf-8")
    format_param = request.args.get("format")
    if _wants_html(format_param):
        from flask import render_template

        response = Response(render_template("rdf_page.html", title="SHACL shapes of the graph", turtle=turtle,
                                            path=request.path, stats=None,
                                            hint="What kg validate checks in the merged graph."),
                            mimetype="text/html")
    else:
        try:
            fmt = negotiation.choose(negotiation.GRAPH_FORMATS[:4], request.headers.get("Accept"), format_param)
        except negotiation.NotAcceptable as exc:
            return _text(f"{exc}, text/html", 406)
        if fmt.key == "turtle":
            response = Response(turtle.encode("utf-8"), content_type=negotiation.content_type(fmt))
        else:
            from kg.query import serialize_turtle_text

            response = Response(serialize_turtle_text(turtle, fmt.key, {"sh": "http://www.w3.org/ns/shacl#"}),
                                content_type=negotiation.content_type(fmt))
    response.headers["Vary"] = "Accept"
    return response


# The generated page links its twins by file name (it is also read from disk); here they are formats.
ONTOLOGY_LINKS = {'href="conflict-kg.ttl"': 'href="?format=turtle"', 'href="conflict-kg.owl"': 'href="?format=rdfxml"'}


def ontology_page(generated: str) -> str:
    """The body of ``ontology/conflict-kg.html`` (made by ontology/build.py from the ontology, never
    from data) inside the site's layout; its own inline stylesheet is left out (app.css styles it)."""
    from flask import render_template
    from markupsafe import Markup

    start, end = generated.find("<body>"), generated.rfind("</body>")
    body = generated[start + len("<body>"):end] if start >= 0 and end > start else generated
    for old, new in ONTOLOGY_LINKS.items():
        body = body.replace(old, new)
    title = "Ontology"
    if "<title>" in generated:
        title = generated[generated.find("<title>") + len("<title>"):generated.find("</title>")]
    return render_template("ontology.html", body=Markup(body), title=title)


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
def void() -> Response:
    """VoID: shown as a page in a browser (the Turtle, readable, with links to the other formats),
    RDF by Accept or format= for programs."""
    from kg.server.description import void_description, void_turtle

    format_param = request.args.get("format")
    state = current_app.extensions["kg"]
    if _wants_html(format_param):
        from flask import render_template

        turtle = void_turtle(state, site_root(state.config, request.host_url))
        response = Response(render_template("rdf_page.html", title="VoID description of this dataset",
                                            turtle=turtle, path=request.path, stats=state.stats.get(
                                                state.store, state.generation)), mimetype="text/html")
        response.headers["Vary"] = "Accept"
        return response
    try:
        fmt = negotiation.choose(negotiation.GRAPH_FORMATS, request.headers.get("Accept"), format_param)
    except negotiation.NotAcceptable:
        fmt = negotiation.GRAPH_FORMATS[0]  # anything else gets Turtle, readable as text
    body = void_description(state, site_root(state.config, request.host_url), fmt.key)
    response = Response(body, content_type=negotiation.content_type(fmt))
    response.headers["Vary"] = "Accept"
    return response
