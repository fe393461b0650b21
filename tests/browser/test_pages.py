"""The pages in a real browser: headless Debian Chromium driven by Playwright.

Each test asserts that no request left localhost and that the console stayed free of errors.
"""

from __future__ import annotations

import re

import pytest

from kg.server import assets

pytestmark = pytest.mark.browser

BASE = "https://w3id.org/conflict-kg/id/"


def wait_for_editor(page) -> None:
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)


def run_in_editor(page, query: str) -> None:
    """Put ``query`` into the visible YASQE editor and press its run button."""
    page.evaluate("q => document.querySelector('.tabPanel.active .CodeMirror, .CodeMirror').CodeMirror.setValue(q)",
                  query)
    page.locator(".tabPanel.active .yasqe_queryButton, .yasqe_queryButton").first.click()


def table_rows(page) -> list[list[str]]:
    page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=20_000)
    return page.eval_on_selector_all(
        ".yasr table.dataTable tbody tr",
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim()))")


def test_vendor_bundles_installed():
    assert assets.available("yasgui") and assets.available("graph"), \
        "run `python scripts/build_assets.py` (npm ci) before the browser tests"


def test_query_page_runs_a_select_in_the_editor(watched, base_url):
    page = watched.page
    page.goto(base_url + "/")
    wait_for_editor(page)
    run_in_editor(page, "SELECT ?label WHERE { ?s a ckg:State ; rdfs:label ?label } ORDER BY ?label")
    rows = table_rows(page)
    labels = [cell for row in rows for cell in row]
    assert any("Northland" in c for c in labels) and any("Southland" in c for c in labels), rows
    assert len(rows) == 2
    watched.assert_clean()


def test_query_page_shows_construct_as_graph(watched, base_url):
    page = watched.page
    page.goto(base_url + "/")
    wait_for_editor(page)
    run_in_editor(page, "CONSTRUCT { ?e ckg:perpetrator ?p . ?p rdfs:label ?l } "
                        "WHERE { ?e ckg:perpetrator ?p . ?p rdfs:label ?l }")
    graph = page.wait_for_selector(".kg-construct-graph[data-drawn='1'] canvas", timeout=20_000)
    assert graph.bounding_box()["height"] > 100
    nodes = int(page.get_attribute(".kg-construct-graph", "data-nodes"))
    assert nodes == 2  # the strike and Northland; the label names the node instead of being one
    watched.assert_clean()


def test_example_query_opens_in_a_tab_and_runs(watched, base_url):
    page = watched.page
    page.goto(base_url + "/")
    wait_for_editor(page)
    page.click("button.example")
    page.wait_for_selector(".tabsList .tab.active >> text=Attacks and their perpetrators")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td", timeout=20_000)
    text = page.inner_text(".tabPanel.active .yasr table.dataTable tbody")
    assert "Northland" in text
    watched.assert_clean()


def test_plain_form_fallback_shows_results(watched, base_url):
    page = watched.page
    page.goto(base_url + "/?plain=1")
    assert page.locator(".yasqe").count() == 0
    page.fill("#query", "SELECT ?l WHERE { ?g a ckg:ArmedGroup ; rdfs:label ?l }")
    page.click("#plain-form button[type=submit]")
    page.wait_for_selector("#results table.results-table tbody tr")
    cell = page.inner_text("#results tbody td")
    assert "<script>" in cell  # shown as text
    assert page.evaluate("window.__xss") is None
    watched.assert_clean()


def test_entity_page_draws_its_neighbourhood(watched, base_url):
    page = watched.page
    page.goto(base_url + "/id/event/strike-1")
    assert "missile and drone strikes on Port Ember" in page.inner_text("h1")
    page.wait_for_selector("#entity-graph[data-drawn='1'] canvas", timeout=20_000)
    nodes = int(page.get_attribute("#entity-graph", "data-nodes"))
    assert nodes >= 5  # the strike, Northland, the group, Port Ember, the condemnation
    network_nodes = page.evaluate("document.getElementById('entity-graph').kgNetwork.body.nodeIndices.length")
    assert network_nodes == nodes
    # the canvas has been painted (not blank)
    painted = page.evaluate("""() => { const c = document.querySelector('#entity-graph canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
    assert painted > 1000
    # evidence opens on click, with its sentence shown as text
    page.locator("details.evidence summary").first.click()
    assert page.locator("details.evidence[open] q.sentence").first.is_visible()
    # two sources disagree on the toll: both values are listed, each with its source
    killed = page.locator("tbody.prop-group", has_text="killed").inner_text()
    assert "4" in killed and "7" in killed and "Wire A" in killed and "Paper B" in killed
    # the timeline of related events shows this strike and the condemnation that answered it
    assert page.locator("svg.timeline a.mark").count() >= 2
    assert page.evaluate("window.__xss") is None
    watched.assert_clean()


def test_entity_page_of_a_place_has_a_map(watched, base_url):
    page = watched.page
    page.goto(base_url + "/id/place/port-ember")
    pin = page.locator("svg.map a.pin.main circle")
    assert pin.count() == 1
    cx, cy = float(pin.get_attribute("cx")), float(pin.get_attribute("cy"))
    assert cx == pytest.approx((36.25 + 180) / 360 * 720, abs=0.1)
    assert cy == pytest.approx((90 - 34.5) / 180 * 360, abs=0.1)
    watched.assert_clean()


def test_article_script_is_shown_never_run(watched, base_url):
    page = watched.page
    page.goto(base_url + "/id/group/red-hand")
    assert "<script>window.__xss = 1</script>" in page.inner_text("h1")
    page.goto(base_url + "/id/event/strike-1")
    page.locator("details.evidence summary").first.click()
    assert page.evaluate("window.__xss") is None
    assert "<script>" in page.inner_text("body")
    watched.assert_clean()


def test_dashboard(watched, base_url):
    page = watched.page
    page.goto(base_url + "/dashboard")
    counts = {k: int(re.sub(r"\D", "", page.inner_text(f"#count-{k} b")))
              for k in ("sources", "entities", "actors", "events")}
    assert counts == {"sources": 2, "entities": 8, "actors": 5, "events": 3}  # entities: actors, places, events
    assert page.locator("svg.timeline a.mark").count() == 4  # the strike's two reported dates + 2 actions
    contested = page.inner_text("table.contested")
    assert "killed" in contested and "Wire" not in contested or "Missiles hit Port Ember" in contested
    assert "Southland" in page.inner_text("ol.actors")
    assert page.evaluate("window.__xss") is None
    watched.assert_clean()
