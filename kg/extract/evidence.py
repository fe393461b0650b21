"""Evidence records: the sentence a fact was read from, with offsets into the document text.

Shared by every extractor so all facts cite sentences the same way: the offsets are those of the
spaCy sentence (trimmed of surrounding white space) and the cited text is taken from
``Document.text``, so ``text[start:end] == sentence`` always holds in the graph.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.records import Document, Evidence


def sentence_bounds(doc_text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space from both ends of a character range (of the cleaned text, whose blanked
    boilerplate is white space too)."""
    while start < end and doc_text[start].isspace():
        start += 1
    while end > start and doc_text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_evidence(
    document: Document, where: Span | Token, confidence: float, attributed_to: str | None = None,
    note: str | None = None,
) -> Evidence:
    """Evidence for a fact found at ``where``: the whole sentence containing it."""
    sent = where.sent
    # Trim against the cleaned text, so boilerplate blanked around the sentence is not quoted.
    start, end = sentence_bounds(document.clean_text, sent.start_char, sent.end_char)
    return Evidence(
        start=start,
        end=end,
        sentence=document.text[start:end],
        confidence=round(max(0.0, min(1.0, confidence)), 3),
        attributed_to=attributed_to,
        note=note,
    )
