"""Signal ``kg_ner_repair``: the statistical NER's own spans, retyped and linked, to ``doc.spans["kg_ner"]``.

The small English model's labels are mapped to ours and its common errors repaired: a known place it
calls a PERSON or ORG ("KHARTOUM, Sudan", "in Mir Ali"), a name ending in "State"/"Province" ("Borno
State"), "Sepera of Khost" read as one name (two places), vehicles and weapons ("the X Express train",
"KAAN jets"), operation codenames, one-letter names and headline words ("Killing", "Gunfire"). Unknown
ORGs are typed by the words inside them (``ner_body_words``, ``ner_media_words``). These are the
weakest candidates: any list or pattern that covers the same words wins in the arbiter.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.nlp import cues
from kg.nlp.boilerplate import HEADLINES
from kg.nlp.gazetteer import norm
from kg.nlp.places import province_next
from kg.nlp.resources import Resources
from kg.nlp.spans import PRIORITY_GAZ, PRIORITY_NER, Candidate, blocked_tokens, read, state_context, write

GROUP = "kg_ner"
PLACE_LABELS = {"GPE", "LOC", "NORP", "FAC"}
NAME_LABELS = {"PERSON", "ORG"}
MIN_TITLE_LENGTH = 3  # a title word inside an ORG name ('Minister') longer than this makes it a title


class NerSignal:
    def __init__(self, res: Resources, common: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())):
        self.res = res
        self.gaz = res.gaz
        self.w = res.words
        self.common, self.not_nouns = common

    def __call__(self, doc: Doc) -> Doc:
        blocked = blocked_tokens(doc)
        headline = {i for span in doc.spans.get(HEADLINES, ()) for i in range(span.start, span.end)}
        context = state_context(doc)
        out: list[Candidate] = []
        for ent in doc.ents:
            if blocked.intersection(range(ent.start, ent.end)):
                continue
            if ent.start in headline and self._headline_words(ent):
                continue  # "Fatal Drone Assault": capitalised common words of a headline, no name
            split = self._place_of_place(doc, ent, context)
            if split:
                out.extend(split)
                continue
            cand = self.from_ner(doc, ent, context)
            if cand:
                cand.info.setdefault("rule", f"ner {ent.label_}")
                out.append(cand)
        write(doc, GROUP, out)
        return doc

    def _headline_words(self, ent: Span) -> bool:
        """Every word a common English word, and one of them no noun ('fatal', 'deadly', 'kills') unless the
        NER says ORG or the like: a headline's capitalised phrase, not a name ('John Smith' is kept)."""
        words = [t for t in ent if t.is_alpha and t.lower_ not in self.w.determiners]
        if not words or not self.common:
            return False
        if not all(any(f in self.common for f in cues.dictionary_forms(t)) for t in words):
            return False
        forms = cues.dictionary_forms
        return ent.label_ != "PERSON" or any(all(f in self.not_nouns for f in forms(t) if f in self.common)
                                             or cues.inflected_verb(t, self.common) for t in words)

    def from_ner(self, doc: Doc, ent: Span, context: dict[str, float]) -> Candidate | None:
        label = ent.label_
        start, end = ent.start, ent.end
        if start < end and doc[start].lower_ in self.w.determiners:
            start += 1
        if start >= end or self._not_a_name(doc, label, start, end):
            return None
        if label in PLACE_LABELS:
            return self._place(doc, label, start, end, context)
        if label in NAME_LABELS:
            cand = self._place_named_as_person(doc, label, start, end, context)
            if cand is not None:
                return cand
        if label == "PERSON":
            start = self._past_ranks(doc, start, end)  # "Cpl Kevin Henry", "L/Cpl Melville": the rank is no name
            if start >= end or not any(t.is_alpha and t.is_title for t in doc[start:end]):
                return None
            return Candidate(start, end, "Person", PRIORITY_NER, {"source": "ner", "confidence": 0.75})
        if label == "ORG":
            return self._organization(doc, start, end)
        return None

    @staticmethod
    def _listed_inside(doc: Doc, start: int, end: int) -> bool:
        """A body or group of the lists lies inside the span ('Security Forces', 'Revolutionary Guard')."""
        return any(c.label in ("GovernmentBody", "ArmedGroup") and start <= c.start and c.end <= end
                   for c in read(doc, "kg_gazetteer"))

    def _past_ranks(self, doc: Doc, start: int, end: int) -> int:
        ranks = self.w.rank_words
        while start < end - 1:
            tok = doc[start]
            glued = start + 2 < end and doc[start + 1].text == "/" and doc[start + 2].lower_.rstrip(".") in ranks
            if tok.lower_.rstrip(".") in ranks or tok.text in ("/", ".") or glued:
                start += 1
            else:
                break
        return start

    def _not_a_name(self, doc: Doc, label: str, start: int, end: int) -> bool:
        text = doc[start:end].text
        if sum(c.isalnum() for c in text) <= 1:
            return True  # "wrote on X.": one letter names nothing we can tell apart
        if end - start == 1 and doc[start].pos_ != "PROPN" and not doc[start].is_upper:
            return True  # "Killing", "Intelligence": title-case common words in headlines
        if label in {"PERSON", "ORG", "PRODUCT", "FAC"} and self._product(doc, start, end):
            return True  # "the Jaffar Express", "KAAN jets", "the car carrier Galaxy Leader"
        return label == "PERSON" and self._codename(doc, start)

    def _place(self, doc: Doc, label: str, start: int, end: int, context) -> Candidate | None:
        linker = self.res.linker
        place = linker.link(doc, start, end, context, fuzzy=label in {"GPE", "LOC"})
        if place is not None:
            return Candidate(start, end, "Place", PRIORITY_NER, linker.place_info(place, "ner", 0.8))
        single = end - start == 1
        if label in {"GPE", "LOC"} and doc[start].text[0].isupper() and (
                not single or cues.locative(doc, start, end) or province_next(doc, end)):
            return Candidate(start, end, "Place", PRIORITY_NER, {"source": "ner", "confidence": 0.6})
        return None

    def _place_named_as_person(self, doc: Doc, label: str, start: int, end: int, context) -> Candidate | None:
        """A PERSON or ORG span that is a place ('Borno State', 'KHARTOUM, Sudan', 'in Mir Ali'), or an ORG
        that names a group ('the Hafiz Gul Bahadur group')."""
        linker = self.res.linker
        if self._subdivision_name(doc, start, end):
            place = linker.link(doc, start, end, context, fuzzy=False) or linker.link(
                doc, start, end - 1, context, fuzzy=False)
            if place is not None and place.kind == "city":
                place = None  # "Borno State" is not the city of Borno
            return Candidate(start, end, "Place", PRIORITY_NER, linker.place_info(place, "ner", 0.7))
        place = linker.link(doc, start, end, context, fuzzy=False)
        if place is not None and (context.get(place.country, 0.0) >= 1.0 or cues.locative(doc, start, end)):
            return Candidate(start, end, "Place", PRIORITY_NER, linker.place_info(place, "ner", 0.7))
        if self._place_context(doc, start, end):
            return Candidate(start, end, "Place", PRIORITY_NER, {"source": "ner", "confidence": 0.55})
        if label == "ORG" and end < len(doc) and doc[end].lower_ in self.w.group_nouns and start > 0 \
                and doc[start - 1].lower_ in {"the", "of"} and not cues.names_state(self.gaz, doc, start, end):
            return Candidate(start, end, "ArmedGroup", PRIORITY_NER,
                             {"source": "pattern", "confidence": 0.6, "discovered": True})
        return None

    def _organization(self, doc: Doc, start: int, end: int) -> Candidate | None:
        text = doc[start:end].text
        if end - start == 1 or "," in text or any(
                (norm(t.text) in self.gaz.titles and len(t) > MIN_TITLE_LENGTH)
                or t.lower_.rstrip(".") in self.w.rank_words for t in doc[start:end]):
            # an unknown one-word ORG is mostly a headline word, an acronym of a product or a
            # byline ("Defence", "KAAN", "CWS"); "Supreme Leader", "Transition, Head of State"
            # are titles of office, not organizations
            return None
        low = text.lower()
        if end - start >= 3 and doc[start + 1].lower_ == "of" and doc[start].lower_ in self.gaz.name_words.get(
                "org", frozenset()) and not (end < len(doc) and doc[end].text == "("):
            # "the Alliance of Sahel States": a body named after a region keeps its name whole
            return Candidate(start, end, "Organization", PRIORITY_GAZ, {"source": "ner", "confidence": 0.6})
        words = f" {low} "
        if any(f" {w} " in words for w in self.w.ner_armed_unit_words) and not any(
                f" {w} " in words for w in self.w.ner_state_body_words):
            return self._armed_unit(doc, start, end)
        if any(w in low for w in self.w.ner_body_words):
            return Candidate(start, end, "GovernmentBody", PRIORITY_NER, {"source": "ner", "confidence": 0.6})
        if any(w in low for w in self.w.ner_media_words):
            return Candidate(start, end, "MediaOrganization", PRIORITY_NER, {"source": "ner", "confidence": 0.6})
        return Candidate(start, end, "Organization", PRIORITY_NER, {"source": "ner", "confidence": 0.6})

    def _armed_unit(self, doc: Doc, start: int, end: int) -> Candidate | None:
        """'Guyana Defence Force' is a State's (the whole name, over the State's name in it: it is that State's
        body); 'the Nawasi Brigade', 'the White Army' are armed groups."""
        named = [t for t in doc[start:end] if norm(t.text) in self.gaz.state_index]
        if not named:
            return Candidate(start, end, "ArmedGroup", PRIORITY_NER,
                             {"source": "ner", "confidence": 0.55, "discovered": True})
        if self._listed_inside(doc, start, end):
            return None  # "the Nigerian Army": the State and its body as the lists read them
        state = self.gaz.state_index[norm(named[0].text)][0]
        rest = " ".join(t.text for t in doc[start:end] if t not in named and t.lower_ not in ("of", "the"))
        return Candidate(start, end, "GovernmentBody", PRIORITY_GAZ,
                         {"source": "ner", "confidence": 0.6, "state": state, "rule": "ner ORG: State unit",
                          "canonical": f"{rest} of {self.gaz.states[state].name}"})

    def _place_of_place(self, doc: Doc, ent: Span, context) -> list[Candidate] | None:
        """'Sepera of Khost' read as one PERSON or ORG: a place name, 'of', a known place -> two Places."""
        if ent.label_ not in {"PERSON", "ORG", "GPE", "LOC", "FAC"} or len(ent) < 3:
            return None
        of = next((t.i for t in ent if t.lower_ == "of"), None)
        if of is None or of == ent.start or of - ent.start > 2 or of + 1 >= ent.end:
            return None
        head, tail = doc[ent.start:of], doc[of + 1:ent.end]
        if doc[ent.start].lower_ == "the" or any(
                not t.is_title or not t.is_alpha or t.lower_ in self.w.org_hint_words or norm(t.text) in self.gaz.titles
                or norm(t.text) in self.gaz.state_index for t in head):
            return None
        place = self.res.linker.link(doc, tail.start, tail.end, context, fuzzy=False)
        state = self.gaz.state_index.get(norm(tail.text))
        if place is None and (state is None or state[1] != "name"):
            return None
        out = [Candidate(head.start, head.end, "Place", PRIORITY_NER,
                         {"source": "ner", "confidence": 0.6, "rule": "ner X of PLACE"})]
        if place is not None:
            out.append(Candidate(tail.start, tail.end, "Place", PRIORITY_NER,
                                 {**self.res.linker.place_info(place, "ner", 0.8), "rule": "ner X of PLACE"}))
        return out

    def _subdivision_name(self, doc: Doc, start: int, end: int) -> bool:
        """'Borno State', 'Kunar Province', 'Tillaberi Region': a name ending in a capitalised subdivision
        word is a place, whatever the NER says ('Borno State Government' does not end so)."""
        return end - start >= 2 and doc[end - 1].text in self.w.subdivision_titles and all(
            t.is_title and t.is_alpha and t.lower_ not in self.w.org_hint_words for t in doc[start:end - 1])

    def _product(self, doc: Doc, start: int, end: int) -> bool:
        nxt = doc[end].lower_ if end < len(doc) else ""
        prev = doc[start - 1].lower_ if start > 0 else ""
        return nxt in self.w.product_next or prev in self.w.product_prev or doc[end - 1].lower_ in self.w.product_last

    def _codename(self, doc: Doc, start: int) -> bool:
        """A name right after 'codenamed' / 'dubbed' / 'operation' (quoted or not), or quoted after 'called'."""
        i = start - 1
        quoted = i >= 0 and doc[i].is_quote
        if quoted:
            i -= 1
        if i < 0:
            return False
        word = doc[i].lower_
        return word in self.w.codename_words or (quoted and word in self.w.known_as_verbs)

    def _place_context(self, doc: Doc, start: int, end: int) -> bool:
        """Words around a name that make it a place whatever the NER says."""
        nxt = doc[end] if end < len(doc) else None
        if nxt is not None and nxt.text in self.w.possessive:
            return False  # "in Netanyahu's speech"
        if nxt is not None and nxt.lower_ in self.w.place_after and nxt.is_lower:
            return True  # "the Zamzam displacement camp", "the Lachin corridor"
        prev = doc[start - 1] if start > 0 else None
        if prev is not None and prev.lower_ in self.w.locative_prep and prev.is_lower:
            return not (nxt is not None and nxt.lemma_ in self.w.speech_verbs)
        # "the enclave's capital, Stepanakert" / "the town of X"
        if start >= 2 and prev.text == "," and doc[start - 2].lower_ in self.w.place_nouns:
            return True
        return bool(start >= 2 and prev.lower_ == "of" and doc[start - 2].lower_ in self.w.place_nouns
                    and doc[start - 2].is_lower)
