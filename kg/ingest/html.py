"""Article text and metadata out of an HTML page, with trafilatura doing the boilerplate removal.

lxml's HTML parser (under trafilatura) does not resolve external entities or load DTDs, so a hostile
page cannot make us read local files or fetch URLs.
"""

from __future__ import annotations

import trafilatura

from kg.ingest.metadata import check_fields
from kg.records import DocumentMeta, DroppedField


def extract_article(html: str, source: str) -> tuple[str, DocumentMeta, tuple[DroppedField, ...]]:
    """The article text, its metadata, and the metadata values of the page that could not be used."""
    result = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
    )
    if result is None:
        return "", DocumentMeta(source=source), ()
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = data.get("text") or ""
    title = data.get("title") or None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    kept, dropped = check_fields(
        {"url": data.get("url"), "title": title, "publisher": data.get("sitename"), "date": data.get("date")}
    )
    meta = DocumentMeta(
        source=kept.get("url") or source,
        url=kept.get("url"),
        title=kept.get("title"),
        publisher=kept.get("publisher"),
        date=kept.get("date"),
    )
    return text, meta, tuple(DroppedField(source, name, reason) for name, reason in dropped)
