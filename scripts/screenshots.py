"""Make the README's screenshots (query page, an entity page, dashboard, a source page) from the seed graph.

    python scripts/screenshots.py                       # build the seed articles, then shoot
    python scripts/screenshots.py --data graph.trig     # shoot an already built dataset

Starts the server on a free port in this process and drives Debian's Chromium (/usr/bin/chromium)
headless with Playwright; nothing is downloaded. The entity shown is the attack linked to the most
other nodes, and the source the one that reported the most facts, chosen by queries, so the script
names no entity of its own. The showcase query has no PREFIX lines: the page declares the server's.
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

SHOWCASE_QUERY = """# Attacks: who carried them out, where, when, the death toll and how many sources report them
SELECT ?attack ?perpetrator ?place ?date (MAX(?k) AS ?killed) (COUNT(DISTINCT ?g) AS ?sources) WHERE {
  ?attack a ckg:Attack .
  OPTIONAL { ?attack ckg:perpetrator/rdfs:label ?perpetrator }
  OPTIONAL { ?attack ckg:location/rdfs:label ?place }
  OPTIONAL { ?attack ckg:date ?date }
  OPTIONAL { ?attack ckg:killed ?k }
  GRAPH ?g { ?attack a ckg:Attack }
} GROUP BY ?attack ?perpetrator ?place ?date ORDER BY ?date LIMIT 25
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


BUSIEST_SOURCE = """SELECT ?d (COUNT(?st) AS ?n) WHERE { ?d a ckg:SourceDocument . ?st prov:wasDerivedFrom ?d }
GROUP BY ?d ORDER BY DESC(?n) ?d LIMIT 1"""


def busiest(store, base: str, query: str, what: str) -> str:
    rows = list(store.query(query))
    if not rows:
        raise SystemExit(f"the graph has no {what} to show")
    iri = rows[0][0].value
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
    entity = busiest(store, base, BUSIEST_EVENT, "attacks")
    source = busiest(store, base, BUSIEST_SOURCE, "sources")

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

        page.goto(url + source)
        page.screenshot(path=str(args.out / "source.png"), full_page=False)

        page.fill(".topsearch input", "iran")  # the search box of the top bar, from the source page
        page.press(".topsearch input", "Enter")
        page.wait_for_selector(".search-results li")
        page.screenshot(path=str(args.out / "search.png"), full_page=False)
        browser.close()
    server.close()
    print(f"wrote query.png, entity.png ({entity}), dashboard.png, source.png ({source}), search.png to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
