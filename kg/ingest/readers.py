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


# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))
# Without a mark, UTF-32 has a zero byte in one slot of every four (the top byte of a code point) and,
# for text in the Basic Multilingual Plane, in the next one too; UTF-16 text in a Latin script has one
# in most pairs: (codec, width, the slot of the zeros, the slot of the zeros of most units or None).
_WIDE = (("utf-32-le", 4, 3, 2), ("utf-32-be", 4, 0, 1), ("utf-16-le", 2, 1, None), ("utf-16-be", 2, 0, None))


def wide_encoding(head: bytes, size: int) -> str | None:
    """UTF-32 or UTF-16 if ``head`` (the first bytes of a file of ``size`` bytes) is written in it: by its
    byte-order mark, or without one by where its zero bytes sit. None for everything else (UTF-8 and
    single-byte text have no zero bytes at all).

    Spreadsheet and Windows exports write UTF-16 without a mark; read as bytes, such an article was
    refused as binary, and a UTF-32 one was decoded as UTF-16 into text with a NUL between letters and
    built as a document of nothing."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    sample = head[:8192]
    if b"\x00" not in sample:
        return None
    for codec, width, slot, next_slot in _WIDE:
        units = len(sample) // width
        if size % width or units == 0:
            continue
        whole = sample[:units * width]
        in_slot = whole[slot::width].count(0)
        if next_slot is not None:
            if in_slot == units and whole[next_slot::width].count(0) >= 0.9 * units:
                return codec
        elif in_slot >= units / 2 and whole.count(0) - in_slot <= units / 100:
            return codec
    return None


def decode(raw: bytes, control_check: bool = True) -> str:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 or UTF-32 (with a BOM, or told by the
    pattern of their zero bytes: :func:`wide_encoding`), else Windows-1252.

    Binary files are refused rather than decoded into garbage that would pollute the graph. A file
    whose text is more than 5 % control characters counts as binary, unless ``control_check`` is off
    (a small manifest may hold a few in its values, which are checked one by one).
    """
    wide = wide_encoding(raw[:8192], len(raw))
    if wide is not None:
        try:
            text = raw.decode(wide)
        except UnicodeDecodeError as exc:
            raise ReadError(f"undecodable: broken {wide.upper()} ({exc.reason})") from None
        text = text.removeprefix("\ufeff")
    elif b"\x00" in raw[:8192]:
        raise ReadError("binary file: contains NUL bytes, not an article")
    else:
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
    size = _check_regular(path)
    with open(path, "rb") as handle:
        head = handle.read(8192)
        handle.seek(0)
        wide = wide_encoding(head, size)
        # UTF-16 and UTF-32 cannot be split on newline bytes: decode as a stream (2 or 4 bytes a character
        # at least, so a line of ``limit`` characters is at least ``max_bytes`` bytes)
        width = 1 if wide is None else 4 if wide.startswith("utf-32") else 2
        source = io.TextIOWrapper(handle, encoding=wide, errors="strict") if wide else handle
        limit = max_bytes // width
        empty, number = True, 0
        lines = _bounded_lines(source, limit)
        while True:
            try:
                number, raw, length = next(lines)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                raise ReadError(f"undecodable: broken {wide and wide.upper()} after line {number} ({exc.reason})"
                                ) from None
            name = f"{path.name}:{number}"
            if raw is None:
                empty = False
                yield Skipped(name, _too_large(length * width, max_bytes))
                continue
            if number == 1 and isinstance(raw, str):
                raw = raw.removeprefix("\ufeff")  # the BOM of a BOM-less codec name (utf-16-le) is kept
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
