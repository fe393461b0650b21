"""The browser pages: the query page at ``/``, the dashboard, and the HTML of entity pages.

Everything the pages load is served from this server (our own JS/CSS under ``static/`` and the npm
bundles that ``scripts/build_assets.py`` copies into ``static/vendor/``), so they work with no
internet. Every value that came from an article reaches the page through Jinja2 with autoescaping on,
or as JSON inside ``<script type="application/json">`` read with ``JSON.parse`` and written with
``textContent``: an article containing ``<script>`` is shown, never run.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from kg.config import QUERIES_DIR
from kg.server import assets, charts
from kg.server.dashboard import dashboard_data

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")


@dataclass(frozen=True)
class CannedQuery:
    """One analyst query from ``queries/``: its file stem, ``# title:`` header and text."""

    name: str
    title: str
    text: str


TITLE = re.compile(r"^#\s*title\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def canned_queries(folder: Path = QUERIES_DIR) -> list[CannedQuery]:
    """Every ``.rq`` in ``queries/`` with its title (the file name when it has no header).

    The app config key ``KG_QUERIES_DIR`` points the page at another folder (tests use it).
    """
    found = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        match = TITLE.search(text)
        found.append(CannedQuery(path.stem, match.group(1).strip() if match else path.stem, text))
    return found


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
                           initial=queries[0]["text"] if queries else DEFAULT_QUERY)


DEFAULT_QUERY = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?event ?type ?date WHERE {
  ?event a ?type ; ckg:date ?date .
  FILTER(STRSTARTS(STR(?type), STR(ckg:)))
} ORDER BY ?date LIMIT 50
"""


@bp.route("/dashboard")
def dashboard() -> str:
    data = dashboard_data(current_app.config["KG_STORE"])
    return render_template("dashboard.html", data=data, timeline=charts.timeline(data.timeline), local=local_href)


def local_href(iri: str) -> str:
    """Where this server shows ``iri``: ``/id/...`` for IRIs minted under the base, else the IRI."""
    base = current_app.config["KG"].base
    return request.script_root + "/id/" + iri[len(base):] if iri.startswith(base) else iri


def render_entity(view) -> str:
    """The HTML page of one entity (``view`` is ``kg.server.describe.EntityView``).

    Called by the Linked Data blueprint inside a request, when the client asks for HTML.
    """
    from kg.server.entity_page import entity_context

    context = entity_context(view)
    return render_template("entity.html", **context)
