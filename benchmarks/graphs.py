"""Cached synthetic graphs and stores for the store and endpoint benchmarks (made once per size)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from benchmarks.common import DEFAULT_WORK
from benchmarks.graphgen import write_graph


def graph_file(quads: int, work: Path = DEFAULT_WORK, seed: int = 7) -> Path:
    """The N-Quads file of the synthetic graph of ``quads`` quads, generated on first use."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"graph-{quads}-s{seed}.nq"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        info = write_graph(quads, tmp, seed)
        tmp.rename(path)
        print(f"generated {info['quads']:,} quads ({info['docs']:,} documents) in {info['seconds']:.0f} s "
              f"-> {path}", flush=True)
    return path


def store_dir(quads: int, work: Path = DEFAULT_WORK, seed: int = 7) -> Path:
    """A persistent KGStore folder holding the synthetic graph (named graphs + union), made on first use.

    Made with Oxigraph's bulk loader directly (the file twice: as quads, then every quad into the
    default graph) so the benchmarks of the endpoint do not wait on ``load_quads``, whose own speed
    is measured in bench_store.py.
    """
    path = work / f"store-{quads}-s{seed}"
    if not (path / ".complete").exists():
        shutil.rmtree(path, ignore_errors=True)
        source = graph_file(quads, work, seed)
        store = ox.Store(str(path))
        store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                          for q in ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS))
        store.flush()
        store.optimize()
        del store
        (path / ".complete").touch()
    return path
