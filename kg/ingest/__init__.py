"""Stage 1: read article files into :class:`~kg.records.Document` records.

Reads ``.txt``, ``.html``/``.htm`` and ``.jsonl`` files (and folders of them), attaches manifest
metadata, blanks boilerplate, and identifies each document by the sha256 of its text. Inputs that
cannot be read are yielded as :class:`~kg.records.Skipped` with a reason instead of raising, so one
bad file never stops a build.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.config import Settings
from kg.ingest.clean import clean_text, is_boilerplate
from kg.ingest.manifest import Manifest, load_manifest
from kg.ingest.readers import NOT_ARTICLES, SUFFIXES, ReadError, count_records, file_kind, read_file
from kg.records import Document, DocumentMeta, DroppedField, Skipped

__all__ = [
    "Manifest", "load_manifest", "read_inputs", "make_document", "clean_text", "folder_manifest", "SUFFIXES",
    "count_records", "iter_files",
]


# Characters XML 1.0 cannot carry at all (C0 controls but tab/newline, U+FFFE/U+FFFF): left in the text,
# they would reach evidence literals and make every RDF/XML and SPARQL XML answer holding them unreadable.
# Each becomes one space (a newline for vertical tab and form feed), so offsets are unchanged.
_NOT_XML = {c: " " for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF]} | {0x0B: "\n", 0x0C: "\n"}


_SURROGATES = {c: "\ufffd" for c in range(0xD800, 0xE000)}


def _needs_cleaning(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return any(ord(c) < 0x20 or c in "\ufffe\uffff" for c in value)


def graph_text(value: str) -> str:
    """A name for the graph: a file name's undecodable bytes (kept by Python as lone surrogates, which no
    RDF serialiser can write) become U+FFFD and characters XML cannot carry become spaces."""
    return value.translate(_NOT_XML | _SURROGATES) if _needs_cleaning(value) else value


HEADLINE_WORDS = (2, 20)


def headline(text: str) -> str | None:
    """The article's first line when it reads as a headline: a short line with no final punctuation
    ("Pakistan confirms strikes on Iranian soil"). A plain-text article given without a title keeps it
    as its title, so its source page is not named by a file name alone."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    low, high = HEADLINE_WORDS
    if not low <= len(first.split()) <= high or first[-1] in ".!?;,:" or is_boilerplate(first):
        return None
    return first


def make_document(name: str, text: str, meta: DocumentMeta, dropped: tuple[DroppedField, ...] = ()) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_NOT_XML)
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    name, meta = graph_text(name), replace(meta, source=graph_text(meta.source))
    cleaned = clean_text(text)
    if meta.title is None:
        meta = replace(meta, title=headline(cleaned))
    return Document(id=doc_id, name=name, text=text, clean_text=cleaned, meta=meta, dropped=dropped)


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
    """Expand folders (sorted, so runs are reproducible) into the article files they hold.

    A path that cannot be inspected and a sub-folder that cannot be listed are yielded as Skipped
    (``Path.rglob`` would silently leave out an unlistable sub-folder and every article in it).
    """
    for path in inputs:
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as exc:  # e.g. a parent folder that cannot be entered
            yield Skipped(str(path), f"unreadable: {exc.strerror or exc}")
            continue
        if is_dir:
            yield from _folder_files(path)
        elif exists:
            yield path
        else:
            yield Skipped(str(path), "no such file or folder")


def _folder_files(folder: Path) -> Iterator[Path | Skipped]:
    """The regular article files under ``folder``, then every entry that had to be left out, named.

    Pipes, sockets and devices are named whatever they are called (reading one would block or never
    end); a dangling link or a link loop is named when its name says it is an article. Other files
    whose names say they are not articles are passed over in silence, like any picture or stylesheet.
    """
    errors: list[OSError] = []
    found: list[Path] = []
    left_out: list[Skipped] = []
    for root, _dirs, files in os.walk(folder, onerror=errors.append):  # symlinked folders are not followed
        for name in files:
            path = Path(root) / name
            is_article = _is_article_file(path)
            try:
                info = os.stat(path)  # follows a link to what it names
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    if is_article:
                        left_out.append(Skipped(str(path), "a symbolic link loop: it never reaches a file"))
                elif exc.errno == errno.ENOENT and os.path.islink(path):
                    if is_article:
                        left_out.append(Skipped(str(path), f"a dangling symbolic link: {_link_target(path)} "
                                                           "does not exist"))
                else:
                    errors.append(exc)
                continue
            kind = file_kind(info.st_mode)
            if kind is None:
                if is_article:
                    found.append(path)
            elif kind != "a folder":
                left_out.append(Skipped(str(path), f"{kind}, not an article: not read (it would block or never end)"))
    yield from sorted(found)
    yield from sorted(left_out, key=lambda s: s.name)
    for error in errors:
        yield Skipped(str(error.filename or folder), f"cannot list folder: {error.strerror or error}")


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "its target"


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
                name, text, meta, dropped = article
                meta = manifest.apply(item, meta)
                if not text.strip():
                    yield Skipped(name, "empty: no article text")
                    continue
                longest = max(map(len, text.splitlines()), default=0)
                if longest > settings.max_line_chars:
                    yield Skipped(name, f"a single line of {longest:,} characters, over the limit of "
                                        f"{settings.max_line_chars:,} (KG_MAX_LINE_CHARS): not an article")
                    continue
                yield make_document(name, text, meta, dropped)
        except ReadError as exc:
            yield Skipped(str(item), str(exc))
        except Exception as exc:  # a reader bug or a broken library must cost one file, not the build
            yield Skipped(str(item), f"cannot read: {type(exc).__name__}: {exc}")
