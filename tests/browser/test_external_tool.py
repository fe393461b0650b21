"""A browser-based SPARQL tool that is not ours, on another origin, queries the endpoint via CORS.

The YASGUI bundle is served by a separate static file server on another port with a page of its
own (not the project's query page), pointed at the endpoint's URL: the browser only lets it read
the answer if /sparql sends the CORS headers.
"""

from __future__ import annotations

import shutil

import pytest

from kg.server import assets

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>another tool</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="yasgui.min.css"></head>
<body><div id="tool"></div>
<script src="yasgui.min.js"></script>
<script>
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  const endpoint = new URLSearchParams(location.search).get("endpoint");
  const yasgui = new Yasgui(document.getElementById("tool"), {
    requestConfig: { endpoint: endpoint, method: "POST" }, persistenceId: "another-tool",
    endpointCatalogueOptions: { getData: () => [], keys: [], renderItem: () => {} },
  });
  const tab = yasgui.getTab();
  tab.setQuery("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\\n" +
               "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n" +
               "SELECT ?label WHERE { ?s a ckg:State ; rdfs:label ?label } ORDER BY ?label");
  tab.query();
</script></body></html>
"""


def test_yasgui_on_another_origin_reads_the_endpoint(watched, base_url, static_site):
    root, site_url = static_site
    for name in ("yasgui.min.js", "yasgui.min.css"):
        shutil.copyfile(assets.VENDOR_DIR / "yasgui" / name, root / name)
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    assert site_url.rsplit(":", 1)[1] != base_url.rsplit(":", 1)[1]  # a different origin

    page = watched.page
    with page.expect_response(lambda r: r.url.startswith(base_url + "/sparql")) as answer:
        page.goto(f"{site_url}/index.html?endpoint={base_url}/sparql")
    response = answer.value
    assert response.status == 200
    assert response.headers.get("access-control-allow-origin") in ("*", site_url)
    page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=20_000)
    text = page.inner_text(".yasr table.dataTable tbody")
    assert "Northland" in text and "Southland" in text
    watched.assert_clean()
