"""Signal ``kg_patterns``: group and place patterns (``data/patterns.json``), to ``doc.spans["kg_patterns"]``.

The patterns are spaCy ``Matcher`` patterns kept as data; the code only says what a match of each rule
family yields: GRP_* an ArmedGroup no list knows ("the X militant group", "X rebels") unless its name
is a people, a State or a known place; PLACE_LOC a known place of a State the text speaks of after a
locative word; PLACE_COMPOUND a compound place name ("Kohgiluyeh-o-Boyer-Ahmad"); PLACE_OF and
PLACE_NOUN a place ("the city of X", "X province"), linked when the gazetteer knows it.
Words a gazetteer candidate covers are left to the gazetteer.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp import cues
from kg.nlp.gazetteer import norm
from kg.nlp.resources import Resources
from kg.nlp.spans import (
    PRIORITY_GAZ,
    PRIORITY_PATTERN,
    Candidate,
    blocked_tokens,
    gazetteer_covered,
    state_context,
    taken_tokens,
    write,
)
from kg.nlp.words import words

GROUP = "kg_patterns"
PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "patterns.json"
#: A place after a locative word is taken only for a State the text names at least this much.
MENTIONED = 1.0


@lru_cache(maxsize=2)
def load_patterns(path: str | None = None) -> dict[str, list[list[dict]]]:
    """rule -> Matcher patterns, with macros spliced in and '@list' word lists filled from words.json."""
    table = json.loads(Path(path or PATTERNS_FILE).read_text(encoding="utf-8"))
    w = words()

    def fill(value):
        if isinstance(value, str) and value.startswith("@"):
            return sorted(getattr(w, value[1:]))
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    def expand(pattern: list) -> list[dict]:
        out: list[dict] = []
        for token in pattern:
            if isinstance(token, str):
                out.extend(expand(table["macros"][token[1:]]))
            else:
                out.append(fill(token))
        return out

    return {rule: [expand(entry["pattern"])] for rule, entry in table["rules"].items()}


class PatternSignal:
    def __init__(self, nlp: Language, res: Resources):
        self.res = res
        self.gaz = res.gaz
        self.matcher = Matcher(nlp.vocab)
        for rule, patterns in load_patterns().items():
            self.matcher.add(rule, patterns)

    def __call__(self, doc: Doc) -> Doc:
        write(doc, GROUP, self.candidates(doc))
        return doc

    def candidates(self, doc: Doc) -> list[Candidate]:
        taken = taken_tokens(gazetteer_covered(doc)) | blocked_tokens(doc)
        context = state_context(doc)
        spans = [Span(doc, start, end, label=match_id) for match_id, start, end in self.matcher(doc)]
        out = []
        for span in filter_spans(spans):
            rule = span.label_
            if rule.startswith("GRP"):
                cand = self._group(doc, span, rule, taken)
            elif rule == "PLACE_LOC":
                cand = self._place_after_locative(doc, span, context, taken)
            elif rule == "PLACE_COMPOUND":
                cand = self._compound_place(doc, span, context, taken)
            else:
                cand = self._place(doc, span, rule, context, taken)
            if cand is not None:
                cand.info["rule"] = f"patterns.json {rule}"
                out.append(cand)
        return out

    def _group(self, doc: Doc, span: Span, rule: str, taken: set[int]) -> Candidate | None:
        name = group_name(doc, span, rule)
        if name is None or taken.intersection(range(name[0], name[1])):
            return None
        text = doc[name[0]:name[1]].text
        if norm(text) in self.gaz.state_index or self.gaz.place_candidates(text):
            return None
        if doc[name[0]].ent_type_ in {"NORP", "GPE", "LOC"} or (
                rule == "GRP_PLURAL" and doc[name[0]].ent_type_ == "PERSON"):
            return None  # "Kurdish militants", "the Sunni militant group": a people, not a name
        return Candidate(name[0], name[1], "ArmedGroup", PRIORITY_PATTERN,
                         {"source": "pattern", "confidence": 0.6, "discovered": True})

    def _place_after_locative(self, doc: Doc, span: Span, context, taken: set[int]) -> Candidate | None:
        start, stop = span.start + 1, span.end
        if taken.intersection(range(start, stop)) or norm(doc[start:stop].text) in self.gaz.state_index:
            return None
        place = self.res.linker.link(doc, start, stop, context, fuzzy=False)
        if place is not None and context.get(place.country, 0.0) >= MENTIONED:
            return Candidate(start, stop, "Place", PRIORITY_PATTERN, self.res.linker.place_info(place, "pattern", 0.8))
        return None

    def _compound_place(self, doc: Doc, span: Span, context, taken: set[int]) -> Candidate | None:
        if taken.intersection(range(span.start, span.end)) or any(
                norm(t.text) in self.gaz.state_index for t in (span[0], span[-1])):
            return None
        place = self.res.linker.link(doc, span.start, span.end, context)
        if place is None:
            return None
        info = self.res.linker.place_info(place, "pattern", 0.85)
        return Candidate(span.start, span.end, "Place", PRIORITY_GAZ, info)

    def _place(self, doc: Doc, span: Span, rule: str, context, taken: set[int]) -> Candidate | None:
        if rule == "PLACE_OF":
            start = span.start + 2
            stop = cues.name_after(doc, start)
        else:
            start, stop = span.start, span.end - 1
            while start < stop and not doc[start].is_title:
                start += 1
        if stop <= start or taken.intersection(range(start, stop)) or doc[start].lower_ in words().generic_name_words:
            return None
        if norm(doc[start:stop].text) in self.gaz.state_index:
            return None
        place = self.res.linker.link(doc, start, stop, context)
        return Candidate(start, stop, "Place", PRIORITY_PATTERN, self.res.linker.place_info(place, "pattern", 0.8))


def group_name(doc: Doc, span: Span, rule: str) -> tuple[int, int] | None:
    """The name inside a group pattern's match: the capitalised words without the group words."""
    tokens = list(range(span.start, span.end))
    if rule == "GRP_AFTER":
        idx = tokens[2:]
    elif rule == "GRP_APPOS":
        comma = next(i for i in tokens if doc[i].text == ",")
        idx = [i for i in tokens if i < comma]
    elif rule == "GRP_PLURAL":
        idx = tokens[:-1]
    else:
        idx = tokens[:-2]
    while idx and not doc[idx[0]].is_title:
        idx = idx[1:]
    while idx and not doc[idx[-1]].is_title:
        idx = idx[:-1]
    if not idx or doc[idx[0]].lower_ in words().generic_name_words or (len(idx) == 1 and (
            doc[idx[0]].is_sent_start or doc[idx[0]].pos_ != "PROPN")):
        return None
    return idx[0], idx[-1] + 1
