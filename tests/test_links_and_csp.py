"""Stored XSS through links, and the Content-Security-Policy of every HTML page.

The data may hold IRIs of any scheme (``owl:sameAs <javascript:...>``, a ``javascript:`` document
behind a graph, ``data:`` and ``vbscript:`` values); an ``<a href>`` made from one runs in this
site's origin when clicked. Every HTML page the server makes is fetched here and every URL
attribute in it checked: only paths on this server, fragments, queries and http(s) addresses.
Every HTML response carries a CSP that allows scripts from this server only (no inline script,
no eval), and no page holds an inline script for that policy to block.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from kg.server import ServerConfig, close_app, create_app
from kg.server.describe import local_href, web_href
from kg.store import KGStore

SAMPLE = Path(__file__).parent / "browser" / "data" / "sample.trig"
BASE = "https://w3id.org/conflict-kg/id/"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append((tag, name, value))
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if tag == "script":
            self._script = dict(attrs)

    def handle_data(self, data):
        if self._script is not None and "src" not in self._script and data.strip():
            kind = (self._script.get("type") or "text/javascript").lower()
            if kind in ("text/javascript", "application/javascript", "module", ""):
                self.inline_scripts.append(data.strip()[:60])

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def safe_url(value: str) -> bool:
    value = value.strip()
    return value.startswith(("/", "?", "#")) and not value.startswith("//") or value.lower().startswith(
        ("http://", "https://"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    queries = tmp_path_factory.mktemp("queries")
    (queries / "same_as.rq").write_text("# title: Identities elsewhere\n# param: state\n"
                                        "SELECT ?state ?x WHERE { ?state owl:sameAs ?x }\n", encoding="utf-8")
    store = KGStore()
    store.load_quads(SAMPLE)
    app = create_app(store, ServerConfig(workers=0))
    app.config["KG_QUERIES_DIR"] = queries
    yield app.test_client()
    close_app(app)


PAGES = ["/", "/?plain=1", "/dashboard", "/queries", "/queries/same_as",
         f"/queries/same_as?state={BASE}state/southland", "/ontology", "/.well-known/void",
         "/id/state/southland", "/id/state/northland", "/id/event/strike-1",
         "/id/document/doc-a", "/id/graph/doc-c", "/id/statement/b1", "/id/nothing/here", "/no/such/page"]


def test_web_href_allows_only_http_and_https():
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd",
                "mailto:a@b.c", "urn:isbn:1", "", None):
        assert web_href(bad) is None, bad
    assert web_href("https://example.org/x") == "https://example.org/x"
    assert web_href("HTTP://example.org/x") == "HTTP://example.org/x"
    assert local_href(BASE + "javascript:alert(1)", BASE) == "/id/javascript:alert(1)"  # a path here, not a scheme
    assert local_href("javascript:alert(1)", BASE) is None


@pytest.mark.parametrize("path", PAGES)
def test_every_html_page_links_only_to_http_or_this_server(client, path):
    r = client.get(path, headers=BROWSER)
    assert r.mimetype == "text/html", (path, r.status_code, r.mimetype)
    page = parse(r.get_data(as_text=True))
    unsafe = [u for u in page.urls if not safe_url(u[2])]
    assert unsafe == [], f"{path}: {unsafe}"
    assert page.handlers == [], f"{path}: inline event handlers {page.handlers}"


@pytest.mark.parametrize("path", PAGES)
def test_every_html_page_has_a_csp_without_inline_script(client, path):
    r = client.get(path, headers=BROWSER)
    policy = r.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], (path, policy)
    assert directives.get("object-src") == ["'none'"] and directives.get("base-uri") == ["'none'"]
    assert "'unsafe-inline'" not in directives.get("script-src", []) and "'unsafe-eval'" not in policy
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert parse(r.get_data(as_text=True)).inline_scripts == [], f"{path} has inline script the CSP would block"


def test_hostile_same_as_and_document_iris_are_shown_as_text(client):
    html = client.get("/id/state/southland", headers=BROWSER).get_data(as_text=True)
    for text in ("javascript:window.__xss=3//", "JaVaScRiPt:window.__xss=7//", "vbscript:msgbox(1)"):
        assert text in html  # still shown, so nothing the data says is lost
        assert f'href="{text}' not in html and f"href='{text}" not in html
    assert 'href="https://example.org/southland"' in html  # a real web link stays a link
    assert 'href="javascript' not in html.lower() and 'href="data:' not in html.lower()
    # the javascript: document behind graph doc-c is listed among the sources, unlinked
    page = parse(html)
    assert not any("javascript" in value.lower() for _, _, value in page.urls)


def test_json_and_rdf_answers_have_no_csp_but_are_not_sniffed(client):
    r = client.get("/sparql", query_string={"query": "ASK {}"})
    assert r.mimetype == "application/sparql-results+json" and "Content-Security-Policy" not in r.headers
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_statement_pages_and_links_from_statements(client):
    # b1 is attributed to Southland: it is evidence on Southland's page, not a "linked from" neighbour
    html = client.get("/id/state/southland", headers=BROWSER).get_data(as_text=True)
    assert "Attributed to Southland" in html and "At least seven were killed in the strikes." in html
    linked_from = html.split("<h2>Linked from</h2>", 1)[1].split("</ul>", 1)[0] if "Linked from" in html else ""
    assert "/id/statement/" not in linked_from
    statement = client.get("/id/statement/b1", headers=BROWSER).get_data(as_text=True)
    assert "<title>Evidence: missile and drone strikes on Port Ember killed 7" in statement
    assert "At least seven were killed in the strikes." in statement


def test_source_page_has_headline_publisher_date_url_and_its_facts(client):
    html = client.get("/id/document/doc-a", headers=BROWSER).get_data(as_text=True)
    assert "<h1>Missiles hit Port Ember</h1>" in html
    for field, value in (("source-headline", "Missiles hit Port Ember"), ("source-publisher", "Wire A"),
                         ("source-date", "2024-03-02"), ("source-url", "a.txt")):
        assert f'id="{field}">{value}' in html, field
    facts = html.split('id="reported-facts"', 1)[1].split("</table>", 1)[0]
    assert facts.count("<tr") == 1 + 2  # header + the two statements doc-a reported
    assert "Northland said it struck &lt;script&gt;" in facts and "Four people were killed" in facts


@pytest.mark.parametrize("name", ["../etc/passwd", "a b", "x.rq"])
def test_canned_page_names_stay_refused(client, name):
    assert client.get("/queries/" + quote(name, safe=""), headers=BROWSER).status_code == 404


def test_every_page_reachable_by_links_is_safe_and_has_the_csp(client):
    """Not only the listed pages: every HTML page reachable from them by this site's links (entity, source,
    graph, statement, canned and format pages), so a page added later is checked without being listed."""
    from urllib.parse import urljoin, urlsplit

    queue, seen, checked = list(PAGES), set(), 0
    while queue and checked < 500:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        r = client.get(path, headers=BROWSER)
        if r.mimetype != "text/html":
            continue
        checked += 1
        policy = {d.split()[0]: d.split()[1:] for d in r.headers.get("Content-Security-Policy", "").split(";")
                  if d.strip()}
        assert policy.get("script-src") == ["'self'"], path
        page = parse(r.get_data(as_text=True))
        assert [u for u in page.urls if not safe_url(u[2])] == [] and page.handlers == [], path
        assert page.inline_scripts == [], path
        for tag, _, value in page.urls:
            target = urlsplit(urljoin("http://localhost" + path, value))
            if tag == "a" and target.netloc == "localhost" and not target.path.startswith("/assets"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    assert checked > len(PAGES) and {"/id/graph/doc-c", "/id/document/doc-b"} <= seen, sorted(seen)
