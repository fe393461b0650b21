"""Build benchmark: ``kg build`` throughput in words per second next to raw spaCy ``nlp.pipe`` with
the same model and batch size on the same texts, the speed-up of ``--jobs 2``, and peak memory as
the corpus grows.

* **raw**: ``spacy.load(Settings().spacy_model)``, ``nlp.pipe(texts, batch_size=Settings().batch_size)``
  over the documents' ``clean_text`` (what the pipeline reads), ``n_process=2`` for the parallel row;
* **ours**: ``kg.pipeline.Builder(KGStore(), Settings()).build([corpus.jsonl], jobs=N)``: ingest,
  NLP with the project's own components, extraction, resolution, RDF and store writes.

Both are measured warm (one small warm-up corpus of other articles first), because the one-off
start-up (model, gazetteers) says nothing about throughput; the cold first build is printed too.
Words are spaCy tokens, counted the same way for both. Raw runs before and after ours and the
mean is used, so a change of machine load during the run hits both sides alike.

    python benchmarks/bench_build.py --docs 500

The memory curve builds one corpus into a persistent store in a fresh process and prints, every
``--every`` documents, RSS now and at its peak, the sizes of what could grow (resolver nodes, spaCy
strings) and, with ``--trace``, the Python heap (tracemalloc) with its largest growths by source line:

    python benchmarks/bench_build.py --curve 10000 --every 1000 [--trace]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_WORK, ROOT, Row, report, timer  # noqa: E402
from benchmarks.corpus import write_jsonl  # noqa: E402

BENCH = "build"


def corpus(docs: int, work: Path, seed: int = 7) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"corpus-{docs}-s{seed}.jsonl"
    if not path.exists():
        write_jsonl(docs, path, seed)
    return path


def corpus_folder(docs: int, work: Path, seed: int = 7, per_file: int = 500) -> Path:
    """The same articles as :func:`corpus`, as a folder of JSONL files of ``per_file`` articles: how a large
    corpus is given to ``kg build`` (one JSONL file is read whole and capped by KG_MAX_DOCUMENT_BYTES)."""
    folder = work / f"corpus-{docs}-s{seed}"
    if not folder.is_dir():
        lines = corpus(docs, work, seed).read_text(encoding="utf-8").splitlines(keepends=True)
        tmp = work / f".{folder.name}.tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        for i in range(0, len(lines), per_file):
            (tmp / f"part-{i // per_file:05d}.jsonl").write_text("".join(lines[i:i + per_file]), encoding="utf-8")
        tmp.rename(folder)
    return folder


def _documents(path: Path):
    from kg.config import Settings
    from kg.ingest import read_inputs
    from kg.records import Document

    return [d for d in read_inputs([path], Settings()) if isinstance(d, Document)]


def raw_rate(nlp, texts: list[str], batch_size: int, n_process: int = 1) -> float:
    with timer() as t:
        words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process))
    return words / t()


def ours_rate(path: Path, jobs: int, nlp=None, persistent: bool = False) -> tuple[float, object]:
    """``kg build`` of ``path`` into a new store: in memory, or (``persistent``, what ``kg build`` does by
    default) into a new RocksDB folder, flushed before the clock stops."""
    import tempfile

    from kg.config import Settings
    from kg.pipeline import Builder
    from kg.store import KGStore

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        store = KGStore(Path(tmp) / "store") if persistent else KGStore()
        builder = Builder(store, Settings(), nlp=nlp)
        report_ = builder.build([path], jobs=jobs)
        del builder, store
    return report_.words / report_.seconds, report_


def memory_run(path: Path, jobs: int) -> dict:
    """Peak RSS of a fresh process building ``path`` into a persistent store (what `kg build` does)."""
    code = (
        "import json, resource, sys, tempfile\n"
        "from pathlib import Path\n"
        "from kg.config import Settings\nfrom kg.pipeline import Builder\nfrom kg.store import KGStore\n"
        "with tempfile.TemporaryDirectory() as tmp:\n"
        "    r = Builder(KGStore(Path(tmp) / 's'), Settings()).build([Path(sys.argv[1])], jobs=int(sys.argv[2]))\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "    print(json.dumps({'built': r.built, 'peak_mb': peak, 'child_peak_mb': kids, 'seconds': r.seconds,"
        " 'triples': r.triples_after}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path), str(jobs)], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _status_mb(field_: str) -> float:
    """A field of /proc/self/status (VmRSS: resident now, VmHWM: peak so far) in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field_ + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def memory_child(path: Path, every: int, trace: bool, top: int = 15) -> None:
    """In a fresh process: build ``path`` into a persistent store and print one JSON line per ``every``
    documents (RSS now and peak, Python heap if ``trace``, sizes of what may grow), then the largest
    heap growths by source line between the first and the last checkpoint."""
    import gc
    import tempfile
    import tracemalloc

    from kg.config import Settings
    from kg.pipeline import Builder
    from kg.store import KGStore

    if trace:
        tracemalloc.start(1)
    first: list = []
    started = time.perf_counter()

    def sizes(builder: Builder) -> dict:
        vocab = builder.nlp.vocab
        return {"entities": len(builder.resolver.entities.nodes), "events": len(builder.resolver.events.nodes),
                "strings": len(vocab.strings), "lexemes": len(vocab), "gc_objects": len(gc.get_objects())}

    # Cleanup errors are ignored: the store is still open (RocksDB may be writing its log) when the
    # folder goes, and the measuring process ends right after.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        builder = Builder(KGStore(Path(tmp) / "s"), Settings())
        done = [0]

        def checkpoint(label: str | int) -> None:
            point = {"docs": label, "seconds": round(time.perf_counter() - started, 1),
                     "rss_mb": round(_status_mb("VmRSS"), 1), "peak_mb": round(_status_mb("VmHWM"), 1),
                     **sizes(builder)}
            if trace:
                current, peak = tracemalloc.get_traced_memory()
                point.update(heap_mb=round(current / 2**20, 1), heap_peak_mb=round(peak / 2**20, 1))
                snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
                if not first:
                    first.append(snap)
                else:
                    point["growth"] = [f"{s.size_diff / 2**20:+.2f} MB {s.count_diff:+d} "
                                       f"{s.traceback[0].filename.split('site-packages/')[-1]}:{s.traceback[0].lineno}"
                                       for s in snap.compare_to(first[0], "lineno")[:top]]
                    point["by_file"] = [f"{s.size / 2**20:.2f} MB {s.traceback[0].filename.split('site-packages/')[-1]}"
                                        for s in snap.statistics("filename")[:top]]
            print(json.dumps(point), flush=True)

        def progress(_read, item) -> None:
            done[0] += 1
            if done[0] % every == 0:
                checkpoint(done[0])

        report_ = builder.build([path], progress=progress)
        checkpoint(f"end ({report_.built} built, {report_.triples_after:,} triples)")


def memory_curve(path: Path, every: int, trace: bool = False, echo: bool = False) -> list[dict]:
    """Run :func:`memory_child` in a fresh process (so the peak is this build's alone) and collect its lines
    (printed as they come with ``echo``: a 10,000-article curve takes many minutes)."""
    code = ("import sys; from pathlib import Path; from benchmarks.bench_build import memory_child; "
            "memory_child(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == '1')")
    points = []
    with subprocess.Popen([sys.executable, "-c", code, str(path), str(every), "1" if trace else "0"],
                          stdout=subprocess.PIPE, text=True, cwd=ROOT) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("{"):
                points.append(json.loads(line))
                if echo:
                    print(line, end="", flush=True)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, "memory_child")
    return points


def run(docs: int, work: Path, warmup: int = 80, memory_sizes: tuple[int, ...] = (), results: Path | None = None,
        parallel: bool = True) -> list[Row]:
    import spacy

    from kg.config import Settings

    settings = Settings()
    path, warm = corpus(docs, work), corpus(warmup, work, seed=99)
    documents = _documents(path)
    texts = [d.clean_text for d in documents]
    rows: list[Row] = []

    with timer() as t:
        cold, cold_report = ours_rate(warm, 1)
    print(f"cold start: pipeline load + first {warmup} documents in {t():.1f} s "
          f"({cold_report.summary()})", flush=True)
    nlp = spacy.load(settings.spacy_model)
    raw_rate(nlp, [d.clean_text for d in _documents(warm)], settings.batch_size)  # warm-up

    from kg.nlp import load_pipeline

    ours_nlp = load_pipeline(settings)
    ours_rate(warm, 1, ours_nlp)  # warm the project's pipeline (gazetteers, per-country keys)
    # one process: raw before and after each of ours, so each ratio has a reference measured next to it
    for persistent in (True, False):
        before = raw_rate(nlp, texts, settings.batch_size)
        ours, built = ours_rate(path, 1, ours_nlp, persistent)
        after = raw_rate(nlp, texts, settings.batch_size)
        raw = (before + after) / 2
        where, target = ("persistent store (the default)", "target ratio >= 0.8") if persistent else \
            ("in memory (--out FILE)", "no target")
        rows.append(Row(BENCH, f"kg build, 1 process, {where} ({docs} docs, {built.words:,} words)", ours, raw,
                        "words/s", f"raw nlp.pipe {before:,.0f} / {after:,.0f} before/after; store writes "
                        f"{built.write_seconds:.1f} s on the writer thread, build thread waited "
                        f"{built.write_wait_seconds:.1f} s of it; build {built.seconds:.1f} s; {target}"))
        if persistent:
            ours_disk, raw_disk = ours, raw
    if parallel:
        raw2 = raw_rate(nlp, texts, settings.batch_size, n_process=2)
        ours2, _ = ours_rate(path, 2, ours_nlp, persistent=True)
        rows.append(Row(BENCH, f"kg build --jobs 2, persistent store ({docs} docs)", ours2, raw2, "words/s",
                        f"raw nlp.pipe n_process=2; target ratio >= 0.8; speed-up over 1 process: ours "
                        f"{ours2 / ours_disk:.2f}x, raw {raw2 / raw_disk:.2f}x (both include starting the workers)"))
    for size in memory_sizes:
        # a folder of JSONL files: one file past KG_MAX_DOCUMENT_BYTES (~2,300 articles) would be refused whole
        m = memory_run(corpus_folder(size, work), 1)
        rows.append(Row(BENCH, f"peak memory, kg build of {size} docs into a store", m["peak_mb"], None, "MB",
                        f"{m['triples']:,} triples; {m['built'] / m['seconds']:.1f} docs/s incl. warm-up"))
    report(rows, results)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=80,
                        help="warm-up articles (other texts), enough to meet every state once: place keys are "
                             "computed once per state and process")
    parser.add_argument("--memory", type=int, nargs="*", default=[], help="corpus sizes for the memory rows")
    parser.add_argument("--curve", type=int, metavar="DOCS",
                        help="only the memory curve: build DOCS generated articles into a persistent store in a fresh "
                             "process and print RSS (and with --trace the Python heap) every --every documents")
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--trace", action="store_true", help="tracemalloc: heap size and its growth by source line")
    parser.add_argument("--no-parallel", action="store_true")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    if args.curve:
        memory_curve(corpus_folder(args.curve, args.work), args.every, args.trace, echo=True)
        return
    run(args.docs, args.work, args.warmup, tuple(args.memory), args.results, not args.no_parallel)


if __name__ == "__main__":
    main()
