"""Sentence starts at line breaks, set before the parser (component ``kg_line_breaks``).

spaCy's parser glues a headline (a line with no final punctuation) onto the article's first sentence,
so the headline's words get roles in the lead's events and the evidence cites both. This component
marks the first word after a blank line, or after a line break that follows a line without final
punctuation, as a sentence start; the parser keeps such preset boundaries. A hard-wrapped paragraph
(the next line goes on in lower case, or the line ends in a comma, hyphen or connecting word) is left
alone, and every other boundary is still the parser's.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.words import words

COMPONENT = "kg_line_breaks"
_W = words()
FINAL = _W.line_final  # a line ending in one of these ends as a sentence does
CONTINUING = _W.line_continuing  # a line ending in one of these goes on on the next line
DASHES = _W.line_dashes
DATELINE_TOKENS = 12  # a dateline is short: "BAMAKO, Mali, Sept 17 (Reuters) -"


@Language.component(COMPONENT)
def line_breaks(doc: Doc) -> Doc:
    """Mark sentence starts after blank lines, after unpunctuated lines (headlines) and after datelines."""
    line_starts = [0] if len(doc) else []
    for i in range(1, len(doc) - 1):
        space = doc[i]
        if not space.is_space or "\n" not in space.text:
            continue
        word = doc[i + 1]
        before = doc[i - 1]
        if word.is_space:
            continue
        line_starts.append(i + 1)
        if before.is_space:
            continue
        blank = space.text.count("\n") >= 2
        headline = before.text[-1:] not in FINAL and before.lower_ not in CONTINUING
        if blank or (headline and not word.text[:1].islower()):
            word.is_sent_start = True
    for start in line_starts:
        _dateline(doc, start)
    return doc


def _dateline(doc: Doc, start: int) -> None:
    """"QUETTA, Pakistan (AP) — Militants ...", "(CNN) — Pakistan struck ...": the story starts after the dash."""
    for i in range(start + 1, min(start + DATELINE_TOKENS, len(doc) - 1)):
        token = doc[i]
        if "\n" in token.text:
            return
        if token.text in DASHES and token.whitespace_ and not doc[i + 1].is_space:
            prefix = doc[start:i]
            agency = any(t.text == "(" for t in prefix) and any(t.text == ")" for t in prefix)
            city = any(t.is_alpha and t.is_upper and len(t) >= 3 for t in prefix)
            if (agency or city) and doc[i + 1].text[:1].isupper():
                doc[i + 1].is_sent_start = True
            return
