"""Build-then-score helpers behind ``kg eval``: score a store, or build a corpus in memory and score it.

The corpora with analyst facts files are listed here so one command can score them all with one loaded
NLP pipeline: the ones tuned on (``kg eval --all``) and the held-out ones (``kg eval --heldout``, which
prints figures only, so nobody reads a held-out miss and writes a rule for it).
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
    manifest: Path | None = None  # None: the articles folder's own manifest.csv, if any

    @property
    def present(self) -> bool:
        return self.articles.is_dir() and any(self.articles.iterdir()) and self.facts.is_file()


REALNEWS = REPO_ROOT / "realnews"


def _realnews(split: str) -> Corpus:
    """A split of the real-news corpus: facts and manifest are committed, the texts are fetched separately
    into realnews/texts/ (git-ignored) and laid out by ``scripts/realnews.py layout``."""
    return Corpus(f"realnews-{split}", REALNEWS / "texts" / split, REALNEWS / split / "facts.json",
                  REALNEWS / split / "manifest.csv")


def known_corpora() -> list[Corpus]:
    """What tuning may look at: the seeds (shared spec), the two hand-written development sets, the bundled
    examples and the real-news dev split."""
    shared = REPO_ROOT.parent / "shared"
    return [
        Corpus("seeds", shared / "corpus" / "seeds", shared / "spec" / "seed-facts.json"),
        Corpus("devset", REPO_ROOT / "devset", REPO_ROOT / "devset" / "facts.json"),
        Corpus("devset2", REPO_ROOT / "devset2", REPO_ROOT / "devset2" / "facts.json"),
        Corpus("examples", EXAMPLES_DIR, EXAMPLES_DIR / "facts.json"),
        _realnews("dev"),
    ]


def heldout_corpora() -> list[Corpus]:
    """What tuning must never look into: the hand-written test set and the real-news test split."""
    return [Corpus("testset", REPO_ROOT / "testset", REPO_ROOT / "testset" / "facts.json"), _realnews("test")]


def build_memory_store(inputs: list[Path], manifest: Path | None, settings: Settings | None = None, nlp=None):
    """Build the inputs into a fresh in-memory store; returns (store, build report, the NLP pipeline)."""
    from kg.ingest import load_manifest
    from kg.pipeline import Builder
    from kg.store import KGStore

    store = KGStore()
    builder = Builder(store, settings or Settings(), nlp=nlp)
    report = builder.build(inputs, manifest=load_manifest(manifest))
    return store, report, builder.nlp
