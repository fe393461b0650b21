"""Readers for the article formats of the contract: plain text, HTML and JSON Lines.

Each reader yields ``(name, text, meta)`` for every article a file holds, or a Skipped record for an
article inside the file that cannot be used (a broken JSONL line). A file that cannot be used at
all raises ReadError with a reason a user can act on.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from kg.records import DocumentMeta, Skipped

SUFFIXES = {".txt", ".text", ".html", ".htm", ".jsonl"}
# Files that sit beside articles in a corpus folder but are not articles.
NOT_ARTICLES = ("readme", "manifest", "license", "licence")
Article = tuple[str, str, DocumentMeta]
# Fewer words than this after boilerplate removal means a page of navigation, not an article.
MIN_HTML_WORDS = 10


class ReadError(Exception):
    """A whole input file cannot be read; the message says why."""


def decode(raw: bytes) -> str:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Binary files are refused rather than decoded into garbage that would pollute the graph.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"undecodable: broken UTF-16 ({exc.reason})") from None
    if b"\x00" in raw[:8192]:
        raise ReadError("binary file: contains NUL bytes, not an article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ReadError(f"undecodable: neither UTF-8 nor Windows-1252 ({exc.reason})") from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise ReadError("binary file: too many control characters, not an article")
    return text


def parse_date(value: object) -> date | None:
    """An ISO 8601 date (or datetime) from metadata; empty or unparsable means unknown."""
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _check_regular(path: Path) -> int:
    """The file's size; a FIFO or device would block or never end, so it is refused."""
    try:
        info = path.stat()
    except PermissionError:
        raise ReadError("unreadable: permission denied") from None
    except OSError as exc:
        raise ReadError(f"unreadable: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("not a regular file (a pipe, socket or device), not an article")
    return info.st_size


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    size = _check_regular(path)
    try:
        if size > max_bytes:
            raise ReadError(f"too large: {size:,} bytes, over the limit of {max_bytes:,} (KG_MAX_DOCUMENT_BYTES)")
        return path.read_bytes()
    except PermissionError:
        raise ReadError("unreadable: permission denied") from None
    except OSError as exc:
        raise ReadError(f"unreadable: {exc.strerror or exc}") from None


def read_text_file(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    yield path.name, decode(raw), DocumentMeta(source=path.name)


def read_html_file(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    from kg.ingest.html import extract_article

    text, meta = extract_article(decode(raw), source=path.name)
    words = len(text.split())
    if words < MIN_HTML_WORDS:
        raise ReadError(f"no article text found in the HTML page ({words} words outside scripts and navigation)")
    yield path.name, text, meta


def read_jsonl_file(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    """A JSONL file already in memory (UTF-16 files, which cannot be split on newline bytes)."""
    for number, line in enumerate(decode(raw).splitlines(), start=1):
        yield from _jsonl_article(path, number, line)


def stream_jsonl_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    """A JSONL feed read line by line: the size limit is per article, so a feed of any length is
    read in constant memory, and one oversized or broken line costs only that article."""
    _check_regular(path)
    with open(path, "rb") as handle:
        head = handle.read(2)
        if head in (b"\xff\xfe", b"\xfe\xff"):
            yield from read_jsonl_file(path, head + handle.read())
            return
        handle.seek(0)
        empty = True
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            empty = False
            name = f"{path.name}:{number}"
            if len(raw) > max_bytes:
                yield Skipped(name, f"too large: {len(raw):,} bytes, over the limit of {max_bytes:,} "
                                    "(KG_MAX_DOCUMENT_BYTES)")
                continue
            try:
                line = decode(raw)
            except ReadError as exc:
                yield Skipped(name, str(exc))
                continue
            yield from _jsonl_article(path, number, line)
    if empty:
        raise ReadError("empty file")


def _jsonl_article(path: Path, number: int, line: str) -> Iterator[Article | Skipped]:
    if not line.strip():
        return
    name = f"{path.name}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Skipped(name, f"broken JSON line: {exc.msg} at column {exc.colno}")
        return
    if isinstance(record, dict) and record.get("id"):
        name = f"{path.name}:{record['id']}"
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        yield Skipped(name, "JSON line has no 'text' string")
        return
    if _has_surrogates(record):
        yield Skipped(name, "undecodable: a JSON \\u escape gives a lone UTF-16 surrogate, not a character")
        return
    meta = DocumentMeta(
        source=str(record.get("url") or name),
        url=record.get("url") or None,
        title=record.get("title") or None,
        publisher=record.get("publisher") or None,
        date=parse_date(record.get("date")),
    )
    yield name, record["text"], meta


def _has_surrogates(record: dict) -> bool:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``): Python keeps it, but no encoder will."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


READERS = {
    ".txt": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
}


def read_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    if path.suffix.lower() == ".jsonl":
        yield from stream_jsonl_file(path, max_bytes)
        return
    reader = READERS.get(path.suffix.lower(), read_text_file)
    raw = _read_bytes(path, max_bytes)
    if not raw.strip():
        raise ReadError("empty file")
    yield from reader(path, raw)
