"""The arbiter ``kg_entities``: the one component that turns the signals' candidates into ``doc.ents``.

It reads every span group of :data:`kg.nlp.spans.GROUPS` and settles overlaps in one explainable order:

1. **priority** of the candidate's group (gazetteer and sites 3, officials/patterns/discovered groups 2,
   NER 1; a rule may state its own, e.g. a compound place name ranks with the gazetteer), then the
   **longer** span, then the **earlier** one; an overlapping loser is dropped whole;
2. **one type per name** in a document: a name a list or pattern typed keeps that type in the NER's
   other mentions of it; a lone word that is the surname of a person named in full is that person; an
   acronym in parentheses or after "or" takes the type of the name it abbreviates; a lone one-word
   PERSON nobody names in full is dropped (headline words: "Gunfire");
3. **continents and multi-state regions** only block other readings and are no entity;
4. **place nouns**: "the Kharkiv region", "Kismayo city" pick which of the places so named is meant,
   and places coordinated with a province ("Khost and Paktika") are provinces when one exists.

Each entity span's info (``span._.kg``) says which ``signal`` and ``rule`` won. Spans of the NER's
numeric and temporal labels that no entity overlaps are kept as they were.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.nlp.boilerplate import HEADLINES
from kg.nlp.gazetteer import norm
from kg.nlp.resources import Resources
from kg.nlp.spans import GROUPS, PRIORITY_NER, Candidate, accepted, read

KEPT_SPACY_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})


#: Signals whose candidates are names read from capitalisation alone, which a headline's Title Case fools.
CAPITALISATION_SIGNALS = frozenset({"kg_officials", "kg_patterns", "kg_groups", "kg_ner"})


class Arbiter:
    def __init__(self, res: Resources, groups: dict[str, int] | None = None,
                 common: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())):
        self.res = res
        self.gaz = res.gaz
        self.w = res.words
        self.groups = dict(groups or GROUPS)
        self.common = common[0]

    def __call__(self, doc: Doc) -> Doc:
        ner_ents = list(doc.ents)  # doc.ents makes new Span objects on every access: read it once
        cands: list[Candidate] = []
        headline = {i for span in doc.spans.get(HEADLINES, ()) for i in range(span.start, span.end)}
        for group, priority in self.groups.items():
            for cand in read(doc, group):
                cand.info["signal"] = group
                if cand.priority == GROUPS.get(group):
                    cand.priority = priority
                if self._trim(doc, cand) and not (cand.start in headline and self._headline_name(doc, cand)):
                    cands.append(cand)
        chosen = [c for c in self.consistent(doc, accepted(cands)) if not c.info.get("too_broad")]
        for cand in chosen:
            self._with_place_noun(doc, cand)
        self._coordinated_subdivisions(doc, chosen)
        table: dict[tuple[int, int], dict] = {}
        spans = []
        for cand in chosen:
            span = Span(doc, cand.start, cand.end, label=cand.label)
            spans.append(span)
            table[(span.start_char, span.end_char)] = cand.info
        taken = {i for span in spans for i in range(span.start, span.end)}
        for ent in ner_ents:
            if ent.label_ in KEPT_SPACY_LABELS and not taken.intersection(range(ent.start, ent.end)):
                spans.append(ent)
        doc.ents = sorted(spans, key=lambda s: s.start)
        doc._.kg_info = table
        return doc

    def _trim(self, doc: Doc, cand: Candidate) -> bool:
        """Possessives, quotes, bullets and stray punctuation at a span's edges are no part of the name
        ("Kim Jong-un's", "• Oops", "“Islamic Resistance"); False when nothing is left."""
        def edge(tok) -> bool:
            return tok.text in self.w.possessive or tok.is_space or not any(c.isalnum() for c in tok.text)

        opened = next((t.i for t in doc[cand.start:cand.end] if t.text == "("), None)
        if opened is not None and not any(t.text == ")" for t in doc[opened:cand.end]):
            cand.end = opened  # "Office of Foreign Assets Control (OFAC": the acronym is its own mention
        while cand.start < cand.end and edge(doc[cand.start]):
            cand.start += 1
        while cand.end > cand.start and edge(doc[cand.end - 1]):
            cand.end -= 1
        return cand.end > cand.start

    def _headline_name(self, doc: Doc, cand: Candidate) -> bool:
        """A person or official 'named' in a Title Case headline by words such as "To" or "Among" ("PM To
        Leave", "Among Dozens Killed"): capitalised function words are no part of a personal name."""
        if cand.info.get("signal") not in CAPITALISATION_SIGNALS or cand.label not in ("Person", "Official"):
            return False
        return any(t.is_stop and t.is_title and t.lower_ not in self.w.name_particles for t in doc[cand.start:cand.end])

    # ------------------------------------------------------------------ one type per name
    def consistent(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        best, surnames = self._strongest_by_name(doc, chosen)
        self._link_acronyms(doc, chosen, best)
        out = []
        for cand in chosen:
            text = doc[cand.start:cand.end]
            if cand.priority == PRIORITY_NER and not cand.info.get("canonical"):
                cand = self._retyped(cand, text, best, surnames)
                if cand.label == "Person" and len(text) == 1 and text[0].lower_ not in surnames:
                    continue
            out.append(cand)
        return out

    @staticmethod
    def _strongest_by_name(doc: Doc, chosen: list[Candidate]) -> tuple[dict[str, Candidate], set[str]]:
        """The most trusted candidate for each name, and the surnames of persons named in full."""
        best: dict[str, Candidate] = {}
        surnames: set[str] = set()

        def rank(c: Candidate) -> tuple:
            return c.priority, bool(c.info.get("canonical")), c.label != "Person"

        for cand in chosen:
            key = norm(doc[cand.start:cand.end].text)
            if cand.info.get("how") == "capital":
                continue  # 'Tehran said' (the government) and 'in Tehran' (the city) are both right
            old = best.get(key)
            if old is None or rank(cand) > rank(old):
                best[key] = cand
            if cand.label in ("Person", "Official") and cand.end - cand.start > 1:
                surnames.update(t.lower_ for t in doc[cand.start + 1:cand.end] if t.is_alpha and t.is_title)
        return best, surnames

    @staticmethod
    def _retyped(cand: Candidate, text: Span, best: dict[str, Candidate], surnames: set[str]) -> Candidate:
        if len(text) == 1 and text[0].lower_ in surnames and cand.label != "Person":
            return Candidate(cand.start, cand.end, "Person", cand.priority,
                             {"source": "ner", "confidence": 0.7, "signal": cand.info.get("signal"),
                              "rule": "surname of a person named in full"})
        strong = best.get(norm(text.text))
        if strong is not None and strong is not cand and strong.label != cand.label:
            return Candidate(cand.start, cand.end, strong.label, cand.priority,
                             {**strong.info, "rule": "one type per name"})
        return cand

    @staticmethod
    def _link_acronyms(doc: Doc, chosen: list[Candidate], best: dict[str, Candidate]) -> None:
        """'the National Liberation Army, or ELN' / 'Turkish Aerospace Industries (TUSAS)': both names
        are one entity, typed and linked by whichever of the two the gazetteer knows."""
        by_start = {c.start: c for c in chosen}
        for cand in chosen:
            i = cand.end
            if i + 1 < len(doc) and doc[i].text == "(":
                other = by_start.get(i + 1)
            elif i + 2 < len(doc) and doc[i].text == "," and doc[i + 1].lower_ == "or":
                other = by_start.get(i + 2)
            else:
                continue
            if other is None:
                continue
            strong, weak = (cand, other) if cand.priority >= other.priority else (other, cand)
            if strong.priority > weak.priority and weak.label != strong.label:
                best[norm(doc[weak.start:weak.end].text)] = strong
            if strong.priority > weak.priority and weak.priority == PRIORITY_NER:
                weak.label, weak.info = strong.label, dict(strong.info)

    # ------------------------------------------------------------------ place nouns
    def _coordinated_subdivisions(self, doc: Doc, chosen: list[Candidate]) -> None:
        """'strikes on Khost and Paktika', 'the provinces of X and Y': a place coordinated with a province is
        a province too when one of that name exists in the same State (not the city named like it)."""
        places = sorted((c for c in chosen if c.label == "Place"), key=lambda c: c.start)
        for a, b in zip(places, places[1:], strict=False):
            between = {t.lower_ for t in doc[a.end:b.start]}
            if not between or not between <= self.w.coordinators or b.start - a.end > 2:
                continue
            for city, sub in ((a, b), (b, a)):
                if city.info.get("kind") != "city" or sub.info.get("kind") != "subdivision":
                    continue
                text = doc[city.start:city.end].text
                options = [p for p in self.gaz.place_candidates(text)
                           if p.kind == "subdivision" and p.country == city.info.get("state")]
                if options:
                    city.info = {**self.res.linker.place_info(options[0], "gazetteer",
                                                              float(city.info.get("confidence", 0.9))),
                                 "signal": city.info.get("signal"), "rule": "coordinated with a province"}

    def _with_place_noun(self, doc: Doc, cand: Candidate) -> None:
        """'the Kharkiv region', 'Idlib province', 'Kismayo city': the lower-case noun after a place name says
        which of the places so named the text means, and news names the place with it (``written``). A
        subdivision named after its capital that the gazetteer lacks is a Place of its own, named as the
        text does, in the capital's State (never the city)."""
        end = cand.end
        if cand.label != "Place" or end >= len(doc) or not doc[end].is_lower or cand.info.get("kind") == "region":
            return
        noun = doc[end].lower_
        if noun not in self.w.subdivision_nouns and noun != "city":
            return
        if end + 1 < len(doc) and doc[end + 1].lower_ in self.w.institution_after_place:
            return  # "the Kharkiv region administration": an institution, not the place's name
        text = doc[cand.start:end].text
        state = cand.info.get("state")
        wanted = "city" if noun == "city" else "subdivision"
        if cand.info.get("kind") != wanted:
            options = [p for p in self.gaz.place_candidates(text) if p.kind == wanted and (
                state is None or p.country == state)]
            keep = {"signal": cand.info.get("signal"), "rule": f"place noun '{noun}'"}
            if options:
                cand.info = {**self.res.linker.place_info(max(options, key=lambda p: p.population), "gazetteer",
                                                          float(cand.info.get("confidence", 0.9))), **keep}
            elif wanted == "subdivision" and state:
                cand.info = {"canonical": f"{text} {noun}", "state": state, "kind": "subdivision",
                             "source": "pattern", "confidence": 0.7, **keep}
            else:
                return
        # the record is also named as the text does ('Idlib province' beside 'Idlib' its capital)
        cand.info = {**cand.info, "written": f"{text} {noun}"}
