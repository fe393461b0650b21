"""The endpoint's fast path keeps every guarantee of the slow one.

* SELECT results are bounded in their own text (``kg.server.rowcap``) and written by Oxigraph's
  serialiser; the row limit must still refuse exactly the results over it, in every format, and an
  answer within it must be the same as the row-by-row path's.
* Answers travel from the worker as raw bytes; large ones must arrive whole.
* The rewritten ``armed_groups.rq`` and ``contested_facts.rq`` must answer exactly as the flat
  formulations they replace, row for row, on a generated graph in the project's shape.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import QUERIES_DIR
from kg.query import QueryError, ResultTooLarge, evaluate, result_rows
from kg.server.engine import QueryJob, QueryPool, run_job
from kg.server.rowcap import cap_select
from kg.store import KGStore

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("json", "xml", "csv", "tsv")
EX = "http://example.org/"
TRICKY = ['plain', 'two\nlines', 'tab\there', 'quote " and , comma', '},{"x":{}}', '<result>', '{}},{}', '\r\n']


@pytest.fixture(scope="module")
def store():
    store = KGStore()
    quads = [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(value), ox.DefaultGraph())
             for i, value in enumerate(TRICKY)]
    quads += [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}q"), ox.Literal("x", language="en"),
                      ox.DefaultGraph()) for i in range(3)]
    store.ox.extend(quads)
    return store


# -- bounding a SELECT in its text -------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 11\n"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s # a comment",
     "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s # a comment\nLIMIT 11\n"),
    ("SELECT * WHERE { ?s ?p ?o } OFFSET 3", "SELECT * WHERE { ?s ?p ?o } OFFSET 3\nLIMIT 11\n"),
    # a sub-SELECT's LIMIT is not the top level's
    ("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 500 } }",
     "SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 500 } }\nLIMIT 11\n"),
    ('SELECT * WHERE { ?s ?p "LIMIT 500" }', 'SELECT * WHERE { ?s ?p "LIMIT 500" }\nLIMIT 11\n'),
    # keywords only count outside strings, comments, variables and prefixed names
    ("PREFIX limit: <x:> SELECT ?limit WHERE { ?s limit:values ?limit }",
     "PREFIX limit: <x:> SELECT ?limit WHERE { ?s limit:values ?limit }\nLIMIT 11\n"),
    ('SELECT * WHERE { ?s ?p """ } LIMIT 5 """ }', 'SELECT * WHERE { ?s ?p """ } LIMIT 5 """ }\nLIMIT 11\n'),
    ("SELECT * WHERE { ?s ?p ?o } # } VALUES ?s { <x:a> }",
     "SELECT * WHERE { ?s ?p ?o } # } VALUES ?s { <x:a> }\nLIMIT 11\n"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),  # already bounded
    ("select * where { ?s ?p ?o } limit 10 offset 2", "select * where { ?s ?p ?o } limit 10 offset 2"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 11", None),  # bounded above the limit: counted row by row
    ("SELECT * WHERE { ?s ?p ?o } \\u004CIMIT 500", None),  # an escaped keyword is still a keyword
    ("SELECT * WHERE { ?s ?p ?o } VALUES ?s { <x:a> }", None),  # LIMIT must come before a trailing VALUES
    ("ASK { ?s ?p ?o }", None),
    ("CONSTRUCT WHERE { ?s ?p ?o }", None),  # a triple limit is not a solution limit
    ("PREFIX select: <x:> DESCRIBE <x:a>", None),
    # "ask" might be the form ASK: the text is tokenised, and the word is only in a comment
    ("SELECT * WHERE { ?s ?p ?o } # ask", "SELECT * WHERE { ?s ?p ?o } # ask\nLIMIT 11\n"),
    ('SELECT * WHERE { ?s ?p "ask" }', 'SELECT * WHERE { ?s ?p "ask" }\nLIMIT 11\n'),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3", "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3"),
    ("SELECT * WHERE { ?s ?p ?o VALUES ?s { <x:a> } }", "SELECT * WHERE { ?s ?p ?o VALUES ?s { <x:a> } }\nLIMIT 11\n"),
])
def test_cap_select(text, expected):
    assert cap_select(text, 10) == expected


def test_a_capped_text_answers_the_same_rows_within_the_limit_and_one_more_over_it(store):
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY DESC(?s) ?o"
    full = [tuple(r) for r in store.query(text)]
    assert [tuple(r) for r in store.query(cap_select(text, len(full)))] == full
    assert len(list(store.query(cap_select(text, 4)))) == 5


# -- counting the rows of a serialised result --------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", [
    "SELECT ?s ?o WHERE { ?s ?p ?o }",
    "SELECT ?nothing WHERE { ?s ?p ?o }",  # rows with no binding at all
    "SELECT ?s WHERE { ?s ?p ?o FILTER(false) }",  # no rows
    "SELECT * WHERE { }",  # one row, no variables
])
def test_result_rows_is_exact_in_every_format(store, fmt, text):
    expected = len(list(store.query(text)))
    body = store.query(text).serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert result_rows(body, fmt) == expected  # exact count
    for limit in (0, 1, expected - 1, expected, expected + 1):  # the cheap bound decides, or the count does
        assert (result_rows(body, fmt, limit) > limit) == (expected > limit)


@pytest.mark.parametrize("fmt", FORMATS)
def test_native_and_row_by_row_answers_agree_and_refuse_the_same_sizes(store, fmt):
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    rows = len(list(store.query(text)))
    slow = evaluate(store, text, fmt, max_rows=rows)
    fast = evaluate(store, cap_select(text, rows), fmt, max_rows=rows, rows_capped=True)
    assert _parsed(fast, fmt) == _parsed(slow, fmt)
    for max_rows in (rows - 1, 0):
        with pytest.raises(ResultTooLarge, match=f"more than {max_rows:,} rows"):
            evaluate(store, cap_select(text, max_rows), fmt, max_rows=max_rows, rows_capped=True)
        with pytest.raises(ResultTooLarge):
            evaluate(store, text, fmt, max_rows=max_rows)


def _parsed(body: bytes, fmt: str):
    if fmt == "json":
        return json.loads(body)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    return [tuple(r) for r in ox.parse_query_results(body, format=getattr(ox.QueryResultsFormat, fmt.upper()))]


def test_run_job_bounds_selects_and_reports_syntax_errors_about_the_text_as_written(store):
    over = run_job(store, QueryJob("SELECT * WHERE { ?s ?p ?o }", "json", max_rows=5))
    assert over.status == 400 and b"more than 5 rows" in over.body
    within = run_job(store, QueryJob("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s", "csv", max_rows=100))
    assert within.status == 200 and result_rows(within.body, "csv") == len(store)
    for text in ("SELECT * WHERE { ?s ?p ?o } ORDER BY", "SELECT * WHERE { ?s ?p ?o "):
        bad = run_job(store, QueryJob(text, "json", max_rows=5))
        assert bad.status == 400 and b"LIMIT" not in bad.body  # the appended LIMIT never shows in a message
    with pytest.raises(QueryError):
        evaluate(store, "SELECT * WHERE { ?s ?p ?o } ORDER BY", "json", max_rows=5)


def test_large_answers_cross_the_worker_pipe_whole():
    store = KGStore()
    big = "x" * 300_000
    store.ox.extend([ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"{i}{big}"),
                             ox.DefaultGraph()) for i in range(10)])
    pool = QueryPool(store, 1, read_only=False)
    try:
        assert pool.wait_ready(60)
        outcome = pool.run(QueryJob("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", "json", max_rows=100), 60)
        assert outcome.status == 200 and len(outcome.body) > 3_000_000
        values = [b["o"]["value"] for b in json.loads(outcome.body)["results"]["bindings"]]
        assert values == sorted(f"{i}{big}" for i in range(10))
        again = pool.run(QueryJob("ASK { ?s ?p ?o }", "json", max_rows=100), 60)  # the pipe is in step
        assert again.status == 200 and json.loads(again.body)["boolean"] is True
    finally:
        pool.close()


# -- the rewritten canned queries answer as the flat formulations ------------------------------------
FLAT = {
    "armed_groups": """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?group (SAMPLE(?l) AS ?label) ?base (SAMPLE(?bl) AS ?baseLabel) (SAMPLE(?sl) AS ?state)
       (GROUP_CONCAT(DISTINCT ?alt; separator=" | ") AS ?otherNames) (COUNT(DISTINCT ?g) AS ?sources)
WHERE {
  ?group a ckg:ArmedGroup .
  OPTIONAL { ?group rdfs:label ?l }
  OPTIONAL { ?group ckg:basedIn ?base . OPTIONAL { ?base rdfs:label ?bl }
             OPTIONAL { ?base ckg:locatedIn* ?s . ?s a ckg:State ; rdfs:label ?sl } }
  OPTIONAL { ?group <http://www.w3.org/2004/02/skos/core#altLabel> ?alt }
  OPTIONAL { GRAPH ?g { ?group a ckg:ArmedGroup } }
}
GROUP BY ?group ?base
ORDER BY ?label ?baseLabel
""",
    "contested_facts": """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?event ?eventLabel ?property ?value ?doc ?publisher ?evidence
WHERE {
  VALUES ?p { ckg:killed ckg:injured ckg:date }
  { SELECT ?event ?p WHERE { ?event ?p ?v } GROUP BY ?event ?p HAVING (COUNT(DISTINCT ?v) > 1) }
  GRAPH ?g {
    ?event ?p ?value .
    OPTIONAL { ?st rdf:subject ?event ; rdf:predicate ?p ; rdf:object ?value ; ckg:evidence ?evidence }
  }
  ?g prov:wasDerivedFrom ?doc .
  OPTIONAL { ?doc dcterms:publisher ?publisher }
  OPTIONAL { ?event rdfs:label ?eventLabel }
  BIND(STRAFTER(STR(?p), "#") AS ?property)
}
ORDER BY ?eventLabel ?property ?value ?doc
""",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    sys.path.insert(0, str(ROOT))
    from benchmarks.graphgen import write_graph

    path = tmp_path_factory.mktemp("gen") / "g.nq"
    write_graph(40_000, path, seed=5)
    store = KGStore()
    store.load_quads(path)
    return store


@pytest.mark.parametrize("name", sorted(FLAT))
def test_rewritten_queries_answer_as_the_flat_ones(generated, name):
    rewritten = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    tsv = ox.QueryResultsFormat.TSV
    expected = generated.ox.query(FLAT[name]).serialize(format=tsv)
    assert expected.count(b"\n") > 20, "the generated graph should exercise the query"
    assert generated.ox.query(rewritten).serialize(format=tsv) == expected


# -- the answer cache -------------------------------------------------------------------------------------
def test_repeated_texts_are_answered_from_the_cache_only_on_a_read_only_store_and_only_when_stable():
    store = KGStore()
    store.ox.extend([ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)),
                             ox.DefaultGraph()) for i in range(5)])
    pool = QueryPool(store, 1, read_only=True, cache_bytes=1_000_000)
    writable = QueryPool(store, 1, read_only=False, cache_bytes=1_000_000)
    try:
        assert pool.wait_ready(60) and writable.wait_ready(60)
        job = QueryJob("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", "json", max_rows=100)
        first, second = pool.run(job, 30), pool.run(job, 30)
        assert not first.cached and second.cached and second.body == first.body
        as_csv = pool.run(QueryJob(job.text, "csv", max_rows=100), 30)  # another format is another answer
        assert not as_csv.cached and as_csv.body.startswith(b"o\r\n")
        assert not pool.run(QueryJob(job.text, "json", max_rows=2), 30).cached  # so is another row limit
        refused = QueryJob(job.text, "json", max_rows=2)
        assert pool.run(refused, 30).status == 400 and pool.run(refused, 30).status == 400  # errors not kept
        now = QueryJob("SELECT (STRUUID() AS ?u) WHERE {}", "json", max_rows=10)
        assert pool.run(now, 30).body != pool.run(now, 30).body  # a volatile function is evaluated every time
        assert not writable.run(job, 30).cached and not writable.run(job, 30).cached
        pool.refresh()  # a new snapshot empties the cache
        assert not pool.run(job, 30).cached
    finally:
        pool.close()
        writable.close()


def test_the_cache_keeps_at_most_its_size_least_recently_used_first_out():
    from kg.server.answers import AnswerCache

    cache = AnswerCache(100, max_entry_bytes=60)
    cache.put("a", "A", 40)
    cache.put("b", "B", 40)
    assert cache.get("a") == "A"  # "a" is now the most recently used
    cache.put("c", "C", 40)  # over 100 bytes: "b" goes
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("c") == "C"
    cache.put("big", "X", 61)  # larger than one entry may be
    assert cache.get("big") is None and len(cache) == 2
    assert not AnswerCache.cacheable("SELECT (now() AS ?t) {}") and AnswerCache.cacheable("SELECT * {}")


def test_a_cached_answer_says_so_over_http():
    from kg.server import ServerConfig, close_app, create_app

    store = KGStore()
    store.ox.extend([ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.Literal("v"), ox.DefaultGraph())])
    app = create_app(store, ServerConfig(workers=1))
    try:
        assert app.extensions["kg"].engine.wait_ready(60)
        client = app.test_client()
        args = {"query": "SELECT ?o WHERE { ?s ?p ?o }"}
        first, second = client.get("/sparql", query_string=args), client.get("/sparql", query_string=args)
        assert first.status_code == second.status_code == 200 and first.data == second.data
        assert "X-Answer-Cache" not in first.headers and second.headers["X-Answer-Cache"] == "hit"
    finally:
        close_app(app)


# -- the direct WSGI path for POST application/sparql-query ------------------------------------------------
def test_a_direct_post_answers_as_the_flask_path_does(caplog):
    import logging

    from kg.server import ServerConfig, close_app, create_app

    store = KGStore()
    store.ox.extend([ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.Literal("v"), ox.DefaultGraph())])
    app = create_app(store, ServerConfig(workers=1, max_body_bytes=2_000, answer_cache_bytes=0))
    try:
        assert app.extensions["kg"].engine.wait_ready(60)
        client = app.test_client()
        text = "SELECT ?o WHERE { ?s ?p ?o }"
        accept = {"Accept": "text/csv"}
        via_flask = client.post("/sparql", data={"query": text}, headers=accept)  # form POST: Flask
        with caplog.at_level(logging.INFO, logger="kg.server"):
            direct = client.post("/sparql", data=text.encode(), headers={**accept,
                                                                         "Content-Type": "application/sparql-query"})
        assert direct.status_code == via_flask.status_code == 200 and direct.data == via_flask.data == b"o\r\nv\r\n"
        for header in ("Content-Type", "Vary", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
                       "Content-Length"):
            assert direct.headers[header] == via_flask.headers[header], header
        assert direct.headers["X-Query-Time"].endswith(" ms")
        assert any(r.getMessage().startswith("POST /sparql 200 ") for r in caplog.records)

        def post(body: bytes, content_type="application/sparql-query"):
            return client.post("/sparql", data=body, headers={"Content-Type": content_type})

        refused = post(b"SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
        assert refused.status_code == 400 and "SERVICE" in refused.text
        assert refused.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert post(b"SELECT * WHERE { ?s ?p \"\xff\" }").status_code == 400  # not UTF-8: Flask says so
        assert post(b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 3_000).status_code == 413
        assert post(b"INSERT DATA { <x:a> <x:b> <x:c> }").status_code == 400
        charset = post(text.encode(), "application/sparql-query; charset=utf-8")  # with a parameter: Flask
        assert charset.status_code == 200 and b"v" in charset.data
        assert client.post("/sparql/", data=text.encode(), headers={"Content-Type": "application/sparql-query",
                                                                    "Accept": "application/nope"}).status_code == 406
    finally:
        close_app(app)
