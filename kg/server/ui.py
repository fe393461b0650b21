"""The browser pages: the query page at ``/``, the dashboard, and the HTML of entity pages.

Everything the pages load is served from this server (our own JS/CSS under ``static/`` and the npm
bundles that ``scripts/build_assets.py`` copies into ``static/vendor/``), so they work with no
internet. Every value that came from an article reaches the page through Jinja2 with autoescaping on,
or as JSON inside ``<script type="application/json">`` read with ``JSON.parse`` and written with
``textContent``: an article containing ``<script>`` is shown, never run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from kg.config import QUERIES_DIR
from kg.server import assets, charts
from kg.server.dashboard import dashboard_data
from kg.store import PREFIXES

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")


@dataclass(frozen=True)
class CannedQuery:
    """One analyst query from ``queries/``: its file stem, ``# title:`` header, text and parameters."""

    name: str
    title: str
    text: str
    params: tuple[str, ...] = ()


def canned_queries(folder: Path = QUERIES_DIR) -> list[CannedQuery]:
    """Every ``.rq`` in ``queries/`` with its title (the file name when it has no header), read by
    the same parser as /queries (``kg.server.canned.parse``).

    The app config key ``KG_QUERIES_DIR`` points the page at another folder (tests use it).
    """
    from kg.server.canned import parse

    found = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        q = parse(path)
        found.append(CannedQuery(q.name, q.title, q.text, tuple(p["name"] for p in q.params)))
    return found


# Every HTML page runs only the scripts this server serves: no inline script, no eval, no plugin, no
# other origin. Data blocks (<script type="application/json">) are not scripts and stay allowed.
# Styles may be inline (the editor and the graph library set them), which cannot run code.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


@bp.after_app_request
def _security_headers(response):
    """The CSP on every HTML response of the app (pages, error pages, the ontology), whichever
    blueprint made it; and no MIME sniffing anywhere, so a text/plain refusal is never run as HTML."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype in ("text/html", "application/xhtml+xml"):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@bp.app_context_processor
def _page_globals() -> dict:
    return {"has_editor": assets.available("yasgui"), "has_graph": assets.available("graph")}


@bp.route("/")
def index() -> str:
    """YASGUI when its bundle is installed, else (or with ``?plain=1``) a plain HTML form."""
    queries = [asdict(q) for q in canned_queries(current_app.config.get("KG_QUERIES_DIR", QUERIES_DIR))]
    plain = request.args.get("plain") is not None or not assets.available("yasgui")
    return render_template("plain_query.html" if plain else "query.html", queries=queries,
                           endpoint=request.script_root + "/sparql", base=current_app.config["KG"].base,
                           initial=queries[0]["text"] if queries else DEFAULT_QUERY, prefixes=PREFIXES)


DEFAULT_QUERY = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?event ?type ?date WHERE {
  ?event a ?type ; ckg:date ?date .
  FILTER(STRSTARTS(STR(?type), STR(ckg:)))
} ORDER BY ?date LIMIT 50
"""


@bp.route("/dashboard")
def dashboard() -> str:
    state = current_app.extensions["kg"]
    data = dashboard_data(state.store, counts=state.stats.get(state.store, state.generation).entity_counts)
    return render_template("dashboard.html", data=data, timeline=charts.timeline(data.timeline), local=local_href)


def local_href(iri: str) -> str | None:
    """Where this server shows ``iri``: ``/id/...`` for IRIs minted under the base, the IRI itself
    for other http(s) IRIs, None (no link) for any other scheme (see ``describe.web_href``)."""
    from kg.server.describe import local_href as href

    found = href(iri, current_app.config["KG"].base)
    return request.script_root + found if found and found.startswith("/") else found


def render_entity(view) -> str:
    """The HTML page of one entity (``view`` is ``kg.server.describe.EntityView``).

    Called by the Linked Data blueprint inside a request, when the client asks for HTML.
    """
    from kg.server.entity_page import entity_context

    context = entity_context(view)
    return render_template("entity.html", **context)
