"""Signal ``kg_officials``: persons named with a title of office, written to ``doc.spans["kg_officials"]``.

Titles come from ``data/titles.tsv`` (with abbreviations such as "FM", "PM"); a title finds its
holder before it ("Foreign Minister X", "Iran's ambassador X", "Pakistan's caretaker foreign minister X"),
after an appositive comma ("its director general, X"; "X, the foreign minister"; "X, spokesman of the
military") or after "of <State>" ("the Prime Minister of Ethiopia Abiy Ahmed"). The office literal is
narrowed by the words before it ("police spokesman" -> "Police Spokesman"; "Ministry of External Affairs
spokesperson") or after it ("Spokesman of the Government"), and the affiliation is the State, group or
body the text ties the title to. A bare rank ("Colonel") is kept only when no office is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.nlp import cues
from kg.nlp.gazetteer import norm
from kg.nlp.resources import Resources
from kg.nlp.spans import PRIORITY_PATTERN, Candidate, blocked_tokens, gazetteer_covered, read, span_ref, taken_tokens
from kg.nlp.spans import write as write_spans

GROUP = "kg_officials"
MAX_QUALIFIERS = 3  # words before or after a title that narrow the office


@dataclass
class Around:
    """What the gazetteer signal found, by end token, for tying titles to their State, group or body."""

    states: dict[int, Candidate]
    named: dict[int, Candidate]  # armed groups and organizations: "Houthi spokesman X"
    bodies: dict[int, Candidate]  # government bodies: "Foreign Ministry spokeswoman X"
    taken: set[int]
    places: dict[int, Candidate]  # places: "the governor of X, NAME", "the ambassador in X, NAME"


@dataclass
class Title:
    start: int
    end: int
    position: str
    affiliation: str | None
    rank: bool
    of_end: int  # the token after "of the X" following the title (== end when there is none)


class OfficialsSignal:
    def __init__(self, res: Resources):
        self.res = res
        self.gaz = res.gaz
        self.w = res.words

    def __call__(self, doc: Doc) -> Doc:
        write_spans(doc, GROUP, self.candidates(doc))
        return doc

    def candidates(self, doc: Doc) -> list[Candidate]:
        around = self._around(doc)
        out: list[Candidate] = []
        by_span: dict[tuple[int, int], Candidate] = {}
        for title in self._titles(doc, around):
            name = self._holder(doc, title, around)
            if name is None:
                continue
            info = {"position": title.position, "source": "pattern", "confidence": 0.85, "rule": "titles.tsv"}
            if title.rank:
                info["rank"] = True  # "Colonel": kept only when the text gives the person no office
            if title.affiliation:
                info["affiliation"] = title.affiliation
            old = by_span.get(name)
            if old is not None:  # "Colonel X, President of the Transition": one span, the office wins
                if old.info.get("rank") and not title.rank:
                    old.info.update(position=title.position, rank=False)
                if title.affiliation:
                    old.info.setdefault("affiliation", title.affiliation)
                continue
            by_span[name] = Candidate(name[0], name[1], "Official", PRIORITY_PATTERN, info)
            out.append(by_span[name])
        return out

    # ------------------------------------------------------------------ the title and its office
    @staticmethod
    def _around(doc: Doc) -> Around:
        states, named, bodies, places = {}, {}, {}, {}
        for cand in read(doc, "kg_gazetteer"):
            if cand.label == "Place":
                places[cand.end] = cand
            if cand.label == "State":
                states[cand.end] = cand
            elif cand.label in ("ArmedGroup", "Organization"):
                named[cand.end] = cand
            elif cand.label == "GovernmentBody":
                bodies[cand.end] = cand
        for ent in doc.ents:  # single-word places are the NER's: "the governor of Cauca, X"
            if ent.label_ in ("GPE", "LOC") and ent.end not in places:
                places[ent.end] = Candidate(ent.start, ent.end, "Place", 1, {})
        return Around(states, named, bodies, taken_tokens(gazetteer_covered(doc)) | blocked_tokens(doc), places)

    def _titles(self, doc: Doc, around: Around):
        spans = filter_spans([doc[s:e] for key, s, e in self.res.lower.find(doc) if key == "T"])  # longest wins
        for i, span in enumerate(spans):
            if _modifies(span, spans[i + 1] if i + 1 < len(spans) else None):
                continue  # "the chief military spokesman": one office, read from the last title
            start, end = span.start, span.end
            position = self.gaz.titles.get(norm(span.text))
            if not position:
                continue
            affiliation = self._affiliation_before(doc, start, around)
            rank = all(t.lower_.rstrip(".") in self.w.rank_words for t in span if t.is_alpha)
            position, affiliation = self._body_office(doc, start, end, position, affiliation, rank, around)
            position, of_end, body_state = self._body_after(doc, end, position, around)
            affiliation = affiliation or body_state
            if of_end == end:
                position, of_end = self._office_of_the(doc, end, position, around.taken)
            if affiliation is None and of_end + 1 < len(doc) and doc[of_end].lower_ == "of":
                affiliation = self._affiliation_of(doc, of_end, around)
            yield Title(start, end, position, affiliation, rank, of_end)

    def _body_office(self, doc: Doc, start: int, end: int, position: str, affiliation: str | None, rank: bool,
                     around: Around) -> tuple[str, str | None]:
        """'Ministry of External Affairs spokesperson X', 'Russian Foreign Ministry spokeswoman X': the body
        names the office and its State is the official's; else the words before the title narrow it."""
        if rank:
            return position, affiliation
        body = around.bodies.get(start)
        if body is not None:
            return f"{office_words(doc[body.start:body.end])} {position}", body.info.get("state") or affiliation
        position = self._qualified_office(doc, start, position, around.taken)
        # a title that names its body ("foreign ministry spokeswoman"): the body's State
        inner = next((b for e, b in around.bodies.items() if start <= b.start and e <= end), None)
        if inner is not None and inner.info.get("state"):
            affiliation = affiliation or inner.info["state"]
        return position, affiliation

    @staticmethod
    def _affiliation_of(doc: Doc, of_end: int, around: Around) -> str | None:
        """'the Ambassador of Ukraine', 'Secretary-General of the United Nations'."""
        after = of_end + 2 if doc[of_end + 1].lower_ == "the" else of_end + 1
        state = cues.first_of(around.states, after)
        if state is not None:
            return state.info["state"]
        named = cues.first_of(around.named, after)
        if named is not None:
            return span_ref(doc, named)
        place = cues.first_of(around.places, after)  # "the governor of X": the State X lies in
        return place.info.get("state") if place is not None else None

    def _office_word(self, tok, taken: set[int]) -> bool:
        """A word that can qualify a title of office ('police', 'military', 'Health'): not part of a known
        entity, not a name, not a word describing the holder ('former', 'new')."""
        return (tok.is_alpha and tok.i not in taken and tok.lower_ not in self.gaz.office_skip
                and tok.pos_ in self.w.office_pos and tok.ent_type_ not in self.w.office_ner_breakers
                and norm(tok.text) not in self.gaz.state_index and tok.lower_.rstrip(".") not in self.w.rank_words)

    def _qualified_office(self, doc: Doc, start: int, position: str, taken: set[int]) -> str:
        """The office with the words before its title that narrow it: 'police spokesman' -> 'Police
        Spokesman', 'Health Minister' -> 'Health Minister' (not 'Minister'), at most three words."""
        i = start
        while i > 0 and start - i < MAX_QUALIFIERS and self._office_word(doc[i - 1], taken) and (
                doc[i - 1].dep_ in {"compound", "amod"} or doc[i - 1].is_lower):
            i -= 1
        if i == start:
            return position
        words = " ".join(t.text if t.is_upper else t.text.capitalize() for t in doc[i:start])
        return f"{words} {position}"

    def _body_after(self, doc: Doc, end: int, position: str, around: Around) -> tuple[str, int, str | None]:
        """'spokesperson for the Russian Foreign Ministry', 'spokesman of Pakistan's Foreign Office': a body
        named after the title gives the office ('Foreign Ministry Spokesperson') and the State. Returns the
        office, the token after the body (``end`` when there is none) and the body's State."""
        if not (end + 1 < len(doc) and doc[end].lower_ in self.w.office_body_links):
            return position, end, None
        k = end + 2 if doc[end + 1].lower_ == "the" else end + 1
        state = cues.first_of(around.states, k)
        if state is not None:
            k = state.end + 1 if state.end < len(doc) and doc[state.end].text in self.w.possessive else state.end
        body = cues.first_of(around.bodies, k)
        if body is None:
            return position, end, None
        if position.lower().startswith("spokes"):
            position = f"{office_words(doc[body.start:body.end])} {position}"
        return position, body.end, body.info.get("state") or (state.info["state"] if state is not None else None)

    def _office_of_the(self, doc: Doc, end: int, position: str, taken: set[int]) -> tuple[str, int]:
        """'Spokesman of the Government' / 'spokesperson for the ministry' -> 'Government Spokesman' /
        'Ministry Spokesperson'; 'President of the Transition' kept as written. Returns the office and the
        token after it (``end`` when there is no such phrase)."""
        if not (end + 2 < len(doc) and doc[end].lower_ in self.w.office_body_links and doc[end + 1].lower_ == "the"):
            return position, end
        j = end + 2
        while j < len(doc) and j - end - 2 < MAX_QUALIFIERS and doc[j].lower_ not in self.w.office_of_breakers \
                and self._office_word(doc[j], taken):
            j += 1
        if j == end + 2 or (j < len(doc) and doc[j].is_alpha and doc[j].lower_ != "of"):
            return position, end
        if doc[end].lower_ != "of" and not position.lower().startswith("spokes"):
            return position, end  # "envoy for the region" names no office
        words = " ".join(t.text if t.is_upper else t.text.capitalize() for t in doc[end + 2:j])
        if position.lower().startswith("spokes"):
            return f"{words} {position}", j
        return f"{position} of the {words}", j

    def _affiliation_before(self, doc: Doc, start: int, around: Around) -> str | None:
        """The State named just before a title ('Iranian Foreign Minister', "Pakistan's ambassador"),
        or the group or organization ('Houthi military spokesman', 'UN Secretary-General')."""
        possessive = self.w.possessive
        i = start
        for _ in range(MAX_QUALIFIERS):  # allow "Pakistan's caretaker foreign minister"
            named = around.named.get(i) or (around.named.get(i - 1) if i >= 1 and doc[i - 1].text in possessive
                                            else None)
            if named is not None:
                return span_ref(doc, named)
            cand = around.states.get(i)
            if cand is None and i >= 1 and doc[i - 1].text in possessive:
                cand = around.states.get(i - 1)
                if cand is None and i >= 2 and doc[i - 2].lower_ in self.w.owner_place_words:
                    return "@" + doc[i - 2].lower_
            if cand is not None:
                return cand.info["state"]
            if i >= 1 and doc[i - 1].is_alpha and doc[i - 1].is_lower and doc[i - 1].pos_ in {"ADJ", "NOUN"}:
                i -= 1
                continue
            break
        return None

    # ------------------------------------------------------------------ the holder's name
    def _holder(self, doc: Doc, title: Title, around: Around) -> tuple[int, int] | None:
        """Token range of the person the title belongs to, or None."""
        start, end, of_end = title.start, title.end, title.of_end
        lead = self._determiner_before(doc, start, around)
        name_start = self._skip_ranks(doc, self._name_start(doc, title, lead, around))
        name_end = cues.name_after(doc, name_start)
        comma = self._appositive_comma(doc, start, lead)
        title_text = doc[start:end].text
        bare = start >= 1 and doc[start - 1].text == "," and (title_text.islower() or of_end > end)
        after_state = self._of_state_end(doc, end, of_end, around.states, around.places)
        follows = {end, of_end + 1} | ({after_state, after_state + 1} if after_state is not None else set())
        if name_end == name_start and name_start in follows and (comma is not None or bare):
            # "X, the foreign minister" / "X, Russia's foreign minister" / "Mr. X, spokesman of the military"
            name_start, name_end = self._name_before(doc, comma if comma is not None else start - 1,
                                                     comma is not None, name_start, name_end)
        if name_end <= name_start or around.taken.intersection(range(name_start, name_end)):
            return None
        if name_end - name_start == 1 and doc[name_start].ent_type_ != "PERSON":
            return None  # "general Assembly", "General Staff": a lone capitalised word is no name
        if norm(doc[name_start:name_end].text) in self.gaz.state_index:
            return None
        return name_start, name_end

    def _appositive_comma(self, doc: Doc, start: int, lead: int) -> int | None:
        """The comma that opens an appositive title: ', the (Chinese) diplomat' or ", Russia's foreign minister"
        / ', UN envoy' (a State or organization in front of the title); None when there is none."""
        if lead >= 2 and doc[lead - 1].lower_ in self.w.determiners and doc[lead - 2].text == ",":
            return lead - 2
        if lead < start and lead >= 1 and doc[lead - 1].text == ",":
            return lead - 1
        return None

    def _name_start(self, doc: Doc, title: Title, lead: int, around: Around) -> int:
        """Where the name after a title starts: right after it ("Foreign Minister X"), after a comma ("the
        deputy governor, X"; "Spokesman of the Government, Colonel X") or after "of <State>"."""
        start, end, of_end = title.start, title.end, title.of_end
        of_state = self._of_state_end(doc, end, of_end, around.states, around.places)
        owned = lead > 0 and (doc[lead - 1].text in self.w.possessive or doc[lead - 1].lower_ in self.w.owner_pronouns)
        owned = owned or any(t.text in self.w.possessive for t in doc[lead:start])
        if end < len(doc) and doc[end].text == "," and owned:
            return end + 1  # "its director general, X" / "the Chinese diplomat, X" / "Pakistan's envoy, X"
        if of_end > end and of_end < len(doc) and doc[of_end].text == "," and not (
                start >= 2 and doc[start - 1].text == "," and doc[start - 2].ent_type_ == "PERSON"):
            return of_end + 1  # "Spokesman of the Government, Colonel Abdoulaye Maiga"
        if of_state is not None:
            # "the Prime Minister of Ethiopia Abiy Ahmed", "the ambassador of Ethiopia, X"
            return of_state + 1 if of_state < len(doc) and doc[of_state].text == "," else of_state
        return end

    def _name_before(self, doc: Doc, ent_end: int, appositive: bool, name_start: int,
                     name_end: int) -> tuple[int, int]:
        """The name before an appositive title: the NER's person (widened to the given names it left out,
        narrowed by ranks it took in), or a sentence-initial name the NER missed."""
        if ent_end > 0 and doc[ent_end - 1].ent_type_ == "PERSON":
            ent_start = ent_end - 1
            while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
                ent_start -= 1
            # "Alexei Smirnov" where the NER took only "Smirnov": given names it left outside
            while ent_start > 0 and ent_end - ent_start < 4 and not doc[ent_start].is_sent_start \
                    and self._given_name(doc[ent_start - 1]):
                ent_start -= 1
            while ent_end - ent_start > 1 and doc[ent_start].lower_.rstrip(".") in self.w.rank_words:
                ent_start += 1  # "Gen Ahmed Sharif": the NER took the rank into the name
            return ent_start, ent_end
        if appositive:
            # "Alexei Smirnov, the acting governor of ...": a name the NER missed, opening the sentence
            return self._sentence_initial_name(doc, ent_end)
        return name_start, name_end

    def _given_name(self, tok) -> bool:
        return (tok.is_title and tok.is_alpha and tok.pos_ == "PROPN" and not tok.ent_type_
                and tok.lower_ not in self.w.generic_name_words and tok.lower_ not in self.w.rank_words
                and tok.lower_ not in self.gaz.titles)

    def _of_state_end(self, doc: Doc, end: int, of_end: int, states: dict[int, Candidate],
                      places: dict[int, Candidate] | None = None) -> int | None:
        """The token after 'of|for|to|in <State or place>' following a title ('Prime Minister of Ethiopia', 'the
        special representative for Afghanistan', 'the ambassador in Quito'), else None."""
        if of_end != end or end + 1 >= len(doc) or doc[end].lower_ not in self.w.title_state_links:
            return None
        after = end + 2 if doc[end + 1].lower_ == "the" else end + 1
        found = cues.first_of(states, after) or cues.first_of(places or {}, after)
        return found.end if found is not None else None

    def _skip_ranks(self, doc: Doc, i: int) -> int:
        """Past ranks and abbreviated titles before a name: 'Brig. Gen.', 'Lieutenant General', 'Rear Adm.'."""
        while i < len(doc):
            tok = doc[i]
            abbreviated = tok.text.endswith(".") and tok.is_title and len(tok) <= 6 and tok.text[:-1].isalpha()
            rank = tok.is_title and (tok.lower_ in self.gaz.titles or tok.lower_ in self.w.rank_words)
            if i + 1 < len(doc) and doc[i + 1].text == "." and tok.is_alpha and tok.is_title and len(tok) <= 5:
                i += 2  # "Brig." "Gen." "Col." "Lt."
            elif abbreviated or rank:
                i += 1
            else:
                return i
        return i

    def _determiner_before(self, doc: Doc, start: int, around: Around) -> int:
        """Start of the words that qualify a title ('the *Chinese* diplomat', 'the *acting* governor',
        "*Russia's* foreign minister", 'the *UN* special envoy'), so the determiner before them can be checked: a
        State (possessive or not) or organization just before the title, lower-case adjectives and describing
        words ('acting', 'former')."""
        i = start
        for _ in range(MAX_QUALIFIERS):
            cand = around.states.get(i) or around.named.get(i)
            if cand is None and i >= 2 and doc[i - 1].text in self.w.possessive:
                cand = around.states.get(i - 1) or around.named.get(i - 1)
            if cand is not None:
                i = cand.start
            elif i >= 1 and doc[i - 1].is_alpha and doc[i - 1].is_lower and doc[i - 1].pos_ not in ("DET", "PRON") \
                    and (doc[i - 1].pos_ == "ADJ" or doc[i - 1].lower_ in self.gaz.office_skip):
                i -= 1
            else:
                break
        return i

    def _sentence_initial_name(self, doc: Doc, end: int) -> tuple[int, int]:
        """Two to four capitalised words ending at token ``end`` that open their sentence, after any ranks
        ('Lt Gen X Y, the director general of ...'): a personal name the NER missed before an appositive
        title. ``(end, end)`` when there is none."""
        def rank(tok) -> bool:
            return tok.lower_.rstrip(".") in self.w.rank_words or tok.lower_ in self.gaz.titles or tok.text == "."

        generic = self.w.generic_name_words
        i = end
        while i > 0 and end - i < 4 and doc[i - 1].is_title and doc[i - 1].is_alpha and not rank(doc[i - 1]) \
                and doc[i - 1].ent_type_ in ("", "PERSON", "ORG") and doc[i - 1].lower_ not in generic:
            i -= 1
        first = i
        while first > 0 and not doc[first].is_sent_start and rank(doc[first - 1]):
            first -= 1
        if end - i >= 2 and (first == 0 or doc[first].is_sent_start):
            return i, end
        return end, end


def _modifies(span, nxt) -> bool:
    """A lower-case title right before another lower-case one, at most one lower-case word apart, is part of
    that office ('chief military spokesman', 'deputy chief negotiator')."""
    if nxt is None or not span.text.islower() or not nxt.text.islower():
        return False
    between = span.doc[span.end:nxt.start]
    return len(between) <= 1 and all(t.is_alpha and t.is_lower for t in between)


def office_words(tokens) -> str:
    """Words of a body as part of an office literal: 'foreign ministry' -> 'Foreign Ministry', connectors kept."""
    keep = cues.words().office_connectors
    return " ".join(t.text if t.is_upper or t.lower_ in keep else t.text[:1].upper() + t.text[1:] for t in tokens)
