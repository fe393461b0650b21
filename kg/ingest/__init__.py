"""Stage 1: read article files into :class:`~kg.records.Document` records.

Reads ``.txt``, ``.html``/``.htm`` and ``.jsonl`` files (and folders of them), attaches manifest
metadata, blanks boilerplate, and identifies each document by the sha256 of its text. Inputs that
cannot be read are yielded as :class:`~kg.records.Skipped` with a reason instead of raising, so one
bad file never stops a build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.config import Settings
from kg.ingest.clean import clean_text
from kg.ingest.manifest import Manifest, load_manifest
from kg.ingest.readers import NOT_ARTICLES, SUFFIXES, ReadError, read_file
from kg.records import Document, DocumentMeta, Skipped

__all__ = ["Manifest", "load_manifest", "read_inputs", "make_document", "clean_text", "folder_manifest", "SUFFIXES"]


def make_document(name: str, text: str, meta: DocumentMeta) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(id=doc_id, name=name, text=text, clean_text=clean_text(text), meta=meta)


def _is_article_file(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.lower().startswith(NOT_ARTICLES)


def folder_manifest(inputs: Iterable[Path]) -> Path | None:
    """The ``manifest.csv``/``manifest.jsonl`` of a corpus folder given alone, used when no
    --manifest is named, so a corpus folder carries its own metadata."""
    inputs = list(inputs)
    if len(inputs) == 1 and inputs[0].is_dir():
        for name in ("manifest.csv", "manifest.jsonl"):
            if (inputs[0] / name).is_file():
                return inputs[0] / name
    return None


def iter_files(inputs: Iterable[Path]) -> Iterator[Path | Skipped]:
    """Expand folders (sorted, so runs are reproducible) into the article files they hold."""
    for path in inputs:
        if path.is_dir():
            try:
                children = sorted(p for p in path.rglob("*") if p.is_file() and _is_article_file(p))
            except OSError as exc:
                yield Skipped(str(path), f"cannot list folder: {exc.strerror or exc}")
                continue
            yield from children
        elif path.exists():
            yield path
        else:
            yield Skipped(str(path), "no such file or folder")


def read_inputs(
    inputs: Iterable[Path], settings: Settings, manifest: Manifest | None = None
) -> Iterator[Document | Skipped]:
    """Stream documents from files and folders; never raises for a bad document."""
    manifest = manifest or Manifest({})
    for item in iter_files(inputs):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            for article in read_file(item, settings.max_document_bytes):
                if isinstance(article, Skipped):
                    yield article
                    continue
                name, text, meta = article
                meta = manifest.apply(item, meta)
                if not text.strip():
                    yield Skipped(name, "empty: no article text")
                    continue
                yield make_document(name, text, meta)
        except ReadError as exc:
            yield Skipped(str(item), str(exc))
