"""Signal ``kg_boilerplate``: text that names nothing, to ``doc.spans["kg_blocked"]``; headlines to ``kg_headlines``.

Runs first among the entity signals; every later signal leaves blocked tokens alone, so a "Most Read"
list, a breadcrumb ("Home | World | Africa"), a share bar, a byline or a photo credit ("REUTERS/Jane
Doe") yields no entity. The rules are data (``data/boilerplate.json``): list headers, after which the
short unpunctuated lines of the list are blocked too; whole-line patterns; inline patterns; the words
a share bar is made of.

Headline lines (no final punctuation, most words capitalised) are written to ``doc.spans["kg_headlines"]``:
there the NER takes capitalised common nouns for names ("Fatal Drone Assault"), and ``kg_ner_repair``
drops its spans made only of the model's own common words (the lemmatizer's word index).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span

from kg.nlp.resources import Resources
from kg.nlp.spans import BLOCKED

RULES_FILE = Path(__file__).resolve().parent / "data" / "boilerplate.json"
HEADLINES = "kg_headlines"
FINAL = frozenset(".!?:;\"”'’)]…")
_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_INSIDE = re.compile(r"[a-z0-9][.!?][\"”’']?\s+[A-Z]")  # "... said. Then" inside a line


@dataclass(frozen=True)
class Rules:
    headers: frozenset[str]
    item_max_words: int
    share_words: frozenset[str]
    line: tuple[re.Pattern, ...]
    inline: tuple[re.Pattern, ...]
    headline_min_words: int
    headline_title_share: float
    headline_min_length: int


@lru_cache(maxsize=2)
def load_rules(path: str | None = None) -> Rules:
    data = json.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    agencies = "|".join(re.escape(a) for a in sorted(data["photo_agencies"], key=len, reverse=True))
    head = data["headline"]
    return Rules(
        frozenset(data["list_headers"]), int(data["list_item_max_words"]), frozenset(data["share_words"]),
        tuple(re.compile(p, re.IGNORECASE) for p in data["line"]),
        tuple(re.compile(p.replace("@agencies", agencies)) for p in data["inline"]),
        int(head["min_words"]), float(head["title_share"]), int(head["min_word_length"]),
    )


def _norm(line: str) -> str:
    return " ".join(_WORD.findall(line.lower()))


class BoilerplateSignal:
    def __init__(self, res: Resources, rules: Rules | None = None):
        self.res = res
        self.rules = rules or load_rules()

    def __call__(self, doc: Doc) -> Doc:
        blocked: list[Span] = []
        headlines: list[Span] = []
        in_list = False
        for start, end in _lines(doc.text):
            line = doc.text[start:end]
            stripped = line.strip()
            if not stripped:
                continue
            whole = self._blocked_line(stripped)
            header = _norm(stripped) in self.rules.headers
            if header or whole or (in_list and self._list_item(stripped)):
                _add(doc, start, end, blocked)
                in_list = header or (in_list and not whole)
                continue
            in_list = False
            for pattern in self.rules.inline:
                for match in pattern.finditer(line):
                    _add(doc, start + match.start(), start + match.end(), blocked)
            if self._headline(stripped):
                _add(doc, start, end, headlines)
        doc.spans[BLOCKED] = blocked
        doc.spans[HEADLINES] = headlines
        return doc

    def _blocked_line(self, line: str) -> bool:
        words = _WORD.findall(line.lower())
        if words and all(w in self.rules.share_words for w in words) and any(w != "the" for w in words):
            return True
        return any(p.fullmatch(line) for p in self.rules.line)

    def _list_item(self, line: str) -> bool:
        """A line of a 'Most Read' list: a short headline, without final punctuation."""
        return (len(_WORD.findall(line)) <= self.rules.item_max_words and line[-1] not in FINAL
                and not _SENTENCE_INSIDE.search(line))

    def _headline(self, line: str) -> bool:
        if line[-1] in FINAL:
            return False
        words = [w for w in _WORD.findall(line) if len(w) >= self.rules.headline_min_length]
        if len(words) < self.rules.headline_min_words:
            return False
        return sum(w[0].isupper() for w in words) >= self.rules.headline_title_share * len(words)


def _lines(text: str):
    start = 0
    for piece in text.splitlines(keepends=True):
        body = piece.rstrip("\r\n")
        yield start, start + len(body)
        start += len(piece)


def _add(doc: Doc, start: int, end: int, into: list[Span]) -> None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None and len(span):
        into.append(span)
