"""Signal ``kg_sites``: named sites and features, to ``doc.spans["kg_sites"]``.

Capitalised words before a head word of ``data/site_words.txt`` ('the Kamal Adwan Hospital',
'Scarborough Shoal', 'the Hmeimim air base'). The name must hold a word that is no State or demonym
('an Israeli air base' names no site) and none of another known entity ('a Hezbollah base'). A site is
the most specific place a text gives; the entity collector links it to the town it lies in.
"""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.nlp.gazetteer import norm
from kg.nlp.resources import Resources
from kg.nlp.spans import PRIORITY_GAZ, Candidate, blocked_tokens, gazetteer_covered, write

GROUP = "kg_sites"
MAX_NAME = 4  # capitalised words before the head


class SiteSignal:
    def __init__(self, res: Resources):
        self.res = res
        self.gaz = res.gaz

    def __call__(self, doc: Doc) -> Doc:
        write(doc, GROUP, self.candidates(doc))
        return doc

    def _name_word(self, tok) -> bool:
        return (tok.is_title and tok.is_alpha and tok.pos_ in self.res.words.site_pos and not tok.is_stop
                and tok.lower_ not in self.res.words.generic_name_words and tok.lower_ not in self.gaz.titles)

    def candidates(self, doc: Doc) -> list[Candidate]:
        owner = {i: c for c in gazetteer_covered(doc) for i in range(c.start, c.end)}
        blocked = blocked_tokens(doc)
        out = []
        heads = filter_spans([doc[s:e] for key, s, e in self.res.lower.find(doc) if key == "SITE"])
        for head in heads:
            if not (head[-1].is_title or head[-1].is_lower) or head[0].i in owner or head[0].i in blocked:
                continue
            start = self._name_start(doc, head, owner)
            if start is not None:
                out.append(Candidate(start, head.end, "Place", PRIORITY_GAZ,
                                     {"canonical": doc[start:head.end].text, "kind": "site", "source": "pattern",
                                      "confidence": 0.75, "rule": "site_words.txt"}))
        return out

    def _name_start(self, doc: Doc, head, owner: dict[int, Candidate]) -> int | None:
        """Where the site's name before its head word starts, or None when there is no site name."""
        i = head.start
        while i > 0 and head.start - i < MAX_NAME and self._name_word(doc[i - 1]):
            i -= 1
        if i == head.start or (head[0].is_title and i == head.start - 1 and doc[i].is_sent_start):
            return None  # no name, or one capitalised word opening a sentence before a capitalised head
        if head[0].is_lower and (any(not t.is_title for t in doc[i:head.start])
                                 or norm(doc[i:head.start].text) in self.gaz.place_index):
            return None  # "Japan's Hokkaido island" is Hokkaido
        names = [t for t in doc[i:head.start] if not (t.i in owner and owner[t.i].label == "State")]
        if not names or any(t.i in owner for t in names):
            return None
        return i
