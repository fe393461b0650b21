"""Sparnatural (Sparna's visual SPARQL query builder, from npm: tests/external/package.json), configured from the
ontology the server serves at /ontology, builds a query in Debian's Chromium and gets rows from /sparql (issue 13).

The page is not ours: a static page on another origin (as an outside site would host it) loads Sparnatural's own
browser bundle, copied from tests/external/node_modules (nothing from a CDN), with two configuration files, the way
Sparnatural's OWL reader takes them (``src`` lists URLs, read into one graph):

* ``/ontology`` from our server, fetched by Sparnatural itself: the classes, properties, labels, domains and ranges;
* a few annotations written here from that same ontology by code, never from the shapes: Sparnatural lists only
  classes and properties it is told are its own (``rdfs:subClassOf core:SparnaturalClass``, a widget type as
  ``rdfs:subPropertyOf``). Each class of the ontology is one; each object property with a domain and a range gets
  the list widget (values read from the endpoint by their rdfs:label). Sparnatural offers exactly the declared
  domains and ranges, while the graph types an entity with its own class only (Northland is a ``ckg:State``, not
  also a ``ckg:Actor``), so the subclasses of each domain and range are added as domains and ranges.

If the SHACL shapes were in /ontology, Sparnatural would read the file as a SHACL configuration and list
``ActorShape``...; the class list is checked for that. Install the tools with ``npm ci --prefix tests/external``
(``scripts/build_assets.py --test`` does, as .ci/run runs it).
"""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
import requests

from kg.config import REPO_ROOT

pytestmark = pytest.mark.browser

BUNDLE = REPO_ROOT / "tests" / "external" / "node_modules" / "sparnatural" / "dist" / "browser"
CKG = "https://w3id.org/conflict-kg/ontology#"
SHAPES_NS = "https://w3id.org/conflict-kg/shapes#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CORE = "http://data.sparna.fr/ontologies/sparnatural-config-core#"
DATASOURCES = "http://data.sparna.fr/ontologies/sparnatural-config-datasources#"
NORTHLAND = "/id/state/northland>"  # the end of its IRI, under whichever base the server presents
STRIKE = "/id/event/strike-1"
WAIT = 60_000  # ms: Sparnatural reads and indexes its configuration in the page; two loaded cores are slow

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sparnatural over conflict-kg</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="sparnatural.css"></head>
<body style="margin: 1em">
<spar-natural src="{src}" endpoint="{endpoint}" lang="en" defaultlang="en" distinct="true" limit="100"></spar-natural>
<script src="sparnatural.js"></script>
<script>
  const sparnatural = document.querySelector("spar-natural");
  window.sparnaturalReady = false;
  window.generatedQueries = [];
  sparnatural.addEventListener("init", () => {{ window.sparnaturalReady = true; }});
  // queryStringFromJson: the SPARQL Sparnatural writes from its JSON query (its event's queryString field comes with
  // an empty WHERE once a criterion has a property, in 11.1.1); expandSparql applies the configuration's mappings.
  sparnatural.addEventListener("queryUpdated", (e) => {{
    window.generatedQueries.push(sparnatural.expandSparql(e.detail.queryStringFromJson));
  }});
  window.runOnEndpoint = async (query) => {{
    const answer = await fetch({endpoint_js}, {{
      method: "POST", body: new URLSearchParams({{query}}),
      headers: {{"Accept": "application/sparql-results+json"}},
    }});
    if (!answer.ok) throw new Error("endpoint answered " + answer.status + ": " + await answer.text());
    return (await answer.json()).results.bindings;
  }};
</script></body></html>
"""


def read_ontology(base_url: str) -> list:
    r = requests.get(base_url + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle"), r.text[:300]
    return [q.triple for q in ox.parse(r.content, ox.RdfFormat.TURTLE)]


def named_classes(triples) -> set[str]:
    owl_class = ox.NamedNode(OWL + "Class")
    return {t.subject.value for t in triples
            if t.predicate == RDF_TYPE and t.object == owl_class and isinstance(t.subject, ox.NamedNode)}


def sparnatural_annotations(triples) -> str:
    """Sparnatural's annotations for the ontology's classes and object properties, as Turtle (N-Triples lines)."""
    classes = named_classes(triples)
    children: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate.value == RDFS + "subClassOf" and t.subject.value in classes and t.object.value in classes:
            children.setdefault(t.object.value, set()).add(t.subject.value)

    def with_subclasses(cls: str) -> set[str]:
        found, todo = {cls}, [cls]
        while todo:
            for sub in children.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return found

    def values(subject, predicate: str) -> set[str]:
        return {t.object.value for t in triples if t.subject == subject and t.predicate.value == predicate
                and t.object.value in classes}

    lines = [f"<{c}> <{RDFS}subClassOf> <{CORE}SparnaturalClass> ." for c in sorted(classes)]
    object_property = ox.NamedNode(OWL + "ObjectProperty")
    for prop in sorted({t.subject for t in triples if t.predicate == RDF_TYPE and t.object == object_property},
                       key=lambda n: n.value):
        domains, ranges = values(prop, RDFS + "domain"), values(prop, RDFS + "range")
        if not (domains and ranges):
            continue
        p = prop.value
        lines += [f"<{p}> <{RDFS}subPropertyOf> <{CORE}ListProperty> .",
                  f"<{p}> <{DATASOURCES}datasource> <{DATASOURCES}list_rdfslabel_alpha> ."]
        lines += [f"<{p}> <{RDFS}domain> <{c}> ." for d in sorted(domains) for c in sorted(with_subclasses(d))]
        lines += [f"<{p}> <{RDFS}range> <{c}> ." for r in sorted(ranges) for c in sorted(with_subclasses(r))]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def ontology(base_url):
    return read_ontology(base_url)


@pytest.fixture(scope="module")
def sparnatural_page(base_url, static_site, ontology) -> str:
    assert (BUNDLE / "sparnatural.js").is_file(), "Sparnatural is needed for this test: npm ci --prefix tests/external"
    root, site_url = static_site
    folder = root / "sparnatural"
    folder.mkdir(exist_ok=True)
    for name in ("sparnatural.js", "sparnatural.css"):
        shutil.copyfile(BUNDLE / name, folder / name)
    (folder / "annotations.ttl").write_text(sparnatural_annotations(ontology), encoding="utf-8")
    src = f"{base_url}/ontology {site_url}/sparnatural/annotations.ttl"
    endpoint = f"{base_url}/sparql"
    (folder / "index.html").write_text(PAGE.format(src=src, endpoint=endpoint, endpoint_js=json.dumps(endpoint)),
                                       encoding="utf-8")
    assert site_url.rsplit(":", 1)[1] != base_url.rsplit(":", 1)[1]  # another origin: CORS on /ontology and /sparql
    return f"{site_url}/sparnatural/index.html"


def item(group: str, iri: str) -> str:
    """The entry for ``iri`` in one of a criterion's lists (start class, property, end class)."""
    return f'.{group} li[data-id="{iri}"]'


def test_sparnatural_lists_the_ontology_classes_and_builds_a_query_that_gets_rows(watched, base_url, ontology,
                                                                                  sparnatural_page):
    page = watched.page
    page.set_default_timeout(WAIT)
    ontology_answers = []
    page.on("response", lambda r: ontology_answers.append(r) if r.url == base_url + "/ontology" else None)
    page.goto(sparnatural_page, wait_until="load")
    page.wait_for_function("window.sparnaturalReady === true", timeout=WAIT)
    page.locator(".StartClassGroup li[data-id]").first.wait_for(state="visible")

    # Sparnatural read /ontology itself (jQuery asks for text/plain, */*: the server answers Turtle).
    assert [r.status for r in ontology_answers] == [200]
    assert ontology_answers[0].headers["content-type"].startswith("text/turtle")

    # The class list: the ontology's classes by their labels, no shape.
    entries = page.locator(".StartClassGroup li[data-id]")
    ids = [entries.nth(i).get_attribute("data-id") for i in range(entries.count())]
    labels = [t.strip() for t in page.locator(".StartClassGroup li[data-id] .item-label").all_inner_texts()]
    assert {CKG + "State", CKG + "Attack", CKG + "ArmedGroup", CKG + "Condemnation"} <= set(ids), ids
    assert set(ids) <= named_classes(ontology), ids
    assert not [i for i in ids if i.endswith("Shape") or i.startswith(SHAPES_NS)], ids
    assert {"state", "attack", "armed group"} <= set(labels), labels
    assert not [lb for lb in labels if lb.lower().endswith("shape")], labels

    # Attack -> perpetrator -> State = Northland, picked in the UI.
    page.locator(item("StartClassGroup", CKG + "Attack")).click()
    page.locator(item("EndClassGroup", CKG + "State")).click()
    page.locator(item("ObjectPropertyGroup", CKG + "perpetrator")).click()
    # The list widget's values are Sparnatural's own query to the endpoint: the states that perpetrated attacks.
    options = page.locator('.EndClassGroup .list-widget select option[data-itemlabel="Northland"]')
    options.wait_for(state="attached")
    page.locator(".EndClassGroup .list-widget .select2-selection").click()
    page.locator(".select2-container--open .select2-results__option", has_text="Northland").click()
    page.wait_for_function(
        "(iri) => window.generatedQueries.some(q => q.includes(iri) && q.includes('perpetrator'))", arg=NORTHLAND,
        timeout=WAIT)
    query = [q for q in page.evaluate("window.generatedQueries") if NORTHLAND in q][-1]
    assert f"<{CKG}Attack>" in query or "ckg:Attack" in query, query
    assert "Shape" not in query, query

    # The generated query, sent to /sparql from the page, gets the attack.
    rows = page.evaluate("(q) => window.runOnEndpoint(q)", query)
    assert len(rows) >= 1, query
    assert any(v["value"].endswith(STRIKE) for row in rows for v in row.values()), rows
    watched.assert_clean()
