"""What the entity components (signals + arbiter) and entity collection cost on top of raw spaCy, on the same texts.

Prints seconds for: raw spaCy (the model as ``load_pipeline`` loads it, without our components), the
components alone (run over those docs again, their NER spans restored before each run), and
:func:`kg.extract.entities.collect_entities` over the component's output; each as a share of raw spaCy.
CPU seconds of this process (wall time lies on a shared machine), best of ``--repeat`` runs, warm
(the gazetteer is loaded and the matchers built before timing); the first, cold run is printed too.

    python -m kg.nlp.tools.bench_component devset examples /work/shared/corpus/seeds --repeat 3
    python -m kg.nlp.tools.bench_component --synthetic 300   # benchmarks.corpus articles
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _texts(paths: list[str], synthetic: int) -> list:
    from kg.config import Settings
    from kg.ingest import read_inputs
    from kg.records import Document

    documents = []
    if paths:
        documents += [d for d in read_inputs([Path(p) for p in paths], Settings()) if isinstance(d, Document)]
    if synthetic:
        sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
        import tempfile

        from benchmarks.corpus import write_jsonl

        out = Path(tempfile.mkdtemp()) / "corpus.jsonl"
        write_jsonl(synthetic, out, 7)
        documents += [d for d in read_inputs([out], Settings()) if isinstance(d, Document)]
    return documents


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--synthetic", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from kg.extract.entities import collect_entities
    from kg.nlp import load_pipeline
    from kg.nlp.components import PIPELINE

    documents = _texts(args.inputs, args.synthetic)
    nlp = load_pipeline()
    components = [nlp.get_pipe(name) for name in PIPELINE]
    texts = [d.clean_text for d in documents]
    list(nlp.pipe(texts[:5]))  # warm: gazetteer, matchers; a place index per state is built on first use

    raw_best = comp_best = coll_best = float("inf")
    cold = None
    for _ in range(args.repeat):
        with nlp.select_pipes(disable=list(PIPELINE)):
            started = time.process_time()
            docs = list(nlp.pipe(texts, batch_size=32))
            raw_best = min(raw_best, time.process_time() - started)
        ner = [list(doc.ents) for doc in docs]
        started = time.process_time()
        for doc in docs:
            for component in components:
                component(doc)
        comp_best = min(comp_best, time.process_time() - started)
        started = time.process_time()
        for document, doc in zip(documents, docs, strict=True):
            collect_entities(document, doc)
        coll_best = min(coll_best, time.process_time() - started)
        for doc, ents in zip(docs, ner, strict=True):
            doc.ents = ents
        cold = cold or (comp_best, coll_best)
    words = sum(len(d) for d in docs)
    print(f"{len(documents)} documents, {words:,} tokens, best of {args.repeat}")
    print(f"raw spaCy            {raw_best:7.2f} s")
    print(f"entity components    {comp_best:7.2f} s  {comp_best / raw_best:6.1%} of raw")
    print(f"collect_entities     {coll_best:7.2f} s  {coll_best / raw_best:6.1%} of raw")
    print(f"both                 {comp_best + coll_best:7.2f} s  {(comp_best + coll_best) / raw_best:6.1%} of raw")
    print(f"first (cold) run: entity components {cold[0]:.2f} s, collect_entities {cold[1]:.2f} s")


if __name__ == "__main__":
    main()
