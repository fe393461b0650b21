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
