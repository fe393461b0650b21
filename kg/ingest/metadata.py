"""Metadata values (url, title, publisher, date) checked one by one before they reach a Document.

Manifests, JSONL feeds and HTML pages come from scrapers and spreadsheets: a URL with a broken host,
a date of ``2024-13-45``, a number where a title belongs. Such a value says nothing about the article
text, so it costs only itself: :func:`check_fields` keeps every usable value and names each one it
drops with the reason, and the caller reports it (``--strict`` makes it an error).

What "usable" means is decided by what consumes the value:

* ``url``: an absolute http(s) IRI that Oxigraph itself accepts as an IRI (``pyoxigraph.NamedNode``,
  the constructor the graph is written with), so there is no second opinion on IRI syntax to disagree
  with the store. Other schemes are dropped too: the URL is shown as a link and ``javascript:`` or
  ``file:`` there would be a hazard, not metadata.
* ``title``, ``publisher``: strings, whitespace collapsed (a title is one line), characters XML 1.0
  cannot carry replaced by spaces (as in article text), at most :data:`MAX_TEXT_CHARS` characters,
  and no lone UTF-16 surrogate (JSON can escape one; no encoder will write it).
* ``date``: an ISO 8601 date or date-time between :data:`EARLIEST` and a year from today. A
  publication date anchors weekdays and "yesterday" in the text; year 1 would overflow that date
  arithmetic, and a date decades away is a typo, not news.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

FIELDS = ("url", "title", "publisher", "date")
MAX_TEXT_CHARS = 1_000
MAX_URL_CHARS = 4_096
MAX_ID_CHARS = 200
EARLIEST = date(1800, 1, 1)

# the same one-for-one replacement kg.ingest applies to article text (C0 controls but tab and newline,
# U+FFFE/U+FFFF), here followed by whitespace collapsing, since a title or publisher is one line
_NOT_XML = {c: " " for c in [*range(0x00, 0x20), 0x7F, 0xFFFE, 0xFFFF]}


def _kind(value: object) -> str:
    """A JSON value's type in words, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def check_text(value: object, limit: int = MAX_TEXT_CHARS) -> tuple[str | None, str | None]:
    """(the value to keep, None) or (None, why it is dropped); empty or null means unknown, not bad."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, f"not a string ({_kind(value)})"
    if _has_surrogate(value):
        return None, "holds half a UTF-16 surrogate pair (a broken \\u escape), not text"
    text = " ".join(value.translate(_NOT_XML).split())
    if len(text) > limit:
        return None, f"{len(text):,} characters, over the limit of {limit:,}"
    return text or None, None


def check_url(value: object) -> tuple[str | None, str | None]:
    text, problem = check_text(value, MAX_URL_CHARS)
    if problem or text is None:
        return None, problem
    if " " in text:
        return None, f"{_short(text)} holds spaces: not a URL"
    if not text.lower().startswith(("http://", "https://")):
        return None, f"{_short(text)} is not an http(s) URL"
    import pyoxigraph  # the store's own IRI parser decides (see the module docstring)

    try:
        pyoxigraph.NamedNode(text)
    except ValueError as exc:
        return None, f"{_short(text)} is not a valid IRI ({exc})"
    return text, None


def check_date(value: object, today: date | None = None) -> tuple[date | None, str | None]:
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        return None, f"not a string ({_kind(value)}); give an ISO 8601 date such as 2024-01-31"
    text = value.strip()
    if not text:
        return None, None
    try:
        day = datetime.fromisoformat(text).date()
    except ValueError:
        try:
            day = date.fromisoformat(text[:10])
        except ValueError as exc:
            return None, f"{_short(text)} is not an ISO 8601 date ({exc})"
    latest = (today or date.today()) + timedelta(days=366)
    if day < EARLIEST:
        return None, f"{day.isoformat()} is before {EARLIEST.year}: not a publication date"
    if day > latest:
        return None, f"{day.isoformat()} is more than a year from today: not a publication date"
    return day, None


def check_id(value: object) -> tuple[str | None, str | None]:
    """A JSONL record's ``id``, which names the article in messages and in ``dcterms:identifier``."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text, problem = check_text(value, MAX_ID_CHARS)
    if problem:
        return None, problem + "; the line number names the article instead"
    return text, None


CHECKS = {"url": check_url, "title": check_text, "publisher": check_text, "date": check_date}


def check_fields(raw: Mapping[str, object]) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """The usable values of ``raw`` (only the keys of :data:`FIELDS` that it has) and each
    (field, reason) it dropped."""
    kept: dict[str, object] = {}
    dropped: list[tuple[str, str]] = []
    for name in FIELDS:
        if name not in raw:
            continue
        value, problem = CHECKS[name](raw[name])
        if problem:
            dropped.append((name, problem))
        elif value is not None:
            kept[name] = value
    return kept, dropped
