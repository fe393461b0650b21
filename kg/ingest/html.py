"""Article text and metadata out of an HTML page, with trafilatura doing the boilerplate removal.

lxml's HTML parser (under trafilatura) does not resolve external entities or load DTDs, so a hostile
page cannot make us read local files or fetch URLs.
"""

from __future__ import annotations

import trafilatura

from kg.ingest.readers import parse_date
from kg.records import DocumentMeta


def extract_article(html: str, source: str) -> tuple[str, DocumentMeta]:
    result = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
    )
    if result is None:
        return "", DocumentMeta(source=source)
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = data.get("text") or ""
    title = data.get("title") or None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    meta = DocumentMeta(
        source=data.get("url") or source,
        url=data.get("url") or None,
        title=title,
        publisher=data.get("sitename") or None,
        date=parse_date(data.get("date")),
    )
    return text, meta
