"""The notebook API: kg.build, kg.open and KnowledgeGraph's query, entity, dataset and export."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from rdflib import Dataset

import kg
from kg.config import EXAMPLES_DIR, Settings
from kg.query import QueryError
from kg.store import KGStore

BASE = Settings().base


@pytest.fixture(scope="module")
def graph(nlp) -> kg.KnowledgeGraph:
    return kg.build(EXAMPLES_DIR, nlp=nlp)


def test_build_reads_the_examples_into_memory(graph):
    assert isinstance(graph, kg.KnowledgeGraph) and kg.build is kg.api.build
    assert graph.report.built == 6 and len(graph.graphs()) == 6
    assert graph.store.path is None and len(graph) > 1000
    assert "6 sources" in repr(graph)


def test_select_gives_plain_rows_and_a_dataframe(graph):
    result = graph.query("SELECT ?event ?label ?date WHERE { ?event a ckg:Attack ; rdfs:label ?label ; "
                         "ckg:date ?date } ORDER BY ?date")
    assert result.variables == ["event", "label", "date"] and len(result) >= 2
    first = result.rows[0]
    assert first["event"].startswith(BASE) and isinstance(first["label"], str)
    assert isinstance(first["date"], dt.date)  # xsd:date as a date, not its text
    assert list(result) == result.rows
    frame = result.df
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["event", "label", "date"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"]) and frame["date"].is_monotonic_increasing
    assert result.terms[0]["date"].datatype.endswith("#date")  # the RDF terms are kept too
    assert "<table" in result._repr_html_() and "United Kingdom airstrike on Yemen" in result._repr_html_()


def test_numbers_are_numbers_and_unbound_is_none(graph):
    (row,) = graph.query("SELECT ?n ?x ?nothing WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s a ckg:Attack } } "
                         "BIND(1.5 AS ?x) OPTIONAL { ?x ckg:noSuchProperty ?nothing } }").rows
    assert isinstance(row["n"], int) and row["n"] > 0
    assert row["x"] == 1.5 and row["nothing"] is None
    counts = graph.canned("casualties_by_source").df
    assert pd.api.types.is_integer_dtype(counts["count"]) and (counts["count"] > 0).all()


def test_ask_and_construct(graph):
    assert graph.query("ASK { ?s a ckg:Attack }").boolean is True
    assert not graph.query("ASK { ?s a ckg:NoSuchClass }")
    built = graph.query("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a ckg:State ; rdfs:label ?l }")
    assert built.is_graph and len(built.triples) >= 3
    subject, predicate, label = built.triples[0]
    assert subject.startswith(BASE) and predicate.endswith("#label") and isinstance(label, str)
    assert list(built.df.columns) == ["subject", "predicate", "object"]


def test_bad_queries_raise_query_errors(graph):
    with pytest.raises(QueryError, match="malformed"):
        graph.query("SELECT * WHER { }")
    with pytest.raises(QueryError, match="SERVICE"):
        graph.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(KeyError, match="timeline"):
        graph.canned("no_such_query")


def test_entity_by_label_in_any_case_or_by_iri(graph):
    houthis = graph.entity("hOUTHIS")
    assert houthis.iri == BASE + "group/houthis" and houthis.label == "Houthis"
    assert graph.entity(houthis.iri).iri == houthis.iri
    assert "based in" in houthis.facts and "Yemen" in houthis.facts["based in"]
    assert len(houthis.sources) >= 4
    rows = houthis.df
    assert {"property", "value", "iri", "sources", "evidence"} <= set(rows.columns)
    assert rows.loc[rows["value"] == "Yemen", "evidence"].str.contains("Houthi|Yemen").all()
    with pytest.raises(KeyError, match="no node"):
        graph.entity("Atlantis")
    with pytest.raises(KeyError, match="names that match: .*Houthis"):  # not a whole name: the index suggests
        graph.entity("houth")


def test_search_finds_names_and_follows_additions(nlp, tmp_path):
    graph = kg.build([EXAMPLES_DIR / "000_wire_us_uk_strikes_yemen.txt"], nlp=nlp)
    hit = graph.search("HOUTHI")[0]  # "Houthi", another name of the Houthis in this article
    assert hit.iri == BASE + "group/houthis" and hit.label == "Houthis" and hit.kind == "entity"
    assert all(h.kind == "event" for h in graph.search("strike", kind="event"))
    assert graph.search("karabakh") == []
    graph.add(EXAMPLES_DIR / "005_karabakh_offensive.txt", nlp=nlp)
    assert graph.search("karabakh")  # the index followed the build


def test_dataset_is_rdflib_over_the_same_store(graph):
    dataset = graph.dataset
    assert isinstance(dataset, Dataset)
    assert len(dataset.default_graph) == len(graph)
    assert len({str(c.identifier) for c in dataset.graphs()} & set(graph.graphs())) == 6


def test_export_then_open_round_trips(graph, tmp_path):
    target = graph.export(tmp_path / "graph.trig")
    reopened = kg.open(target)
    assert len(reopened) == len(graph) and sorted(reopened.graphs()) == sorted(graph.graphs())
    graph.export(tmp_path / "merged.out", format="ntriples")
    assert (tmp_path / "merged.out").read_text(encoding="utf-8").count("\n") == len(graph)
    with pytest.raises(ValueError, match="format"):
        graph.export(tmp_path / "graph.xyz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig", "merged.out"]  # nothing half-written


def test_build_into_a_store_then_open_it(nlp, tmp_path):
    store = tmp_path / "store"
    built = kg.build([EXAMPLES_DIR / "000_wire_us_uk_strikes_yemen.txt"], store=store, nlp=nlp)
    assert built.store.path == store and built.report.built == 1
    triples = len(built)
    built.close()
    with kg.open(store) as opened:
        assert len(opened) == triples and len(opened.graphs()) == 1
        with pytest.raises(PermissionError, match="read-only"):
            opened.add(EXAMPLES_DIR / "001_uk_paper_raf_typhoons.txt")
    again = kg.open(store, read_only=False)
    report = again.add(EXAMPLES_DIR / "001_uk_paper_raf_typhoons.txt", nlp=nlp)
    assert report.built == 1 and len(again.graphs()) == 2 and len(again) > triples
    again.close()


def test_bad_arguments_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="no store"):
        kg.open(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no such file"):
        kg.build(tmp_path / "missing.txt")
    with pytest.raises(TypeError, match="colour"):
        kg.build(EXAMPLES_DIR, colour="blue")
    assert isinstance(KGStore(), KGStore)


def test_the_readme_api_example_runs_as_written(nlp, tmp_path, monkeypatch):
    """The README's block, run in a folder holding the examples: each commented result is what it says."""
    import re

    from kg.config import REPO_ROOT

    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python API.*?```python\n(.*?)```", text, re.S).group(1)
    (tmp_path / "examples").symlink_to(EXAMPLES_DIR)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("kg.nlp.load_pipeline", lambda settings: nlp)  # the session's pipeline, not a second one
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert scope["result"].rows[0] == {"label": "Houthis drone and missile strike, 2024-01-09",
                                       "date": dt.date(2024, 1, 9)}
    assert scope["houthis"].label == "Houthis" and (tmp_path / "graph.trig").is_file()
    assert scope["found"][0].label == "Houthis"
    assert len(scope["again"]) == len(scope["graph"])
