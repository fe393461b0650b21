"""Build-then-score helpers behind ``kg eval``: score a store, or build a corpus in memory and score it.

The corpora with analyst facts files (seeds, dev set, examples) are listed here so one command can
score them all with one loaded NLP pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.config import EXAMPLES_DIR, REPO_ROOT, Settings


@dataclass(frozen=True)
class Corpus:
    name: str
    articles: Path
    facts: Path


def known_corpora() -> list[Corpus]:
    """The seeds (shared spec), the two development sets and the bundled examples. The held-out
    test set is left out on purpose: tuning must never see its misses (score it on its own)."""
    shared = REPO_ROOT.parent / "shared"
    return [
        Corpus("seeds", shared / "corpus" / "seeds", shared / "spec" / "seed-facts.json"),
        Corpus("devset", REPO_ROOT / "devset", REPO_ROOT / "devset" / "facts.json"),
        Corpus("devset2", REPO_ROOT / "devset2", REPO_ROOT / "devset2" / "facts.json"),
        Corpus("examples", EXAMPLES_DIR, EXAMPLES_DIR / "facts.json"),
    ]


def build_memory_store(inputs: list[Path], manifest: Path | None, settings: Settings | None = None, nlp=None):
    """Build the inputs into a fresh in-memory store; returns (store, build report, the NLP pipeline)."""
    from kg.ingest import load_manifest
    from kg.pipeline import Builder
    from kg.store import KGStore

    store = KGStore()
    builder = Builder(store, settings or Settings(), nlp=nlp)
    report = builder.build(inputs, manifest=load_manifest(manifest))
    return store, report, builder.nlp
