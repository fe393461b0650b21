"""Readers for the article formats of the contract: plain text, HTML and JSON Lines.

Each reader yields ``(name, text, meta, dropped)`` for every article a file holds (``dropped``: the
metadata values it had to leave out, see :mod:`kg.ingest.metadata`), or a Skipped record for an
article inside the file that cannot be used (a broken JSONL line). A file that cannot be used at
all raises ReadError with a reason a user can act on.

Nothing is read whole before its size is known: files are read up to the document limit and JSONL
feeds a line at a time, each line up to the same limit and the rest of an overlong line skipped in
small chunks, so memory stays flat whatever a feed holds.
"""

from __future__ import annotations

import io
import json
import stat
from collections.abc import Iterator
from pathlib import Path

from kg.ingest.metadata import FIELDS, check_fields, check_id
from kg.records import DocumentMeta, DroppedField, Skipped

SUFFIXES = {".txt", ".text", ".html", ".htm", ".jsonl"}
# Files that sit beside articles in a corpus folder but are not articles.
NOT_ARTICLES = ("readme", "manifest", "license", "licence")
Article = tuple[str, str, DocumentMeta, tuple[DroppedField, ...]]
# Fewer words than this after boilerplate removal means a page of navigation, not an article.
MIN_HTML_WORDS = 10
# An overlong JSONL line is skipped past in reads of this size, never held whole.
SKIP_CHUNK = 1 << 20


class ReadError(Exception):
    """A whole input file cannot be read; the message says why."""


def decode(raw: bytes, control_check: bool = True) -> str:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Binary files are refused rather than decoded into garbage that would pollute the graph. A file
    whose text is more than 5 % control characters counts as binary, unless ``control_check`` is off
    (a small manifest may hold a few in its values, which are checked one by one).
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
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f") if control_check else 0
    if controls > 0.05 * min(len(text), 8192):
        raise ReadError("binary file: too many control characters, not an article")
    return text


def file_kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _check_regular(path: Path) -> int:
    """The file's size; a FIFO or device would block or never end, so it is refused."""
    try:
        info = path.stat()
    except PermissionError:
        raise ReadError("unreadable: permission denied") from None
    except OSError as exc:
        raise ReadError(f"unreadable: {exc.strerror or exc}") from None
    kind = file_kind(info.st_mode)
    if kind is not None:
        raise ReadError(f"not a regular file but {kind}: reading it would block or never end")
    return info.st_size


def _too_large(size: int, max_bytes: int) -> str:
    return f"too large: {size:,} bytes, over the limit of {max_bytes:,} (KG_MAX_DOCUMENT_BYTES)"


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    size = _check_regular(path)
    try:
        if size > max_bytes:
            raise ReadError(_too_large(size, max_bytes))
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)  # a file that grew since stat() is still read only this far
        if len(raw) > max_bytes:
            raise ReadError(_too_large(len(raw), max_bytes) + " (it grew while being read)")
        return raw
    except PermissionError:
        raise ReadError("unreadable: permission denied") from None
    except OSError as exc:
        raise ReadError(f"unreadable: {exc.strerror or exc}") from None


def read_text_file(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    yield path.name, decode(raw), DocumentMeta(source=path.name), ()


def read_html_file(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    from kg.ingest.html import extract_article

    text, meta, dropped = extract_article(decode(raw), source=path.name)
    words = len(text.split())
    if words < MIN_HTML_WORDS:
        raise ReadError(f"no article text found in the HTML page ({words} words outside scripts and navigation)")
    yield path.name, text, meta, dropped


def read_jsonl_file(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    """A JSONL file already in memory (kept for callers that hold the bytes)."""
    for number, line in enumerate(decode(raw).splitlines(), start=1):
        yield from _jsonl_article(path, number, line)


def _bounded_lines(handle, limit: int) -> Iterator[tuple[int, bytes | str | None, int]]:
    """(line number, the line, its length) for each line of ``handle`` (bytes or text), reading at most
    ``limit`` + 1 units of a line at once: a longer line is read past in small chunks and comes out as
    (number, None, its full length), so a 300 MB line costs 1 MB of memory, not 300."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit:
            yield number, line, len(line)
            continue
        length = len(line)
        newline = b"\n" if isinstance(line, bytes) else "\n"
        while not line.endswith(newline):
            line = handle.readline(SKIP_CHUNK)
            if not line:
                break
            length += len(line)
        yield number, None, length


def stream_jsonl_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    """A JSONL feed read line by line: the size limit is per article, so a feed of any length is
    read in constant memory, and one oversized or broken line costs only that article."""
    _check_regular(path)
    with open(path, "rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        utf16 = head in (b"\xff\xfe", b"\xfe\xff")
        # UTF-16 cannot be split on newline bytes: decode as a stream (two bytes a character at least)
        source = io.TextIOWrapper(handle, encoding="utf-16", errors="strict") if utf16 else handle
        limit = max_bytes // 2 if utf16 else max_bytes
        empty, number = True, 0
        lines = _bounded_lines(source, limit)
        while True:
            try:
                number, raw, length = next(lines)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                raise ReadError(f"undecodable: broken UTF-16 after line {number} ({exc.reason})") from None
            name = f"{path.name}:{number}"
            if raw is None:
                empty = False
                yield Skipped(name, _too_large(length * 2 if utf16 else length, max_bytes))
                continue
            if not raw.strip():
                continue
            empty = False
            if isinstance(raw, bytes):
                try:
                    raw = decode(raw)
                except ReadError as exc:
                    yield Skipped(name, str(exc))
                    continue
            yield from _jsonl_article(path, number, raw)
    if empty:
        raise ReadError("empty file")


def count_records(path: Path, chunk: int = SKIP_CHUNK) -> int:
    """Non-blank lines of a JSONL file, read in chunks (for a progress bar: never a whole line at once)."""
    count, pending = 0, False
    blank = b" \t\r\n\x00\x0b\x0c"
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            pieces = block.split(b"\n")
            for piece in pieces[:-1]:
                if pending or piece.strip(blank):
                    count += 1
                pending = False
            pending = pending or bool(pieces[-1].strip(blank))
    return count + pending


def _jsonl_article(path: Path, number: int, line: str) -> Iterator[Article | Skipped]:
    if not line.strip():
        return
    name = f"{path.name}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Skipped(name, f"broken JSON line: {exc.msg} at column {exc.colno}")
        return
    except RecursionError:
        yield Skipped(name, "broken JSON line: nested too deeply")
        return
    dropped: list[DroppedField] = []
    if isinstance(record, dict) and record.get("id") not in (None, ""):
        given, problem = check_id(record["id"])
        if problem:
            dropped.append(DroppedField(name, "id", problem))
        elif given:
            name = f"{path.name}:{given}"
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        yield Skipped(name, "JSON line has no 'text' string")
        return
    if _has_surrogates(record["text"]):
        yield Skipped(name, "undecodable: a JSON \\u escape gives a lone UTF-16 surrogate, not a character")
        return
    kept, problems = check_fields({k: v for k, v in record.items() if k in FIELDS})
    dropped += [DroppedField(name, field, reason) for field, reason in problems]
    meta = DocumentMeta(
        source=kept.get("url") or name,
        url=kept.get("url"),
        title=kept.get("title"),
        publisher=kept.get("publisher"),
        date=kept.get("date"),
    )
    yield name, record["text"], meta, tuple(dropped)


def _has_surrogates(text: str) -> bool:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``): Python keeps it, but no encoder will."""
    try:
        text.encode("utf-8")
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
