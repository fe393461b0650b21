"""Build memory stays flat: spaCy memory zones free each batch's new strings without changing the graph,
and a persistent store is flushed as the build goes so RocksDB's memtables do not pile up.

The curves themselves (RSS and Python heap up to 10,000 articles) are in benchmarks/README.md, made by
``benchmarks/bench_build.py --curve``; these tests check the mechanisms, fast.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import articles  # noqa: E402
from kg import pipeline  # noqa: E402
from kg.pipeline import Builder  # noqa: E402
from kg.store import KGStore  # noqa: E402

RUN_SPECIFIC = ("/activity/", "wasGeneratedBy", "startedAtTime", "endedAtTime")


def _quads(store: KGStore) -> set[tuple[str, str, str, str]]:
    rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    out = set()
    for r in rows:
        quad = (r["g"].value, str(r["s"]), r["p"].value, str(r["o"]))
        if not any(mark in quad[1] or mark in quad[2] for mark in RUN_SPECIFIC):
            out.add(quad)
    return out


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory, seeds_dir) -> list[Path]:
    """The seed articles and 24 generated ones (other states, groups, officials, phrasings)."""
    path = tmp_path_factory.mktemp("corpus") / "generated.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in articles(24, seed=5)), encoding="utf-8")
    return [seeds_dir, path]


def test_memory_zones_leave_the_graph_unchanged(nlp, settings, mixed_inputs, monkeypatch):
    zoned = KGStore()
    report = Builder(zoned, settings, nlp=nlp).build(mixed_inputs)
    assert report.built == 29 and not report.skipped, report.summary()

    monkeypatch.setattr(pipeline, "_memory_zone", lambda _nlp: contextlib.nullcontext())
    plain = KGStore()
    Builder(plain, settings, nlp=nlp).build(mixed_inputs)

    got, expected = _quads(zoned), _quads(plain)
    assert len(expected) > 5000
    assert got == expected


def test_new_words_do_not_stay_in_the_vocab(nlp, settings, tmp_path, monkeypatch):
    word = "Qwivtrastan"  # a made-up place name: no model or gazetteer knows it
    (tmp_path / "a.txt").write_text(f"Gunmen attacked a checkpoint in {word} on Monday, killing 3 soldiers.\n",
                                    encoding="utf-8")
    assert word not in nlp.vocab.strings
    report = Builder(KGStore(), settings, nlp=nlp).build([tmp_path])
    assert report.built == 1 and report.words > 5
    assert word not in nlp.vocab.strings, "the batch's strings outlived its memory zone"

    # without the zone spaCy keeps the word for the life of the pipeline: the check above can fail
    monkeypatch.setattr(pipeline, "_memory_zone", lambda _nlp: contextlib.nullcontext())
    (tmp_path / "a.txt").write_text(f"Gunmen attacked a checkpoint in {word} on Monday, killing 4 soldiers.\n",
                                    encoding="utf-8")
    Builder(KGStore(), settings, nlp=nlp).build([tmp_path])
    assert word in nlp.vocab.strings


def test_a_persistent_store_is_flushed_during_the_build(nlp, settings, seeds_dir, tmp_path, monkeypatch):
    store = KGStore(tmp_path / "store")
    flushes: list[int] = []
    real_flush = store.flush

    def counting_flush() -> None:
        flushes.append(len(store.graphs()))
        real_flush()

    monkeypatch.setattr(store, "flush", counting_flush)
    monkeypatch.setattr(pipeline, "FLUSH_EVERY_TRIPLES", 100)  # every seed graph is larger than this
    report = Builder(store, settings, nlp=nlp).build([seeds_dir])
    assert report.built == 5
    # once after each document (each crosses the threshold), then once at the end of the build
    assert flushes == [1, 2, 3, 4, 5, 5]


def test_spilled_items_come_back_in_order_from_disk():
    from kg.records import Document, DocumentMeta

    held = pipeline.SpilledItems(max_memory=4096)
    docs = [Document(f"id{i}", f"n{i}", "x" * 1000, "x" * 1000, DocumentMeta(f"s{i}")) for i in range(20)]
    for i, doc in enumerate(docs):
        held.append((doc, None, i))
    assert len(held) == 20
    assert held._file._rolled, "20 kB of items past a 4 kB limit should be on disk"
    assert list(held) == [(doc, None, i) for i, doc in enumerate(docs)]


def test_articles_waiting_for_a_date_anchor_are_held_outside_the_build_loop(nlp, settings, seeds_dir, monkeypatch):
    """The seeds include an undated article whose weekdays are anchored on the others' events: it goes
    through SpilledItems, and the graph still dates its events (test_acceptance_seeds checks the facts)."""
    appended: list[str] = []
    real_append = pipeline.SpilledItems.append

    def spy(self, item) -> None:
        appended.append(item[0].name)
        real_append(self, item)

    monkeypatch.setattr(pipeline.SpilledItems, "append", spy)
    store = KGStore()
    report = Builder(store, settings, nlp=nlp).build([seeds_dir])
    assert report.built == 5 and appended, "no seed article waited for an anchor"
    assert {Path(name).name for name in appended} <= {p.name for p in seeds_dir.iterdir()}


def test_the_memory_curve_tool_reports_each_checkpoint(tmp_path):
    from benchmarks.bench_build import corpus_folder, memory_curve

    folder = corpus_folder(6, tmp_path, seed=3, per_file=4)
    assert sorted(p.name for p in folder.iterdir()) == ["part-00000.jsonl", "part-00001.jsonl"]
    points = memory_curve(folder, every=3)
    assert [p["docs"] for p in points[:2]] == [3, 6] and points[-1]["docs"].startswith("end (6 built")
    assert all(p["rss_mb"] > 50 and p["peak_mb"] >= p["rss_mb"] for p in points)
