"""Signal ``kg_groups``: groups and coalitions no list knows yet, to ``doc.spans["kg_groups"]``.

News introduces them in a few ways: 'the Patriotic Movement for Justice (MPJ)' (a name with group
words, ``data/group_name_words.txt``, and its acronym: both spans, one entity), 'the separatist
coalition CSP-DPA' / 'rebels of the CSP-DPA coalition' (an acronym beside a group noun in a sentence
about armed action) and 'Lashkar-e-Jhangvi' (a transliterated name with a group head word).
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_ALPHA, IS_TITLE, IS_UPPER, LENGTH, LOWER, SENT_START
from spacy.tokens import Doc

from kg.nlp import cues
from kg.nlp.gazetteer import norm
from kg.nlp.resources import Resources
from kg.nlp.spans import PRIORITY_PATTERN, Candidate, blocked_tokens, gazetteer_covered, taken_tokens, write

GROUP = "kg_groups"
MAX_NAME_BEFORE_ACRONYM = 8
MIN_CAPITALISED = 2  # capitalised words a name before its acronym needs


class _Found:
    """Candidates of one document; a token is used once."""

    def __init__(self, taken: set[int]):
        self.taken = taken
        self.out: list[Candidate] = []

    def add(self, start: int, end: int, label: str, rule: str, canonical: str | None = None) -> None:
        if end > start and not self.taken.intersection(range(start, end)):
            info = {"source": "pattern", "confidence": 0.65, "discovered": True, "rule": rule}
            if canonical:
                info["canonical"] = canonical
            self.out.append(Candidate(start, end, label, PRIORITY_PATTERN, info))
            self.taken.update(range(start, end))


class GroupSignal:
    def __init__(self, res: Resources):
        self.res = res
        self.gaz = res.gaz
        self._heads = numpy.array(sorted(res.head_hashes), dtype=numpy.uint64)
        self._armed = numpy.array(sorted(res.armed_hashes), dtype=numpy.uint64)
        self._paren = doc_hash("(")

    def __call__(self, doc: Doc) -> Doc:
        write(doc, GROUP, self.candidates(doc))
        return doc

    def candidates(self, doc: Doc) -> list[Candidate]:
        found = _Found(taken_tokens(gazetteer_covered(doc)) | blocked_tokens(doc))
        if not len(doc):
            return []
        # token attributes as arrays, so only the few tokens that can start such a name are visited in
        # Python (a loop over every token, asking each for its sentence, was most of this signal's cost)
        arr = doc.to_array([LOWER, IS_UPPER, IS_ALPHA, LENGTH, SENT_START, IS_TITLE])
        lower, upper, alpha, length, sent_start, title = (arr[:, k] for k in range(6))
        sent_id = numpy.cumsum(sent_start == 1)
        armed_context = set(sent_id[numpy.isin(lower, self._armed)].tolist())
        acronym = (upper == 1) & (alpha == 1) & (length >= 2)
        interesting = numpy.flatnonzero(acronym | (lower == self._paren)
                                        | ((title == 1) & numpy.isin(lower, self._heads)))
        for i in interesting.tolist():
            tok = doc[i]
            if tok.text == "(":
                self._name_and_acronym(doc, i, found)
            elif tok.lower_ in self.gaz.name_words.get("heads", frozenset()) and tok.is_title \
                    and i + 2 < len(doc) and doc[i + 1].text == "-" and not doc[i].whitespace_:
                self._transliterated(doc, i, found)
            elif acronym[i] and sent_id[i] in armed_context:
                self._acronym_by_group_noun(doc, i, found)
        return found.out

    def _name_and_acronym(self, doc: Doc, i: int, found: _Found) -> None:
        """'Name Words (ACR)'."""
        acr_end = cues.acronym_end(doc, i + 1)
        if acr_end is None or acr_end >= len(doc) or doc[acr_end].text != ")":
            return
        links = self.res.words.acronym_group_links
        start = i
        while start > 0 and i - start < MAX_NAME_BEFORE_ACRONYM and (doc[start - 1].is_title or (
                doc[start - 1].lower_ in links and start - 1 > 0 and doc[start - 2].is_title)):
            start -= 1
        while start < i and (not doc[start].is_title or doc[start].lower_ == "the"):
            start += 1
        if start >= i or sum(t.is_title for t in doc[start:i]) < MIN_CAPITALISED:
            return
        label = self._group_kind(doc[start:i])
        if label:
            name = doc[start:i].text
            found.add(start, i, label, "name (ACRONYM)", name)
            found.add(i + 1, acr_end, label, "name (ACRONYM)", name)

    @staticmethod
    def _transliterated(doc: Doc, i: int, found: _Found) -> None:
        """'Lashkar-e-Jhangvi'."""
        end = i + 1
        while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
                and not doc[end].whitespace_:
            end += 2
        if sum(t.is_title for t in doc[i:end]) >= MIN_CAPITALISED:
            found.add(i, end, "ArmedGroup", "transliterated group name")

    def _acronym_by_group_noun(self, doc: Doc, i: int, found: _Found) -> None:
        """'the separatist coalition CSP-DPA', 'the CSP-DPA coalition'."""
        acr_end = cues.acronym_end(doc, i)
        if acr_end is None:
            return
        before = doc[i - 1].lower_ if i > 0 else ""
        after = doc[acr_end].lower_ if acr_end < len(doc) else ""
        nouns = self.res.words.group_nouns
        if before in nouns or after in nouns:
            found.add(i, acr_end, "ArmedGroup", "acronym by a group noun")

    def _group_kind(self, tokens) -> str | None:
        """ArmedGroup / Organization from the words of a name no list knows, or None."""
        found = {t.lower_ for t in tokens}
        kinds = self.gaz.name_words
        if found & kinds.get("armed", frozenset()):
            return "ArmedGroup"
        if found & kinds.get("weak", frozenset()) and not any(norm(t.text) in self.gaz.state_index for t in tokens):
            return "ArmedGroup"
        if found & kinds.get("org", frozenset()):
            return "Organization"
        return None


def doc_hash(text: str) -> int:
    from spacy.strings import hash_string

    return hash_string(text)
