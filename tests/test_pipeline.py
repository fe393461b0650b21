"""The pipeline keeps going when one document breaks a stage, and parallel builds match serial ones."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from kg.pipeline import Builder
from kg.store import KGStore

ARTICLES = {
    "a.txt": "KHARTOUM, Sudan — The Rapid Support Forces shelled a market in El Fasher on Monday, killing 14 people.",
    "b.txt": "EXPLODE. Sudan's foreign ministry summoned the Kenyan ambassador on Tuesday.",
    "c.txt": "The army said a drone strike hit a fuel depot in Port Sudan on Sunday.",
}


@Language.component("test_explode")
def _explode(doc):
    if "EXPLODE" in doc.text:
        raise ValueError("boom")
    return doc


def _write(folder: Path) -> Path:
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def test_a_failing_component_skips_only_its_document(tmp_path, nlp, settings):
    folder = _write(tmp_path / "in")
    nlp.add_pipe("test_explode", last=True)
    try:
        store = KGStore()
        report = Builder(store, settings, nlp=nlp).build([folder])
    finally:
        nlp.remove_pipe("test_explode")
    assert report.built == 2
    assert [(Path(s.name).name, "boom" in s.reason) for s in report.skipped] == [("b.txt", True)]


def test_parallel_build_equals_serial_build(tmp_path, nlp, settings):
    folder = _write(tmp_path / "in")
    (folder / "b.txt").write_text(ARTICLES["b.txt"].replace("EXPLODE. ", ""), encoding="utf-8")
    serial, parallel = KGStore(), KGStore()
    Builder(serial, settings, nlp=nlp).build([folder])
    report = Builder(parallel, settings, nlp=nlp).build([folder], jobs=2)
    assert report.built == 3

    def facts(store):
        rows = store.query(
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p != prov:startedAtTime && ?p != prov:wasGeneratedBy "
            "&& ?p != prov:endedAtTime && !isBlank(?s)) }"
        )
        return {(r["s"].value, r["p"].value, str(r["o"])) for r in rows if "/activity/" not in r["s"].value}

    assert facts(serial) == facts(parallel)


class _FailingStore(KGStore):
    """A store whose ``fail_at``-th graph write fails, as a full disk would."""

    def __init__(self, fail_at: int):
        super().__init__()
        self.fail_at, self.writes = fail_at, 0

    def add_graph(self, graph_iri, triples):
        self.writes += 1
        if self.writes == self.fail_at:
            from kg.store import StoreError

            raise StoreError("disk full (test)")
        return super().add_graph(graph_iri, triples)


def test_a_failing_store_write_stops_the_build_with_its_error_and_leaves_whole_documents(tmp_path, nlp, settings):
    """Graphs are written on a writer thread (kg.pipeline._Writer): its error must reach the caller, and what
    was written before must be whole documents (each a graph and its share of the union)."""
    import pytest

    from kg.store import StoreError

    folder = _write(tmp_path / "in")
    (folder / "b.txt").write_text(ARTICLES["b.txt"].replace("EXPLODE. ", ""), encoding="utf-8")
    store = _FailingStore(fail_at=2)
    with pytest.raises(StoreError, match="disk full"):
        Builder(store, settings, nlp=nlp).build([folder])
    graphs = store.graphs()
    assert len(graphs) == store.writes - 1  # every write but the failing one went in, whole
    union = {str(q.triple) for q in store.ox.quads_for_pattern(None, None, None, None)
             if q.graph_name.__class__.__name__ == "DefaultGraph"}
    named = {str(q.triple) for q in store.ox.quads_for_pattern(None, None, None, None)
             if q.graph_name.__class__.__name__ != "DefaultGraph"}
    assert union == named and union


def test_build_reports_the_time_spent_writing(tmp_path, nlp, settings):
    report = Builder(KGStore(tmp_path / "s"), settings, nlp=nlp).build([_write(tmp_path / "in")])
    assert report.built == 3 and 0 < report.write_seconds < report.seconds
    assert 0 <= report.write_wait_seconds <= report.write_seconds + 0.5
