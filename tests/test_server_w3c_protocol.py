"""The W3C SPARQL 1.1 Protocol test cases (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl) that
apply to a read-only endpoint, encoded as raw HTTP requests against a server on a free port.

The dataset tests name graphs data1.rdf .. data3.rdf whose content the suite preloads
(``ut:graphData``); here they are loaded as named graphs of the store. Update tests need a writable
endpoint with arbitrary updates (``INSERT ... WHERE``, ``using-graph-uri``) and are not applicable,
except the ``bad_update_*`` ones, which must still be refused with 4xx.

Note on ``query_multiple_dataset``: the manifest's URL percent-encodes the ``&`` between its two
``named-graph-uri`` parameters (a known erratum, which makes it one parameter); it is encoded here
as the two parameters the test's name and comment describe.
"""

from __future__ import annotations

import pytest
import requests
from serving import serving

from kg.server import ServerConfig, create_app
from kg.store import KGStore

K = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOC = "<http://xmlns.com/foaf/0.1/Document>"
NQUADS = "".join(
    f"<{K}data{i}.rdf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {FOAF_DOC} <{K}data{i}.rdf> .\n"
    for i in (1, 2, 3)
)
DG0 = f"default-graph-uri={K}data0.rdf".replace(":", "%3A").replace("/", "%2F")


@pytest.fixture(scope="module")
def url(tmp_path_factory):

    path = tmp_path_factory.mktemp("w3c") / "data.nq"
    path.write_text(NQUADS, encoding="utf-8")
    store = KGStore()
    store.load_quads(path)
    with serving(create_app(store, ServerConfig(workers=1))) as url:
        yield url


def enc(iri: str) -> str:
    return requests.utils.quote(iri, safe="")


def send(url, method, path, body=None, content_type=None):
    headers = {"Content-Type": content_type} if content_type else {}
    if body is not None and content_type is None:
        # requests would add no Content-Type for raw bytes; make sure none is sent
        headers = {}
    return requests.request(method, url + path, data=body, headers=headers, timeout=30)


def boolean(response) -> bool:
    ctype = response.headers["Content-Type"]
    if "json" in ctype:
        return response.json()["boolean"]
    assert "xml" in ctype
    return "<boolean>true</boolean>" in response.text


ASK_DATA12 = f"ASK {{ <{K}data1.rdf> a ?type . <{K}data2.rdf> a ?type . }}"
ASK_NAMED12 = f"ASK {{ GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}"
POSITIVE = [
    ("query_post_form", "POST", f"/sparql/?{DG0}", "query=ASK%20%7B%7D", "application/x-www-form-urlencoded"),
    (
        "query_dataset_default_graphs_get",
        "GET",
        f"/sparql/?query={enc(ASK_DATA12)}&default-graph-uri={enc(K + 'data1.rdf')}"
        f"&default-graph-uri={enc(K + 'data2.rdf')}",
        None,
        None,
    ),
    (
        "query_dataset_default_graphs_post",
        "POST",
        f"/sparql/?default-graph-uri={enc(K + 'data1.rdf')}&default-graph-uri={enc(K + 'data2.rdf')}",
        ASK_DATA12,
        "application/sparql-query",
    ),
    (
        "query_dataset_named_graphs_post",
        "POST",
        f"/sparql/?named-graph-uri={enc(K + 'data1.rdf')}&named-graph-uri={enc(K + 'data2.rdf')}",
        ASK_NAMED12,
        "application/sparql-query",
    ),
    (
        "query_dataset_named_graphs_get",
        "GET",
        f"/sparql/?query={enc(ASK_NAMED12)}&named-graph-uri={enc(K + 'data1.rdf')}"
        f"&named-graph-uri={enc(K + 'data2.rdf')}",
        None,
        None,
    ),
    (
        "query_dataset_full",
        "POST",
        f"/sparql/?default-graph-uri={enc(K + 'data3.rdf')}&named-graph-uri={enc(K + 'data1.rdf')}"
        f"&named-graph-uri={enc(K + 'data2.rdf')}",
        f"ASK {{ <{K}data3.rdf> a ?type GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} "
        f"GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}",
        "application/sparql-query",
    ),
    (
        "query_multiple_dataset",
        "POST",
        f"/sparql/?named-graph-uri={enc(K + 'data1.rdf')}&named-graph-uri={enc(K + 'data2.rdf')}",
        f"ASK FROM <{K}data3.rdf> {{ GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}",
        "application/sparql-query",
    ),
    ("query_get", "GET", f"/sparql/?query=ASK%20%7B%7D&{DG0}", None, None),
    ("query_post_direct", "POST", "/sparql/", "ASK {}", "application/sparql-query"),
]


@pytest.mark.parametrize(("name", "method", "path", "body", "ctype"), POSITIVE, ids=[p[0] for p in POSITIVE])
def test_protocol_positive(url, name, method, path, body, ctype):
    r = send(url, method, path, body, ctype)
    assert 200 <= r.status_code < 400, r.text
    assert boolean(r) is True


@pytest.mark.parametrize(
    ("name", "query", "allowed"),
    [
        (
            "query_content_type_select",
            "SELECT (1 AS ?value) {}",
            (
                "application/sparql-results+xml",
                "application/sparql-results+json",
                "text/tab-separated-values",
                "text/csv",
            ),
        ),
        ("query_content_type_ask", "ASK {}", ("application/sparql-results+xml", "application/sparql-results+json")),
        (
            "query_content_type_describe",
            "DESCRIBE <http://example.org/>",
            ("application/rdf+xml", "text/turtle", "application/n-triples"),
        ),
        (
            "query_content_type_construct",
            "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}",
            ("application/rdf+xml", "text/turtle", "application/n-triples"),
        ),
    ],
)
def test_protocol_content_types(url, name, query, allowed):
    r = send(url, "POST", f"/sparql/?{DG0}", query, "application/sparql-query")
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] in allowed


BAD = [
    ("bad_query_method", "PUT", f"/sparql/?query=ASK%20%7B%7D&{DG0}", b"", "application/x-www-form-urlencoded"),
    ("bad_multiple_queries", "GET", "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, None),
    ("bad_query_wrong_media_type", "POST", "/sparql/", "ASK {}", "text/plain"),
    ("bad_query_missing_form_type", "POST", "/sparql/", b"query=ASK%20%7B%7D", None),
    ("bad_query_missing_direct_type", "POST", "/sparql/", b"ASK {}", None),
    ("bad_query_non_utf8", "POST", "/sparql/", "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"),
    ("bad_query_syntax", "GET", "/sparql/?query=ASK%20%7B", None, None),
    ("bad_update_get", "GET", "/sparql/?update=CLEAR%20ALL", None, None),
    (
        "bad_multiple_updates",
        "POST",
        "/sparql/",
        "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        "application/x-www-form-urlencoded",
    ),
    ("bad_update_wrong_media_type", "POST", "/sparql/", "CLEAR NAMED", "text/plain"),
    ("bad_update_missing_form_type", "POST", "/sparql/", b"update=CLEAR%20NAMED", None),
    (
        "bad_update_non_utf8",
        "POST",
        "/sparql/",
        "CLEAR NAMED".encode("utf-16"),
        "application/sparql-update; charset=UTF-16",
    ),
    ("bad_update_syntax", "POST", "/sparql/", "update=INSERT%20DATA%20%7B", "application/x-www-form-urlencoded"),
    (
        "bad_update_dataset_conflict",
        "POST",
        f"/sparql/?using-graph-uri={enc(K + 'data1.rdf')}",
        "USING <http://example.org/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "application/sparql-update",
    ),
]


@pytest.mark.parametrize(("name", "method", "path", "body", "ctype"), BAD, ids=[b[0] for b in BAD])
def test_protocol_bad_requests_are_4xx(url, name, method, path, body, ctype):
    r = send(url, method, path, body, ctype)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    # and nothing changed
    assert (
        send(url, "GET", "/sparql/?query=" + enc("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")).json()[
            "results"
        ]["bindings"][0]["n"]["value"]
        == "3"
    )
