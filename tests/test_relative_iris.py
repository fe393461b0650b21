"""Relative IRIs in a query resolve against the request's URL (issue 13, item 7), as the W3C SPARQL 1.1
Protocol tests expect of ``POST application/sparql-query`` with ``CONSTRUCT { <s> <p> 1 } WHERE {}``."""

from __future__ import annotations

import socket

import pyoxigraph as ox
import pytest
import requests
from serving import serving

from kg.server import ServerConfig, create_app
from kg.server.sparql import with_base
from kg.store import KGStore

CONSTRUCT = "CONSTRUCT { <s> <p> 1 } WHERE {}"


@pytest.fixture(scope="module")
def url():
    with serving(create_app(KGStore(), ServerConfig(workers=1))) as url:
        yield url


def triples(response) -> set[tuple[str, str, str]]:
    assert response.status_code == 200, response.text
    return {(t.subject.value, t.predicate.value, t.object.value)
            for t in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)}


def test_direct_post_resolves_against_the_endpoint_url(url):
    r = requests.post(url + "/sparql", data=CONSTRUCT.encode(), timeout=60,
                      headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert triples(r) == {(url + "/s", url + "/p", "1")}


def test_get_and_form_post_resolve_too(url):
    get = requests.get(url + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"},
                       timeout=60)
    form = requests.post(url + "/sparql", data={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"},
                         timeout=60)
    assert triples(get) == triples(form) == {(url + "/s", url + "/p", "1")}
    slash = requests.post(url + "/sparql/", data={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"},
                          timeout=60)  # the request URL, trailing slash and all, as RFC 3986 resolves it
    assert triples(slash) == {(url + "/sparql/s", url + "/sparql/p", "1")}


def test_the_querys_own_base_wins(url):
    text = "BASE <http://example.org/a/> CONSTRUCT { <s> <p> <o> } WHERE {}"
    r = requests.post(url + "/sparql", data=text.encode(), timeout=60,
                      headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert triples(r) == {("http://example.org/a/s", "http://example.org/a/p", "http://example.org/a/o")}


def test_a_public_url_is_the_base(tmp_path):
    app = create_app(KGStore(), ServerConfig(workers=0, public_url="https://kg.example.org/"))
    r = app.test_client().post("/sparql", data=CONSTRUCT, headers={"Content-Type": "application/sparql-query",
                                                                  "Accept": "application/n-triples"})
    assert r.get_data(as_text=True).startswith("<https://kg.example.org/s> <https://kg.example.org/p> ")


def test_parser_messages_keep_their_positions(url):
    text = "SELECT * WHERE { <s> ?p }"
    r = requests.post(url + "/sparql", data=text.encode(), timeout=60,
                      headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text, base_iri="http://h/")
    position = str(parsed.value).split(":", 1)[0].split()[-1] + ":" + str(parsed.value).split(":")[1]
    assert position == "1:26"  # the end of the text as sent, not of the text with a BASE in front
    assert r.status_code == 400 and f"error at {position}:" in r.text, r.text


def test_a_host_header_cannot_splice_text_into_the_query(url):
    assert with_base(CONSTRUCT, "http://h> SERVICE <http://x/") == CONSTRUCT
    host, port = url.removeprefix("http://").split(":")
    body = CONSTRUCT.encode()
    request = (f"POST /sparql HTTP/1.1\r\nHost: x> }} SERVICE <http://127.0.0.1:9/\r\n"
               f"Content-Type: application/sparql-query\r\nAccept: application/n-triples\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status = reply.split(b" ", 2)[1]
    assert status in (b"200", b"400"), reply[:200]  # answered (relative IRIs unresolved) or refused, never run
    assert b"SERVICE" not in reply
