"""Make the README's screenshots (query page, an entity page, dashboard) from the seed graph.

    python scripts/screenshots.py                       # build the seed articles, then shoot
    python scripts/screenshots.py --data graph.trig     # shoot an already built dataset

Starts the server on a free port in this process and drives Debian's Chromium (/usr/bin/chromium)
headless with Playwright; nothing is downloaded. The entity shown is the attack linked to the most
other nodes, chosen by a query, so the script names no entity of its own.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEEDS = REPO.parent / "shared" / "corpus" / "seeds"
OUT = REPO / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SHOWCASE_QUERY = """# Attacks with who carried them out, against whom, where and when
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?attack ?perpetrator ?target ?place ?date WHERE {
  ?a a ckg:Attack ; rdfs:label ?attack .
  OPTIONAL { ?a ckg:perpetrator/rdfs:label ?perpetrator }
  OPTIONAL { ?a ckg:target/rdfs:label ?target }
  OPTIONAL { ?a ckg:location/rdfs:label ?place }
  OPTIONAL { ?a ckg:date ?date }
} ORDER BY ?date LIMIT 25
"""

BUSIEST_EVENT = """SELECT ?e (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?e a ckg:Attack . { ?e ?p ?x } UNION { ?x ?p ?e } FILTER(isIRI(?x) && STRSTARTS(STR(?p), STR(ckg:)))
} GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1"""


def load_store(data: list[Path], inputs: list[Path]):
    from kg.store import KGStore

    store = KGStore()
    if data:
        for path in data:
            store.load_quads(path)
        return store
    from kg.pipeline import build

    report = build(inputs, store)
    print(report.summary())
    return store


def busiest_entity(store, base: str) -> str:
    rows = list(store.query(BUSIEST_EVENT))
    if not rows:
        raise SystemExit("the graph has no attacks to show")
    iri = rows[0]["e"].value
    return "/id/" + iri[len(base):]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", default=[], help="RDF dataset(s) to show")
    parser.add_argument("--inputs", type=Path, action="append", default=[], help="articles to build (default: seeds)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)

    import waitress
    from playwright.sync_api import sync_playwright

    from kg.server import create_app

    store = load_store(args.data, args.inputs or [SEEDS])
    app = create_app(store)
    base = app.config["KG"].base
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    url = f"http://127.0.0.1:{server.socket.getsockname()[1]}"
    threading.Thread(target=server.run, daemon=True).start()
    args.out.mkdir(parents=True, exist_ok=True)
    entity = busiest_entity(store, base)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((url, "data:")) else r.abort())

        page.goto(url + "/")
        page.wait_for_selector(".yasqe .CodeMirror")
        page.evaluate("q => document.querySelector('.CodeMirror').CodeMirror.setValue(q)", SHOWCASE_QUERY)
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr td")
        page.screenshot(path=str(args.out / "query.png"))

        page.goto(url + entity)
        page.wait_for_selector("#entity-graph[data-drawn='1'] canvas")
        if page.locator("details.evidence summary").count():
            page.locator("details.evidence summary").first.click()
        page.wait_for_timeout(2500)  # let the layout settle
        page.screenshot(path=str(args.out / "entity.png"), full_page=False)

        page.goto(url + "/dashboard")
        page.screenshot(path=str(args.out / "dashboard.png"), full_page=True)
        browser.close()
    server.close()
    print(f"wrote query.png, entity.png ({entity}), dashboard.png to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
