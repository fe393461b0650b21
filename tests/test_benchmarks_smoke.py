"""Smoke test of the benchmark suite: every script runs at a tiny size and prints its table.

Not timed assertions (figures on a shared CI machine mean nothing); it checks that the benchmarks
keep working as the code under them changes, that the generators are reproducible, and that the
synthetic graph has the project's shape.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import articles  # noqa: E402
from benchmarks.graphgen import write_graph  # noqa: E402
from benchmarks.synth import extractions  # noqa: E402


def test_generators_are_seeded(tmp_path):
    assert list(articles(5, seed=3)) == list(articles(5, seed=3))
    assert list(articles(5, seed=3)) != list(articles(5, seed=4))
    first = [(e.document.id, len(e.entities), len(e.facts)) for e in extractions(20, seed=3)]
    assert first == [(e.document.id, len(e.entities), len(e.facts)) for e in extractions(20, seed=3)]
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    write_graph(3000, a, seed=3)
    write_graph(3000, b, seed=3)
    assert sorted(a.read_text().splitlines()) == sorted(b.read_text().splitlines())


def test_synthetic_graph_has_the_project_shape(tmp_path):
    path = tmp_path / "g.nq"
    info = write_graph(5000, path)
    assert info["quads"] >= 5000
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    graphs = list(store.named_graphs())
    assert len(graphs) == info["docs"]
    prefixes = "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> " \
               "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
    # every graph derives from a document; every statement has evidence; events are shared by sources
    assert store.query(prefixes + "ASK { GRAPH ?g { ?g prov:wasDerivedFrom ?doc . ?doc a ckg:SourceDocument } }")
    orphan = store.query(prefixes + "ASK { GRAPH ?g { ?st a rdf:Statement "
                                    "FILTER NOT EXISTS { ?st ckg:evidence ?e } } }")
    assert not orphan
    shared = store.query(prefixes + "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?e WHERE { GRAPH ?g { ?e a ckg:Event } } "
                         "GROUP BY ?e HAVING (COUNT(DISTINCT ?g) > 1) } }")
    assert int(next(iter(shared))["n"].value) > 0


def test_suite_runs_at_tiny_size(tmp_path):
    env = {**os.environ, "KG_BENCH_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--size", "tiny",
                           "--work", str(tmp_path)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "| benchmark | measure | conflict-kg | raw engine | ratio | unit | note |" in out
    for bench in ("| store |", "| merge |", "| endpoint |", "| build |"):
        assert bench in out, f"no {bench} rows in:\n{out[-3000:]}"
    load_rows = [line for line in out.splitlines() if "load run" in line and "kg serve" in line]
    assert load_rows and " 0 errors" in load_rows[-1], load_rows
    assert (tmp_path / "results-tiny.md").read_text().count("\n|") >= 10
