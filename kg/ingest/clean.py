"""Blank out boilerplate lines while keeping every character offset of the article valid.

Scraped articles carry navigation, "Read More" links, embedded tweets and comment prompts. Instead
of deleting them (which would shift every offset after them and need an offset map), we replace
their characters with spaces: the text keeps its length, the NLP stage never reads them, and a
sentence found at ``clean[start:end]`` is found at ``text[start:end]`` too.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

# A footer marker counts only in the last part of a page, so an article that quotes "Comments"
# early on is not cut.
TAIL_FRACTION = 0.6


@cache
def _patterns(name: str) -> tuple[re.Pattern[str], ...]:
    raw = resources.files("kg.ingest").joinpath(f"data/{name}").read_text(encoding="utf-8")
    lines = (line.strip() for line in raw.splitlines())
    return tuple(re.compile(line, re.IGNORECASE) for line in lines if line and not line.startswith("#"))


def boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    return _patterns("boilerplate.txt")


def _is_tail_marker(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and any(p.fullmatch(stripped) for p in _patterns("tail_markers.txt"))


_INLINE_JUNK = re.compile(r"\[time-brightcove[^\]]*\]|https?://t\.co/\S+|pic\.twitter\.com/\S+")
# The signature line under an embedded post: "— Name (@handle) January 18, 2024".
_EMBED_SIGNATURE = re.compile(r"\s*[—–-]+\s*.{0,80}\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*")


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and any(p.fullmatch(stripped) for p in boilerplate_patterns())


def _embedded_post_lines(lines: list[str]) -> set[int]:
    """An embedded social-media post: its signature line and the non-empty line above it."""
    found: set[int] = set()
    for number, line in enumerate(lines):
        if _EMBED_SIGNATURE.fullmatch(line.rstrip("\r\n")):
            found.add(number)
            above = number - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            if above >= 0:
                found.add(above)
    return found


def clean_text(text: str) -> str:
    """Return ``text`` with boilerplate lines and inline embeds replaced by spaces (same length)."""
    out: list[str] = []
    offset = 0
    in_footer = False
    lines = text.splitlines(keepends=True)
    embedded = _embedded_post_lines(lines)
    for number, line in enumerate(lines):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        in_footer = in_footer or (offset >= TAIL_FRACTION * len(text) and _is_tail_marker(body))
        offset += len(line)
        if in_footer or number in embedded or is_boilerplate(body):
            out.append(" " * len(body) + ending)
        else:
            out.append(_INLINE_JUNK.sub(lambda m: " " * len(m.group()), body) + ending)
    cleaned = "".join(out)
    assert len(cleaned) == len(text)
    return cleaned
