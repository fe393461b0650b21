"""Store benchmark: bulk load, per-document writes and export of KGStore next to raw pyoxigraph.

Same file, same process, same run: the raw engine loads the N-Quads file with ``Store.bulk_load``
and writes it back with ``Store.dump``; conflict-kg does what users run (``KGStore.load_quads``,
``KGStore.add_graph`` per document as ``kg build`` does, ``KGStore.export``). KGStore also keeps the
set union of the named graphs in the default graph, so it writes every triple twice: a load ratio
near 0.5 is that design, not overhead.

    python benchmarks/bench_store.py --quads 1000000
"""

from __future__ import annotations

import argparse
import gc
import io
import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

from benchmarks.common import DEFAULT_WORK, Row, report, rss_mb, timer  # noqa: E402
from benchmarks.graphs import graph_file  # noqa: E402
from kg.store import KGStore  # noqa: E402

BENCH = "store"


class _Null(io.RawIOBase):
    """A sink that counts bytes: export speed without the disk."""

    def __init__(self):
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.bytes += len(data)
        return len(data)


def _by_graph(path: Path, limit: int) -> list[tuple[str, list[ox.Triple]]]:
    """The first ``limit`` document graphs of the file, as (graph IRI, triples)."""
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name.value
        if name not in graphs:
            if len(graphs) == limit:
                break
            graphs[name] = []
        graphs[name].append(quad.triple)
    return list(graphs.items())


def _disk_rows(path: Path, n: int, size: str, work: Path, rows: list[Row]) -> None:
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        with timer() as t:
            disk = ox.Store(str(Path(tmp) / "raw"))
            disk.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            disk.flush()
        raw_disk = n / t()
        del disk
        with timer() as t:
            mine = KGStore(Path(tmp) / "ours")
            mine.load_quads(path)
            mine.flush()
        rows.append(Row(BENCH, f"load N-Quads on disk ({size})", n / t(), raw_disk, "quads/s"))
        del mine
        gc.collect()


def run(quads: int, work: Path, docs: int = 500, results: Path | None = None, disk: bool = True) -> list[Row]:
    path = graph_file(quads, work)
    with open(path, "rb") as handle:
        n = sum(1 for _ in handle)
    size = f"{n / 1e6:.1f}M quads" if n >= 1e6 else f"{n / 1e3:.0f}k quads"
    rows: list[Row] = []

    # bulk load, in memory and on disk
    with timer() as t:
        raw = ox.Store()
        raw.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    raw_load = n / t()
    before = rss_mb()
    with timer() as t:
        ours = KGStore()
        ours.load_quads(path)
    ours_load = n / t()
    rows.append(Row(BENCH, f"load N-Quads in memory ({size})", ours_load, raw_load, "quads/s",
                    f"ours also writes the union; RSS +{rss_mb() - before:,.0f} MB"))
    merged = len(ours)

    if disk:
        _disk_rows(path, n, size, work, rows)

    # export: N-Quads (named graphs) and Turtle (merged graph), to a byte-counting sink
    sink = _Null()
    with timer() as t:
        raw.dump(sink, ox.RdfFormat.N_QUADS)
    raw_nq = n / t()
    sink = _Null()
    with timer() as t:
        ours.export("nquads", sink)
    rows.append(Row(BENCH, f"export N-Quads ({size})", n / t(), raw_nq, "quads/s", f"{sink.bytes / 1e6:,.0f} MB"))
    sink = _Null()
    with timer() as t:
        ours.ox.dump(sink, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    raw_ttl = merged / t()
    sink = _Null()
    with timer() as t:
        ours.export("turtle", sink)
    rows.append(Row(BENCH, f"export Turtle, merged graph ({merged:,} triples)", merged / t(), raw_ttl,
                    "triples/s", "raw: Store.dump of the default graph without prefixes; ours writes prefixed names"))
    del raw, ours
    gc.collect()

    # the build's write path: one transaction per document
    graphs = _by_graph(path, docs)
    count = sum(len(t) for _, t in graphs)
    raw = ox.Store()
    with timer() as t:
        for name, triples in graphs:
            g = ox.NamedNode(name)
            raw.extend([ox.Quad(x.subject, x.predicate, x.object, g) for x in triples]
                       + [ox.Quad(x.subject, x.predicate, x.object, ox.DefaultGraph()) for x in triples])
    raw_add = len(graphs) / t()
    ours = KGStore()
    with timer() as t:
        for name, triples in graphs:
            ours.add_graph(name, triples)
    rows.append(Row(BENCH, f"add one document graph ({len(graphs)} docs, {count:,} quads)", len(graphs) / t(),
                    raw_add, "docs/s", "raw: Store.extend of the same quads (graph + union)"))
    # and the check-then-write on an already present document (rebuilds are no-ops)
    with timer() as t:
        for name, triples in itertools.islice(graphs, 200):
            ours.add_graph(name, triples)
    rows.append(Row(BENCH, "re-add an unchanged document (no-op)", min(200, len(graphs)) / t(), None, "docs/s"))
    report(rows, results)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--docs", type=int, default=500, help="documents for the per-document write path")
    parser.add_argument("--no-disk", action="store_true", help="skip the on-disk load (slow disks, 10M)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    run(args.quads, args.work, args.docs, args.results, not args.no_disk)


if __name__ == "__main__":
    main()
