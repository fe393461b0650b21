"""The one place that knows the order of the stages.

documents -> (kg.ingest) Document -> (kg.nlp) spaCy Doc -> (kg.extract) DocumentExtraction
-> (kg.resolve) ResolvedDocument -> (kg.rdf) triples of the document's named graph -> (kg.store)

The CLI, tests and benchmarks call :func:`build`; heavy objects (the spaCy pipeline, the store) are
created once by the caller or here, never per document.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import pickle
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.config import Settings
from kg.executors import Executor, Extracted
from kg.ingest import Manifest, read_inputs
from kg.records import Document, DocumentExtraction, DroppedField, Skipped
from kg.store import KGStore

log = logging.getLogger(__name__)

#: A persistent store is flushed after this many triples: Oxigraph's RocksDB keeps each of its ~11 column
#: families' writes in memtables of up to 64 MB x 2 until it flushes them itself, which was ~900 MB of a
#: 1 GB build at 2,000 articles (benchmarks/bench_build.py --curve); flushing every 50k triples keeps the
#: memtables to a few MB at the cost of a few more, smaller SST files.
FLUSH_EVERY_TRIPLES = 50_000


@dataclass
class BuildReport:
    """What a build did, for the one-line summary and for tests."""

    read: int = 0
    built: int = 0
    unchanged: int = 0  # already in the store (same content): nothing to do
    skipped: list[Skipped] = field(default_factory=list)
    dropped: list[DroppedField] = field(default_factory=list)  # metadata values left out (documents built)
    entities: int = 0
    events: int = 0
    triples_before: int = 0
    triples_after: int = 0
    words: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0  # spent writing graphs, on the writer thread (benchmarks/bench_build.py)
    write_wait_seconds: float = 0.0  # of which the build thread waited for the writer

    def summary(self) -> str:
        rate = self.words / self.seconds if self.seconds else 0.0
        dropped = f"; {len(self.dropped)} metadata values dropped" if self.dropped else ""
        return (
            f"{self.read} documents read: {self.built} built, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped{dropped}; {self.entities} entities, {self.events} events; "
            f"{self.triples_after - self.triples_before:+,} triples ({self.triples_after:,} in all); "
            f"{self.seconds:.1f} s ({rate:,.0f} words/s)"
        )


class BuildError(Exception):
    """Raised in strict mode when a document has to be skipped or a metadata value dropped."""


ProgressCallback = Callable[[int, Document | Skipped], None]


def _safe_extract(document: Document, spacy_doc) -> DocumentExtraction | Exception:
    from kg.extract import extract

    try:
        return extract(document, spacy_doc)
    except Exception as exc:  # reported by the caller as a skipped document
        return exc


def _pipe_safely(nlp, documents: Iterable[Document], batch_size: int) -> Iterator[tuple[Document, Any]]:
    """Run spaCy over documents, pairing each with its Doc, or with the exception a component raised.

    spaCy drops a document whose component fails (with a non-raising error handler), so each Doc
    carries its sequence number and a document whose number is passed over gets its error instead.
    """
    failures: dict[int, Exception] = {}

    def on_error(name, _proc, docs, exc) -> None:
        for doc in docs:
            failures[doc.user_data.get("kg_seq", -1)] = RuntimeError(f"NLP component {name!r} failed: {exc}")

    # Language.set_error_handler stops at the first compiled pipe that rejects the attribute, so
    # the handler is set on the language (used for function components) and pipe by pipe.
    nlp.default_error_handler = on_error
    for _name, proc in nlp.pipeline:
        with contextlib.suppress(AttributeError):
            proc.set_error_handler(on_error)
    pending: dict[int, Document] = {}

    def docs():
        for seq, document in enumerate(documents):
            doc = nlp.make_doc(document.clean_text)
            doc.user_data["kg_seq"] = seq
            pending[seq] = document
            yield doc

    def dropped(before: float):
        for seq in sorted(k for k in pending if k < before):
            yield pending.pop(seq), failures.pop(seq, RuntimeError("dropped by the NLP pipeline"))

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        seq = doc.user_data["kg_seq"]
        yield from dropped(seq)
        yield pending.pop(seq), doc
    yield from dropped(float("inf"))


def _extract_all(nlp, documents: Iterable[Document], batch_size: int) -> Iterator[Extracted]:
    """Parse and extract batch by batch, each batch inside one spaCy memory zone.

    spaCy's StringStore and vocab keep every new word of every text for the life of the pipeline
    (names, numbers, typos: tens of MB per 100k real articles). Strings first seen inside
    ``nlp.memory_zone()`` are freed when it closes, so the batch's Docs are turned into plain
    records (:class:`DocumentExtraction`, no spaCy objects) inside the zone and only those leave it.
    """
    it = iter(documents)
    while chunk := list(itertools.islice(it, batch_size)):
        with _memory_zone(nlp):
            done = list(_extract_chunk(nlp, chunk, batch_size))
        yield from done


def _memory_zone(nlp):
    zone = getattr(nlp, "memory_zone", None)  # spaCy >= 3.8
    return zone() if zone is not None else contextlib.nullcontext()


def _extract_chunk(nlp, documents: list[Document], batch_size: int) -> Iterator[Extracted]:
    for document, doc in _pipe_safely(nlp, documents, batch_size):
        if isinstance(doc, Exception):
            yield document, doc, 0
        else:
            yield document, _safe_extract(document, doc), len(doc)


class SpilledItems:
    """Items held until the end of a build (articles waiting for a date anchor), pickled to a temporary file
    once they pass a few MB, so a corpus of undated articles is not held in memory, text and all."""

    def __init__(self, max_memory: int = 8 * 2**20):
        # closed by __iter__ after the last item (or when a stopped build drops this object)
        self._file = tempfile.SpooledTemporaryFile(max_size=max_memory)  # noqa: SIM115
        self._count = 0

    def append(self, item) -> None:
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator:
        """Every item in the order appended, once: the file is closed after the last."""
        with self._file:
            self._file.seek(0)
            for _ in range(self._count):
                yield pickle.load(self._file)


class _Writer:
    """Writes the documents' graphs on a thread of its own, in input order, while the build thread parses,
    extracts and resolves the next ones: Oxigraph releases the GIL while it writes, and on a persistent
    store the write (RocksDB) was ~10-17 % of a one-process build (py-spy, benchmarks/bench_build.py).

    Each graph is still one ``KGStore.add_graph`` transaction, so a killed build leaves only whole
    documents. What follows a write (the report, the progress callback) runs on the build thread, in
    order, once the write is done; a write that fails raises there. At most ``depth`` writes wait, so
    memory stays bounded; documents leave NLP a batch at a time, so ``depth`` is two batches, or the
    build thread would wait on the writer after each burst instead of parsing the next batch. Leaving
    the ``with`` waits for every write, whatever ended the build.
    """

    def __init__(self, store: KGStore, depth: int = 64):
        from concurrent.futures import ThreadPoolExecutor

        self.store = store
        self.depth = depth
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="kg-store-writer")
        self._pending: deque = deque()  # (future, callback taking the future's result)
        self._unflushed = 0
        self.seconds = 0.0  # writing, on the writer thread
        self.waited = 0.0  # waiting for the writer, on the build thread

    def _write(self, graph: str, triples: list) -> bool:
        started = time.perf_counter()
        added = self.store.add_graph(graph, triples)
        if added:
            self._unflushed += len(triples)
            if self._unflushed >= FLUSH_EVERY_TRIPLES:  # bounded memtables: see FLUSH_EVERY_TRIPLES
                self.store.flush()
                self._unflushed = 0
        self.seconds += time.perf_counter() - started
        return added

    def add(self, graph: str, triples: list, then: Callable[[bool], None]) -> None:
        """Write ``graph`` in the background; ``then(added)`` runs here once it is written."""
        self._pending.append((self._pool.submit(self._write, graph, triples), then))
        self._settle(self.depth)

    def settle(self) -> None:
        """Wait for every queued write and run what follows each, in order."""
        self._settle(0)

    def _settle(self, keep: int) -> None:
        while self._pending and (len(self._pending) > keep or self._pending[0][0].done()):
            future, then = self._pending.popleft()
            started = time.perf_counter()
            added = future.result()
            self.waited += time.perf_counter() - started
            then(added)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            if exc_type is None:
                self._settle(0)
        finally:
            self._pool.shutdown(wait=True)  # never leave a write running after the build returns


class Builder:
    """Holds the heavy objects of a build so they are made once and reused for every batch."""

    def __init__(self, store: KGStore, settings: Settings | None = None, nlp=None):
        from kg.nlp import load_pipeline
        from kg.rdf import known_records
        from kg.resolve import Resolver

        self.settings = settings or Settings()
        self.store = store
        self.nlp = nlp if nlp is not None else load_pipeline(self.settings)
        self.resolver = Resolver(self.settings.base, known_records(store, self.settings.base))

    def build(
        self,
        inputs: Iterable[Path | Document],
        manifest: Manifest | None = None,
        strict: bool = False,
        progress: ProgressCallback | None = None,
        jobs: int = 1,
        executor: Executor | None = None,
    ) -> BuildReport:
        """Build ``inputs`` into the store, one atomic graph per document.

        NLP and extraction run where ``executor`` puts them (:mod:`kg.executors`: this process, ``jobs``
        local worker processes, a Ray or Dask cluster) while resolution and writing stay here, in input
        order, so IRIs are the same as in a one-process build. An executor given is the caller's to close.
        """
        from kg.rdf import RunInfo

        inputs = list(inputs)
        report = BuildReport(triples_before=len(self.store))
        for dropped in manifest.warnings if manifest else ():
            self._drop(report, dropped, strict)
        started = time.perf_counter()
        run = RunInfo.now(self.settings.spacy_model, self.nlp.meta.get("version", "?"))
        documents = self._new_documents(inputs, manifest, report, strict, progress)
        own = executor is None
        if executor is None:
            from kg.executors import make_executor

            executor = make_executor("local", self.settings, jobs, nlp=self.nlp)
        try:
            return self._build_extracted(executor.extract(documents), run, report, strict, progress, started)
        finally:
            if own:
                executor.close()

    def _build_extracted(self, extracted: Iterator[Extracted], run, report: BuildReport, strict: bool,
                         progress: ProgressCallback | None, started: float) -> BuildReport:
        """Resolve, write and count the extractions, one document at a time in the order they come."""
        from kg.rdf import document_triples, graph_iri
        from kg.resolve.anchoring import dated_first

        # undated articles' weekdays are anchored on the dated ones' events, so they wait, on disk, till the end
        extracted = dated_first(extracted, held=SpilledItems())

        with _Writer(self.store, depth=2 * self.settings.batch_size) as writer:
            for document, extraction, words in extracted:
                try:
                    if isinstance(extraction, Exception):
                        raise extraction
                    resolved = self.resolver.resolve(extraction)
                    triples = document_triples(resolved, self.settings.base, run)
                except Exception as exc:  # one bad document must not stop the build
                    log.debug("extraction failed for %s", document.name, exc_info=True)
                    writer.settle()  # reports stay in input order; a strict build writes nothing after this one
                    self._skip(report, Skipped(document.name, f"extraction failed: {exc}"), strict, progress)
                    continue
                writer.add(graph_iri(document.id, self.settings.base), triples,
                           functools.partial(self._written, report, progress, document, extraction, words))
        report.write_seconds, report.write_wait_seconds = writer.seconds, writer.waited
        self.store.flush()
        report.triples_after = len(self.store)
        report.seconds = time.perf_counter() - started
        return report

    @staticmethod
    def _written(report: BuildReport, progress: ProgressCallback | None, document: Document,
                 extraction: DocumentExtraction, words: int, added: bool) -> None:
        if added:
            report.built += 1
            report.entities += len(extraction.entities)
            report.events += len(extraction.events)
            report.words += words
        else:
            report.unchanged += 1
        if progress:
            progress(report.read, document)

    def _new_documents(self, inputs, manifest, report, strict, progress) -> Iterator[Document]:
        """Stream the documents not yet in the store; report the ones skipped or unchanged."""
        from kg.rdf import graph_iri

        paths = [i for i in inputs if isinstance(i, Path)]
        given = [i for i in inputs if isinstance(i, Document)]
        for item in itertools.chain(given, read_inputs(paths, self.settings, manifest)):
            report.read += 1
            if isinstance(item, Skipped):
                self._skip(report, item, strict, progress)
                continue
            for dropped in item.dropped:
                self._drop(report, dropped, strict)
            if self.store.has_graph(graph_iri(item.id, self.settings.base)):
                report.unchanged += 1
                if progress:
                    progress(report.read, item)
            elif len(item.clean_text) > self.nlp.max_length:
                limit = f"{len(item.clean_text):,} characters, limit {self.nlp.max_length:,}"
                self._skip(report, Skipped(item.name, f"too long for the NLP model ({limit})"), strict, progress)
            else:
                yield item

    @staticmethod
    def _drop(report: BuildReport, dropped: DroppedField, strict: bool) -> None:
        if strict:
            raise BuildError(str(dropped))
        report.dropped.append(dropped)
        log.info("%s", dropped)

    @staticmethod
    def _skip(report: BuildReport, skipped: Skipped, strict: bool, progress: ProgressCallback | None) -> None:
        if strict:
            raise BuildError(f"{skipped.name}: {skipped.reason}")
        report.skipped.append(skipped)
        log.info("skipped %s: %s", skipped.name, skipped.reason)
        if progress:
            progress(report.read, skipped)


def build(
    inputs: Iterable[Path | Document],
    store: KGStore,
    settings: Settings | None = None,
    manifest: Manifest | None = None,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
) -> BuildReport:
    """Build ``inputs`` into ``store``; a convenience over :class:`Builder` for one batch."""
    return Builder(store, settings).build(inputs, manifest=manifest, strict=strict, progress=progress, jobs=jobs,
                                          executor=executor)
