"""docs/deploy/w3id.htaccess applied as written to a running server (issue 13, item 1): the default base
and the ontology namespace, sent through the redirect rules, reach descriptions that answer.

The rules are Apache ``RewriteRule`` lines, interpreted here the way mod_rewrite does for a per-directory
file (the path after ``conflict-kg/``, the first matching rule wins, ``$1`` is the first group); SERVER is
filled in with the test server's URL, which serves the store as ``kg serve --public-url
https://w3id.org/conflict-kg/`` would (nothing rewritten: the answers keep the w3id IRIs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from serving import serving

from kg.config import DEFAULT_BASE, ONTOLOGY_NS, REPO_ROOT
from kg.server import ServerConfig, create_app

RULES = REPO_ROOT / "docs" / "deploy" / "w3id.htaccess"
W3ID = "https://w3id.org/conflict-kg/"


def rules(path: Path = RULES) -> list[tuple[re.Pattern, str, int]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts[:1] == ["RewriteRule"]:
            pattern, target, flags = parts[1], parts[2], parts[3]
            status = int(re.search(r"R=(\d+)", flags).group(1))
            found.append((re.compile(pattern), target, status))
    return found


def redirect(iri: str, server: str, table) -> tuple[str, int] | None:
    """Where w3id.org sends ``iri`` (its fragment is never sent), or None when no rule matches."""
    assert iri.startswith(W3ID), iri
    path, _, query = iri.split("#", 1)[0][len(W3ID):].partition("?")
    for pattern, target, status in table:
        match = pattern.search(path)
        if match:
            url = target.replace("SERVER", server)
            for number, group in enumerate(match.groups(), 1):
                url = url.replace(f"${number}", group)
            return url + (f"?{query}" if query else ""), status
    return None


@pytest.fixture(scope="module")
def server(seed_store):
    with serving(create_app(seed_store, ServerConfig(workers=1, public_url=W3ID))) as url:
        yield url


def test_the_rule_file_covers_every_kind_of_iri(server):
    table = rules()
    assert redirect(DEFAULT_BASE + "state/iran", server, table) == (server + "/id/state/iran", 303)
    assert redirect(ONTOLOGY_NS + "Attack", server, table) == (server + "/ontology", 303)
    assert redirect(W3ID + "shapes#ActorShape", server, table) == (server + "/ontology/shapes", 303)
    assert redirect(W3ID + "sparql?query=ASK%7B%7D", server, table) == (server + "/sparql?query=ASK%7B%7D", 307)
    assert redirect(W3ID + "store", server, table)[1] == 307  # a PUT or POST stays one


def test_every_w3id_iri_of_a_description_resolves_through_the_rules(server):
    table = rules()
    todo, seen, fetched = [DEFAULT_BASE + "state/iran"], set(), 0
    while todo and fetched < 60:
        iri = todo.pop(0)
        if iri in seen:
            continue
        seen.add(iri)
        assert redirect(iri, server, table), f"no rule for {iri}"
        target, status = redirect(iri, server, table)
        assert status in (303, 307)
        r = requests.get(target, headers={"Accept": "text/turtle"}, timeout=60)
        fetched += 1
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle"), (iri, r.status_code)
        triples = [q.triple for q in ox.parse(r.content, ox.RdfFormat.TURTLE)]
        assert triples, iri
        for t in triples:
            for term in (t.subject, t.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(W3ID):
                    todo.append(term.value.split("#", 1)[0])
    assert fetched == 60 or not todo
    assert any(i.startswith(ONTOLOGY_NS.split("#")[0]) for i in seen)  # the vocabulary resolves too
    assert sum(i.startswith(DEFAULT_BASE) for i in seen) > 20
