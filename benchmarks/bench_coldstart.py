"""Cold-start benchmark: ``kg build`` of one article in a fresh process, next to raw spaCy load + one document.

Each measurement is a new Python process, timed from its start to its exit (wall clock), so the
figures include the interpreter, the imports and every load, as a user sees them:

* **raw**: ``spacy.load(Settings().spacy_model)`` and that pipeline run on the article's text;
* **ours**: ``kg build ARTICLE --store <fresh folder>`` (ingest, our pipeline, extraction, resolution, a
  new persistent store), with the compiled gazetteer in its cache (what an install leaves: see
  ``kg.nlp.compiled``);
* **ours, in-process split**: a process doing what ``kg build`` does reports how long loading our
  pipeline and building the one article took (the note's ``load`` and ``build``);
* **first ever** (``--first``): ours with an empty cache, i.e. compiling the gazetteer and phrase tables;
* **before** (``--before DIR``): ``kg build`` from another source tree (e.g. an earlier commit unpacked
  with ``git archive``), interleaved with the others so they share the machine's noise.

The runs of the variants are interleaved ``--reps`` times and the median is reported.

    python benchmarks/bench_coldstart.py --reps 5
    git archive 60590d7 | tar -x -C /tmp/before && python benchmarks/bench_coldstart.py --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, Row, report  # noqa: E402

BENCH = "coldstart"
DEFAULT_ARTICLE = ROOT.parent / "shared" / "corpus" / "seeds" / "000_d90cd202b3bd0b15.txt"

RAW = """
import sys, time
t0 = time.perf_counter()
import spacy
from kg.config import Settings
nlp = spacy.load(Settings().spacy_model)
t1 = time.perf_counter()
doc = nlp(open(sys.argv[1], encoding="utf-8").read())
print("SPLIT", t1 - t0, time.perf_counter() - t1)
"""

OURS = """
import sys, time
from pathlib import Path
t0 = time.perf_counter()
from kg.config import Settings
from kg.nlp import load_pipeline
from kg.pipeline import Builder
from kg.store import KGStore
nlp = load_pipeline(Settings())
t1 = time.perf_counter()
store = KGStore(sys.argv[2])
report = Builder(store, Settings(), nlp=nlp).build([Path(sys.argv[1])])
store.flush()
assert report.built == 1, report.summary()
print("SPLIT", t1 - t0, time.perf_counter() - t1)
"""


def _run(code: str | None, args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, list[float]]:
    """Wall seconds of one fresh process, and its SPLIT figures (load, build) when it prints them."""
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "kg.cli", *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(command[:4])}... failed ({done.returncode}): {done.stderr[-800:]}")
    split = next((line.split()[1:] for line in done.stdout.splitlines() if line.startswith("SPLIT")), [])
    return wall, [float(x) for x in split]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=DEFAULT_ARTICLE)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--first", action="store_true", help="also time a build with an empty compiled cache")
    parser.add_argument("--before", type=Path, help="source tree of an earlier version to time the same way")
    parser.add_argument("--results", type=Path)
    args = parser.parse_args(argv)
    article = str(args.article.resolve())
    work = Path(tempfile.mkdtemp(prefix="kg-coldstart-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KG_CACHE_DIR": str(work / "cache")}
    _run(OURS, [article, str(work / "warm-store")], env, ROOT)  # the install-time compile fills the cache
    raw, ours, split, first, before = [], [], [], [], []
    for rep in range(args.reps):
        raw.append(_run(RAW, [article], env, ROOT)[0])
        ours.append(_run(None, ["build", article, "--store", str(work / f"store-{rep}")], env, ROOT)[0])
        split.append(_run(OURS, [article, str(work / f"split-{rep}")], env, ROOT)[1])
        if args.first:
            empty = {**env, "KG_CACHE_DIR": str(work / f"empty-{rep}")}
            first.append(_run(OURS, [article, str(work / f"first-{rep}")], empty, ROOT)[0])
        if args.before:
            old_env = {**env, "PYTHONPATH": str(args.before.resolve())}
            before.append(_run(None, ["build", article, "--store", str(work / f"before-{rep}")], old_env,
                               args.before)[0])
    median = statistics.median
    load, build = median(p[0] for p in split), median(p[1] for p in split)
    rows = [Row(BENCH, "kg build of one article, fresh process (median wall)", median(ours), median(raw), "s",
                f"ours: pipeline load {load:.2f} s + build {build:.2f} s in-process; raw: spacy.load + one "
                f"document; target <= 1.5x; {args.reps} runs")]
    if first:
        rows.append(Row(BENCH, "first ever build (empty compiled cache)", median(first), median(raw), "s",
                        "compiles gazetteer and phrase tables once"))
    if before:
        rows.append(Row(BENCH, f"before ({args.before.name}): kg build of one article", median(before), median(raw),
                        "s", f"now {median(ours):.2f} s"))
    report(rows, args.results)
    print(json.dumps({"raw": raw, "ours": ours, "split": split, "first": first, "before": before}))


if __name__ == "__main__":
    main()
