"""The ``kg_entities`` spaCy component: statistical NER + gazetteers + patterns -> our entity types.

It runs after spaCy's ``ner`` and rewrites ``doc.ents`` so that entity spans carry the ontology
class local names (State, ArmedGroup, Person, Official, GovernmentBody, MediaOrganization,
Organization, Place) while spaCy's numeric and temporal labels (DATE, TIME, CARDINAL, ORDINAL,
QUANTITY, MONEY, PERCENT) are kept untouched for the event extractor.

Signals, strongest first:

1. gazetteer phrase matches (states, demonyms, capitals, armed groups, bodies, media,
   organizations, multiword places) -- they also correct NER errors ("al-Shabaab" as PERSON);
2. patterns: titles of office next to a name (Officials), "the X militant group" (unknown groups),
   "the city of X" / "X province" (places);
3. the statistical NER's own spans, mapped to our types and linked to the gazetteer (exactly, or
   fuzzily among places of the states the document mentions).

What is known about each entity span is stored per document in ``doc._.kg_info`` keyed by the
span's character offsets and read through ``span._.kg`` (a dict; see :func:`span_info`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy
from rapidfuzz import fuzz, process
from spacy.attrs import IS_ALPHA, IS_TITLE, IS_UPPER, LENGTH, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp.gazetteer import Gazetteer, PlaceInfo, load_gazetteer, norm, skeleton, skeleton_of_key, sound_key

ENTITY_LABELS = ("State", "ArmedGroup", "Person", "Official", "GovernmentBody", "MediaOrganization",
                 "Organization", "Place")
KEPT_SPACY_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})
LOCATIVE = frozenset({"in", "at", "near", "from", "to", "into", "inside", "outside", "around", "across",
                      "toward", "towards", "via", "within", "between", "outskirts", "of", "visit",
                      "visited", "reached", "reaches", "arrived", "leave", "left"})
PLACE_NOUNS = frozenset({"city", "town", "village", "province", "district", "region", "county",
                         "governorate", "state", "oblast", "prefecture", "area", "capital", "port",
                         "border", "villages", "towns", "cities", "provinces", "regions", "districts"})
GROUP_NOUNS = frozenset({"group", "organization", "organisation", "outfit", "movement", "militia",
                         "faction", "network", "coalition", "alliance"})
# Words after a name that make it a vehicle, weapon or product, not an organization or person
# ("the Jaffar Express train", "KAAN jets", "Paveway IV bombs").
PRODUCT_NEXT = frozenset({"train", "trains", "drone", "drones", "jet", "jets", "fighter", "fighters", "missile",
                          "missiles", "rocket", "rockets", "aircraft", "plane", "planes", "helicopter",
                          "helicopters", "ship", "ships", "vessel", "vessels", "tanker", "tankers", "bomb", "bombs",
                          "tank", "tanks", "warship", "warships", "frigate", "destroyer", "carrier", "system",
                          "systems", "launcher", "launchers", "rifle", "rifles", "munitions", "iv", "ii", "iii"})
PRODUCT_PREV = frozenset({"ship", "vessel", "tanker", "carrier", "freighter", "train", "aircraft", "jet", "drone",
                          "missile", "frigate", "destroyer", "warship", "cargo", "container", "bulk"})
PRODUCT_LAST = frozenset({"express", "typhoon", "leader"})
# Nouns after a name that make it a place ("the Zamzam displacement camp", "the Lachin corridor").
# Lower-case nouns after a place name that make it a first-level subdivision ('the Kharkiv region').
SUBDIVISION_NOUNS = frozenset({"province", "region", "governorate", "oblast", "prefecture"})
PLACE_AFTER = frozenset({"camp", "district", "neighbourhood", "neighborhood", "suburb", "corridor", "province",
                         "region", "governorate", "county", "valley", "crossing", "checkpoint", "refugee",
                         "displacement", "border", "municipality"})
LOCATIVE_PREP = frozenset({"in", "near", "outside", "around", "inside"})
GROUP_ADJ = frozenset({"militant", "separatist", "terrorist", "insurgent", "jihadist", "rebel", "armed",
                       "extremist", "islamist", "paramilitary", "guerrilla", "secessionist", "jihadi"})
GROUP_PLURALS = frozenset({"rebels", "insurgents", "militants", "fighters", "militiamen", "guerrillas",
                           "jihadists", "separatists"})
# Words before the name of a military operation ("codenamed 'Iron Dawn'"), which is nobody's name.
CODENAME_WORDS = frozenset({"codenamed", "code-named", "codename", "dubbed", "operation", "op"})
# Words that make a sentence speak of armed action, so an acronym beside a group noun in it is a group.
ARMED_CONTEXT_WORDS = frozenset({"terrorists", "jihadists", "attacked", "ambushed", "claimed"})
NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "da", "de", "der", "van", "von", "ul", "ud",
                            "e", "i", "la", "le", "di", "du", "dos", "das", "y"})
GENERIC_NAME_WORDS = frozenset({"the", "a", "an", "this", "that", "he", "she", "it", "they", "his", "her",
                                "its", "their", "mr", "mrs", "ms", "dr"})
POSSESSIVE = frozenset({"'s", "’s", "'"})
RANK_WORDS = frozenset({"lieutenant", "major", "general", "brigadier", "colonel", "captain", "admiral", "rear",
                        "vice", "sergeant", "marshal", "commander", "lt", "gen", "brig", "col", "maj", "capt",
                        "adm", "sgt", "sheikh", "sir", "dr", "mr", "mrs", "ms", "excellency", "comrade",
                        "respected", "honourable", "honorable"})
# Capitalised last words that make a name a subdivision ("Borno State", "Kunar Province").
SUBDIVISION_TITLES = frozenset({"State", "Province", "Region", "District", "Governorate", "County", "Oblast",
                                "Prefecture", "Department", "Municipality"})
# Words that make "X of Y" an institution, not a place of a place ("University of Khartoum").
ORG_HINT_WORDS = frozenset({"ministry", "minister", "school", "university", "bank", "council", "court", "church",
                            "mosque", "hospital", "airport", "museum", "academy", "college", "institute", "office",
                            "department", "army", "forces", "police", "guard", "gendarmerie", "government",
                            "committee", "agency", "commission", "chamber", "league", "union", "party", "front",
                            "movement", "brigade", "battalion", "corps", "command", "kingdom", "republic",
                            "people", "federation", "association", "alliance", "coalition", "bureau", "centre",
                            "center", "embassy", "consulate", "national", "islamic", "united", "bishop"})
PRIORITY_GAZ, PRIORITY_PATTERN, PRIORITY_NER = 3, 2, 1
# A place of a state the document never mentions is taken only when it is this big (Paris, Kazan),
# so a name shared with a small town abroad ('Asia' in the Philippines, 'Medina' in Brazil) is not linked.
PROMINENT_POPULATION = 500_000


@dataclass
class Candidate:
    start: int  # token offsets
    end: int
    label: str
    priority: int
    info: dict = field(default_factory=dict)


# ------------------------------------------------------------------------- extensions
def _register_extensions() -> None:
    if not Doc.has_extension("kg_info"):
        Doc.set_extension("kg_info", default=None)
    if not Span.has_extension("kg"):
        Span.set_extension("kg", getter=span_info)
        Span.set_extension("kg_canonical", getter=lambda s: span_info(s).get("canonical"))
        Span.set_extension("kg_state", getter=lambda s: span_info(s).get("state"))
        Span.set_extension("kg_position", getter=lambda s: span_info(s).get("position"))


def span_info(span: Span) -> dict:
    """What the component knows about an entity span (empty for spans it did not make).

    Keys (all optional): ``canonical`` (gazetteer label), ``ids`` (wikidata/geonames/iso3166),
    ``state`` (ISO alpha-2 of the State the entity is/belongs to), ``how`` (for States: "name",
    "demonym" or "capital"), ``kind`` (place: "city"/"subdivision"), ``lat``/``long``,
    ``parent`` (ISO 3166-2 of the subdivision a city lies in), ``position`` and ``affiliation``
    (Officials: office literal and ISO alpha-2 of their state, or "@province"/"@country" when the
    text says "the province's"), ``written`` (a body as the text names it with its State in front:
    "China Coast Guard"), ``confidence`` and ``source`` ("gazetteer", "pattern", "ner"); ``kind`` "site"
    marks a named site or feature ("X air base", "Y Shoal").
    """
    table = span.doc._.kg_info or {}
    return table.get((span.start_char, span.end_char), {})


# ------------------------------------------------------------------------- component
class KGEntities:
    """Combines spaCy NER, gazetteer matches and patterns into typed entity spans."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, fuzzy_threshold: float = 88.0):
        _register_extensions()
        self.gaz = gazetteer
        self.fuzzy_threshold = fuzzy_threshold
        self.strings = nlp.vocab.strings
        self._keys_by_country: dict[str, list[tuple[PlaceInfo, str, str]]] = {}
        self._index_by_country: dict[str, dict[str, tuple[list, list[str], dict[str, list[int]]]]] = {}
        self.phrase = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.named_by_key: dict[str, tuple] = {}
        make = nlp.make_doc

        def add(matcher: PhraseMatcher, key: str, texts, payload) -> None:
            texts = sorted({t for t in texts if t})
            if not texts:
                return
            matcher.add(key, list(nlp.tokenizer.pipe(texts)) if len(texts) > 20 else [make(t) for t in texts])
            self.named_by_key[key] = payload

        for iso2, st in gazetteer.states.items():
            add(self.phrase, f"S|{iso2}|name", [st.name, *st.aliases], (iso2, "name"))
            add(self.phrase, f"S|{iso2}|demonym", st.demonyms, (iso2, "demonym"))
            add(self.phrase, f"S|{iso2}|capital", st.capitals, (iso2, "capital"))
        for i, info in enumerate(gazetteer.named):
            add(self.phrase, f"N|{i}", info.aliases, info)
            add(self.phrase, f"C|{i}", info.context_aliases, info)
        for i, body in enumerate(gazetteer.generic_bodies):
            # a lower-case alias also starts a sentence: "Foreign ministry spokeswoman X said"
            add(self.phrase, f"B|{i}", [*body.aliases, *(a[:1].upper() + a[1:] for a in body.aliases if a.islower())],
                body)
        # titles are keyed without hyphens ('secretary general'); texts write 'Secretary-General' too
        add(self.lower, "T", [*gazetteer.titles, *(t.replace(" ", "-") for t in gazetteer.titles if " " in t)], None)
        add(self.lower, "SITE", gazetteer.site_words, None)
        multiword = {n for p in gazetteer.places.values() if p.kind != "region"
                     for n in ((p.name, *p.names) if p.kind == "subdivision" else (p.name,))
                     if " " in n or "-" in n}
        add(self.phrase, "P", multiword, None)
        for pid, place in gazetteer.places.items():
            if place.kind == "region":
                add(self.phrase, f"R|{pid}", place.names, place)

        def hashes(words) -> numpy.ndarray:
            return numpy.array(sorted(self.strings.add(w) for w in words), dtype=numpy.uint64)

        self._armed_hashes = hashes(GROUP_ADJ | GROUP_PLURALS | ARMED_CONTEXT_WORDS)
        self._head_hashes = hashes(gazetteer.name_words.get("heads", frozenset()))
        self._paren_hash = self.strings.add("(")

        self.matcher = Matcher(nlp.vocab)
        name_tok = {"TEXT": {"REGEX": r"^[A-Z][\w'’]*$"}}
        link_tok = {"LOWER": {"IN": ["al", "el", "ul", "e", "-", "ad", "ud", "i"]}, "OP": "?"}
        name = [name_tok, link_tok, {"IS_TITLE": True, "OP": "?"}, link_tok, {"IS_TITLE": True, "OP": "?"}]
        adj = {"LOWER": {"IN": sorted(GROUP_ADJ)}}
        noun = {"LOWER": {"IN": sorted(GROUP_NOUNS)}}
        # "the X militant group", "X separatist movement"
        self.matcher.add("GRP_BEFORE", [[*name, adj, noun]])
        # "separatist group X", "Sunni militant group X"
        self.matcher.add("GRP_AFTER", [[adj, noun, *name]])
        # "X, a separatist group"
        self.matcher.add("GRP_APPOS", [[*name, {"ORTH": ","}, {"LOWER": {"IN": ["a", "an", "the"]}},
                                        {"IS_ALPHA": True, "OP": "?"}, adj, noun]])
        # "X rebels", "X insurgents"
        self.matcher.add("GRP_PLURAL", [[*name, {"LOWER": {"IN": sorted(GROUP_PLURALS)}}]])
        # "the city of X", "X province"
        self.matcher.add("PLACE_OF", [[{"LOWER": {"IN": sorted(PLACE_NOUNS)}}, {"LOWER": "of"}, *name]])
        # "Kohgiluyeh-o-Boyer-Ahmad", "Kohgiluyeh and Boyer Ahmad": compound names spelt many ways
        self.matcher.add("PLACE_COMPOUND", [[{"IS_TITLE": True}, {"LOWER": {"IN": ["-", "and", "va", "o", "e", "wa"]}},
                                             {"LOWER": {"IN": ["-", "o"]}, "OP": "*"}, {"IS_TITLE": True}]])
        # "near Kramatorsk", "in Kharkiv": a known place of a mentioned state after a locative word
        self.matcher.add("PLACE_LOC", [[{"LOWER": {"IN": ["in", "near", "at", "around", "outside", "into", "from",
                                                           "towards", "toward", "inside"]}},
                                        {"IS_TITLE": True, "POS": "PROPN"},
                                        {"IS_TITLE": True, "POS": "PROPN", "OP": "?"}]])
        self.matcher.add("PLACE_NOUN", [[*name, {"LOWER": {"IN": ["province", "district", "region",
                                                                  "governorate", "county", "oblast"]}}]])

    # --------------------------------------------------------------------- main
    def __call__(self, doc: Doc) -> Doc:
        table: dict[tuple[int, int], dict] = {}
        cands: list[Candidate] = []
        context: dict[str, float] = {}
        states_by_end: dict[int, Candidate] = {}
        named_by_end: dict[int, Candidate] = {}  # armed groups / organizations, for "Houthi spokesman X"
        bodies_by_end: dict[int, Candidate] = {}  # government bodies, for "Foreign Ministry spokeswoman X"

        ner_ents = list(doc.ents)  # doc.ents makes new Span objects on every access: read it once
        ner_at = {i: ent for ent in ner_ents for i in range(ent.start, ent.end)}
        phrase_matches = self.phrase(doc)
        for match_id, start, end in phrase_matches:
            key = self.strings[match_id]
            if key.startswith("S|"):
                iso2, how = self.named_by_key[key]
                if self._inside_ner_name(ner_at.get(start), start, end):
                    continue  # "Foreign Minister Israel Katz", "Puerto Jordan": a longer name

                cand = Candidate(start, end, "State", PRIORITY_GAZ, self._state_info(iso2, how))
                if how == "capital" and self._locative(doc, start, end):
                    place = self.gaz.best_place(doc[start:end].text, {iso2: 100.0})
                    cand = Candidate(start, end, "Place", PRIORITY_GAZ, self._place_info(place, "gazetteer"))
                else:
                    context[iso2] = context.get(iso2, 0.0) + 1.0
                    states_by_end[end] = cand
                cands.append(cand)
        for iso2 in list(context):
            for other in self.gaz.neighbours.get(iso2, ()):
                if other not in context:
                    context[other] = 0.3  # a neighbour of a mentioned state: 'Gaza' near Israel
        for match_id, start, end in phrase_matches:
            key = self.strings[match_id]
            kind = key[0]
            if kind in "NC":
                info = self.named_by_key[key]
                if (kind == "C" and not self._context_ok(doc, start, end)) or _in_compound(doc, start, end):
                    continue
                ent = ner_at.get(start)
                ent = ent or ner_at.get(end - 1)
                if info.kind in ("media", "org") and ent is not None and (
                        (ent.end > end and doc[end].is_title) or (ent.start < start and doc[start - 1].is_title
                                                                   and doc[start - 1].lower_ != "the")):
                    # "The National Electoral Council" is no newspaper called The National, and the
                    # "National Security Council" is not the (UN) Security Council
                    continue
                cand = self._named_candidate(info, start, end)
                cands.append(cand)
                if info.kind in ("group", "org"):
                    named_by_end[end] = cand
                elif info.kind == "body":
                    bodies_by_end[end] = cand
            elif kind == "B":
                body = self.named_by_key[key]
                cand = self._generic_body(doc, body, start, end, states_by_end)
                if cand:
                    cands.append(cand)
                    bodies_by_end[end] = cand
            elif kind == "R":
                place = self.named_by_key[key]
                if self._province_next(doc, end):
                    place = self.gaz.best_place(doc[start:end].text, context, True) or place
                cands.append(Candidate(start, end, "Place", PRIORITY_GAZ, self._place_info(place, "gazetteer")))
            elif kind == "P":
                place = self.gaz.best_place(doc[start:end].text, context, self._province_next(doc, end))
                if place:
                    cands.append(Candidate(start, end, "Place", PRIORITY_GAZ, self._place_info(place, "gazetteer")))

        covered = self._accepted(cands)  # gazetteer spans so far, to keep patterns off them
        cands.extend(self._sites(doc, covered))
        cands.extend(self._officials(doc, states_by_end, covered, named_by_end, bodies_by_end))
        cands.extend(self._patterns(doc, context, covered))
        cands.extend(self._discovered_groups(doc, covered))
        for ent in ner_ents:
            split = self._place_of_place(doc, ent, context)
            if split:
                cands.extend(split)
                continue
            cand = self._from_ner(doc, ent, context)
            if cand:
                cands.append(cand)

        chosen = [c for c in self._consistent(doc, self._accepted(cands)) if not c.info.get("too_broad")]
        for cand in chosen:
            self._with_place_noun(doc, cand)
        self._coordinated_subdivisions(doc, chosen)
        spans = []
        for cand in chosen:
            span = Span(doc, cand.start, cand.end, label=cand.label)
            spans.append(span)
            table[(span.start_char, span.end_char)] = cand.info
        taken = set()
        for span in spans:
            taken.update(range(span.start, span.end))
        for ent in ner_ents:
            if ent.label_ in KEPT_SPACY_LABELS and not taken.intersection(range(ent.start, ent.end)):
                spans.append(ent)
        doc.ents = sorted(spans, key=lambda s: s.start)
        doc._.kg_info = table
        return doc

    # --------------------------------------------------------------------- helpers
    @staticmethod
    def _accepted(cands: list[Candidate]) -> list[Candidate]:
        """Non-overlapping candidates: higher priority first, then longer, then earlier."""
        taken: set[int] = set()
        out = []
        for cand in sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
            if cand.end <= cand.start or taken.intersection(range(cand.start, cand.end)):
                continue
            taken.update(range(cand.start, cand.end))
            out.append(cand)
        return sorted(out, key=lambda c: c.start)

    def _inside_ner_name(self, ent: Span | None, start: int, end: int) -> bool:
        """A state's name inside a longer NER person or place name ('Israel Katz', 'Puerto Jordan'):
        the whole span is one name when every other token of it is a capitalised word that is not
        itself a state, demonym or title ('Israeli Prime Minister' stays a State + a title)."""
        if ent is None or end > ent.end or ent.label_ not in {"PERSON", "GPE", "LOC", "FAC"} \
                or (ent.start, ent.end) == (start, end):
            return False
        others = [t for t in ent if not (start <= t.i < end)]
        if any(t.lower_ in {"the", "and", "of"} or t.is_punct for t in others):
            return False
        return all(t.is_title and t.is_alpha and norm(t.text) not in self.gaz.state_index
                   and norm(t.text) not in self.gaz.titles for t in others)

    def _consistent(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        """One type per name within a document.

        The statistical NER types the same name differently from sentence to sentence ('Hodeidah'
        a Place, a Person and an Organization). A name the gazetteer or a pattern typed keeps that
        type everywhere; a lone word that is the surname of a person named in full is that person;
        an acronym in parentheses or after "or" takes the type of the name it abbreviates; a lone
        one-word PERSON nobody names in full is dropped (mostly headline words: "Gunfire").
        """
        best: dict[str, Candidate] = {}
        surnames: set[str] = set()
        for cand in chosen:
            key = norm(doc[cand.start:cand.end].text)
            if cand.info.get("how") == "capital":
                continue  # 'Tehran said' (the government) and 'in Tehran' (the city) are both right
            rank = (cand.priority, bool(cand.info.get("canonical")), cand.label != "Person")
            old = best.get(key)
            if old is None or rank > (old.priority, bool(old.info.get("canonical")), old.label != "Person"):
                best[key] = cand
            if cand.label in ("Person", "Official") and cand.end - cand.start > 1:
                surnames.update(t.lower_ for t in doc[cand.start + 1:cand.end] if t.is_alpha and t.is_title)
        self._link_acronyms(doc, chosen, best)
        out = []
        for cand in chosen:
            text = doc[cand.start:cand.end]
            if cand.priority == PRIORITY_NER and not cand.info.get("canonical"):
                if len(text) == 1 and text[0].lower_ in surnames and cand.label != "Person":
                    cand = Candidate(cand.start, cand.end, "Person", cand.priority,
                                     {"source": "ner", "confidence": 0.7})
                else:
                    strong = best.get(norm(text.text))
                    if strong is not None and strong is not cand and strong.label != cand.label:
                        cand = Candidate(cand.start, cand.end, strong.label, cand.priority, dict(strong.info))
                if cand.label == "Person" and len(text) == 1 and text[0].lower_ not in surnames:
                    continue
            out.append(cand)
        return out

    def _link_acronyms(self, doc: Doc, chosen: list[Candidate], best: dict[str, Candidate]) -> None:
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

    @staticmethod
    def _locative(doc: Doc, start: int, end: int) -> bool:
        """True when a capital's name is used as a place ('in Tehran'), not for its government."""
        prev = doc[start - 1] if start > 0 else None
        if prev is not None and prev.lower_ in LOCATIVE:
            return True
        nxt = doc[end] if end < len(doc) else None
        if nxt is not None and nxt.text == "," and end + 1 < len(doc) and doc[end + 1].ent_type_ == "GPE":
            return True  # "Kabul, Afghanistan"
        return bool(nxt is not None and nxt.text == "-" and end + 1 < len(doc)
                    and doc[end + 1].lower_ == "based")

    def _context_ok(self, doc: Doc, start: int, end: int) -> bool:
        """Short or ambiguous aliases count only next to a group word, in parentheses, or per NER."""
        nxt = doc[end] if end < len(doc) else None
        prev = doc[start - 1] if start > 0 else None
        if nxt is not None and nxt.lower_ in self.gaz.group_words:
            return True
        if prev is not None and prev.text == "(":
            return True
        ent = doc[start].ent_type_
        begins = doc[start].ent_iob_ == "B" or (start > 0 and doc[start - 1].lower_ == "the"
                                                and doc[start - 1].ent_iob_ == "B")
        return bool(ent in {"ORG", "NORP", "GPE"} and begins and (end == len(doc) or doc[end].ent_iob_ != "I"))

    def _state_info(self, iso2: str, how: str) -> dict:
        state = self.gaz.states[iso2]
        ids = {"wikidata": state.wikidata, "iso3166": iso2}
        if state.geonames:
            ids["geonames"] = state.geonames
        return {"state": iso2, "how": how, "canonical": state.name, "ids": ids, "source": "gazetteer",
                "confidence": 0.95 if how != "capital" else 0.85}

    @staticmethod
    def _named_candidate(info, start: int, end: int) -> Candidate:
        label = {"group": "ArmedGroup", "body": "GovernmentBody", "media": "MediaOrganization",
                 "org": "Organization"}[info.kind]
        ids = {"wikidata": info.wikidata} if info.wikidata else {}
        data = {"canonical": info.canonical, "ids": ids, "source": "gazetteer", "confidence": 0.95}
        if info.states and info.kind == "body":
            data["state"] = info.states[0]
        elif info.states:
            data["home"] = list(info.states)
        return Candidate(start, end, label, PRIORITY_GAZ, data)

    def _generic_body(self, doc, body, start, end, states_by_end) -> Candidate | None:
        """'Pakistan's Foreign Ministry', 'the Pakistani military', or a capitalised 'Foreign Office'."""
        state = None
        before = states_by_end.get(start)
        if before is None and start >= 1 and doc[start - 1].text in POSSESSIVE:
            before = states_by_end.get(start - 1)
        if before is not None:
            state = before.info["state"]
        text = doc[start:end].text
        # "China Coast Guard", "the Chinese coast guard": news names the body with its State in front
        written = doc[before.start:end].text if before is not None and before.end == start else None
        if state is None and not (text[0].isupper() and end - start >= 2):
            return None
        default = None if state else dict(body.default_states).get(norm(text))
        if state is None and default is None:
            default = self._subject_state_before(doc, start, states_by_end)
        confidence = 0.85 if state else 0.7 if default else 0.6
        data = {"source": "pattern", "confidence": confidence, "generic": body.canonical}
        state = state or default
        if state:
            data["state"] = state
            data["canonical"] = body.canonical.replace("{state}", self.gaz.states[state].name)
        if written:
            data["written"] = written
        return Candidate(start, end, "GovernmentBody", PRIORITY_GAZ, data)

    @staticmethod
    def _subject_state_before(doc: Doc, start: int, states_by_end: dict[int, Candidate]) -> str | None:
        """'Russia said it had asked for a meeting. Foreign ministry spokeswoman X said ...': a body the text
        gives no state for belongs to the State that is the subject of this or the previous sentence."""
        sent = doc[start].sent
        since = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        best = None
        for end, cand in states_by_end.items():
            if since <= cand.start and end <= start and doc[end - 1].dep_ in ("nsubj", "nsubjpass") \
                    and (best is None or cand.start > best.start):
                best = cand
        return best.info["state"] if best is not None else None

    def _place_info(self, place: PlaceInfo | None, source: str, confidence: float = 0.9) -> dict:
        if place is None:
            return {"source": source, "confidence": confidence * 0.7}
        ids = {}
        if place.geonames:
            ids["geonames"] = place.geonames
        if place.iso3166:
            ids["iso3166"] = place.iso3166
        info = {"canonical": display_name(place), "ids": ids, "state": place.country, "kind": place.kind,
                "place_id": place.id, "source": source, "confidence": confidence}
        if place.kind == "region" and place.id in self.gaz.broad_regions:
            info["too_broad"] = True  # a continent or a multi-state region: blocks other readings only
        if place.lat is not None:
            info["lat"], info["long"] = place.lat, place.long
        parent = self.gaz.parent_of(place)
        if parent is not None:
            info["parent"] = parent.id
        return info

    # --------------------------------------------------------------------- officials
    def _skip_ranks(self, doc: Doc, i: int) -> int:
        """Past ranks and abbreviated titles before a name: 'Brig. Gen.', 'Lieutenant General', 'Rear Adm.'."""
        while i < len(doc):
            tok = doc[i]
            abbreviated = tok.text.endswith(".") and tok.is_title and len(tok) <= 6 and tok.text[:-1].isalpha()
            rank = tok.is_title and (tok.lower_ in self.gaz.titles or tok.lower_ in RANK_WORDS)
            if i + 1 < len(doc) and doc[i + 1].text == "." and tok.is_alpha and tok.is_title and len(tok) <= 5:
                i += 2  # "Brig." "Gen." "Col." "Lt."
            elif abbreviated or rank:
                i += 1
            else:
                return i
        return i

    def _name_after(self, doc: Doc, i: int) -> int:
        """End of a personal name starting at token ``i`` (== i when there is none)."""
        if i < len(doc) and doc[i].ent_type_ == "PERSON" and doc[i].ent_iob_ == "B":
            j = i + 1
            while j < len(doc) and doc[j].ent_iob_ == "I":
                j += 1
            # "President Hassan Sheikh Mohamud" where the NER stopped at "Hassan Sheikh": a capitalised
            # word right after the span, in no entity, is the rest of the name
            while j < len(doc) and j - i < 5 and doc[j].is_title and doc[j].is_alpha \
                    and doc[j].ent_type_ in ("", "PERSON") \
                    and doc[j].pos_ == "PROPN" and doc[j].lower_ not in GENERIC_NAME_WORDS:
                j += 1
            return j
        j = i
        while j < len(doc) and j - i < 5:
            tok = doc[j]
            word = tok.is_title and tok.is_alpha and tok.lower_ not in GENERIC_NAME_WORDS
            link = (tok.text == "-" or tok.lower_ in NAME_PARTICLES) and j > i and j + 1 < len(doc) \
                and doc[j + 1].is_title
            if not (word or link):
                break
            j += 1
        return j

    def _officials(self, doc: Doc, states_by_end: dict[int, Candidate], covered,
                   named_by_end: dict[int, Candidate] | None = None,
                   bodies_by_end: dict[int, Candidate] | None = None) -> list[Candidate]:
        taken = {i for c in covered for i in range(c.start, c.end)}
        out = []
        by_span: dict[tuple[int, int], Candidate] = {}
        titles = filter_spans([doc[start:end] for key, start, end in self.lower(doc)
                               if self.strings[key] == "T"])  # longest title wins
        for start, end in ((t.start, t.end) for t in titles):
            title_text = doc[start:end].text
            position = self.gaz.titles.get(norm(title_text))
            if not position:
                continue
            affiliation = self._affiliation_before(doc, start, states_by_end, named_by_end or {})
            rank = all(t.lower_.rstrip(".") in RANK_WORDS for t in doc[start:end] if t.is_alpha)
            body = (bodies_by_end or {}).get(start)
            if body is not None and not rank:
                # "Ministry of External Affairs spokesperson X", "Russian Foreign Ministry spokeswoman X": the
                # body names the office and its State is the official's
                position = f"{_office_words(doc[body.start:body.end])} {position}"
                affiliation = body.info.get("state") or affiliation
            elif not rank:
                position = self._qualified_office(doc, start, position, taken)
                # a title that names its body ("foreign ministry spokeswoman"): the body's State
                inner = next((b for e, b in (bodies_by_end or {}).items() if start <= b.start and e <= end), None)
                if inner is not None and inner.info.get("state"):
                    affiliation = affiliation or inner.info["state"]
            position, of_end = self._office_of_the(doc, end, position, taken)
            if affiliation is None and of_end + 1 < len(doc) and doc[of_end].lower_ == "of":
                # "the Ambassador of Ukraine", "Secretary-General of the United Nations",
                # "spokesman of the military intelligence of Ukraine"
                after = of_end + 2 if doc[of_end + 1].lower_ == "the" else of_end + 1
                state = next((c for c in states_by_end.values() if c.start == after), None)
                named = next((c for c in (named_by_end or {}).values() if c.start == after), None)
                affiliation = state.info["state"] if state else _span_ref(doc, named) if named else None
            # "Foreign Minister Sergei Lavrov" / "the deputy governor, Amina Yusuf"
            name_start = end
            lead = _determiner_before(doc, start, states_by_end, self.gaz.office_skip)
            of_state = self._of_state_end(doc, end, of_end, states_by_end)
            if end < len(doc) and doc[end].text == "," and lead > 0 and (
                    doc[lead - 1].text in POSSESSIVE or doc[lead - 1].lower_ in {"the", "its", "his", "her"}):
                name_start = end + 1  # "its director general, X" / "the Chinese diplomat, X"
            elif of_end > end and of_end < len(doc) and doc[of_end].text == "," and not (
                    start >= 2 and doc[start - 1].text == "," and doc[start - 2].ent_type_ == "PERSON"):
                name_start = of_end + 1  # "Spokesman of the Government, Colonel Abdoulaye Maiga"
            elif of_state is not None:
                # "the Prime Minister of Ethiopia Abiy Ahmed", "the ambassador of Ethiopia, X"
                name_start = of_state + 1 if of_state < len(doc) and doc[of_state].text == "," else of_state
            name_start = self._skip_ranks(doc, name_start)
            name_end = self._name_after(doc, name_start)
            appositive = lead >= 2 and doc[lead - 1].lower_ in {"the", "a", "an"} and doc[lead - 2].text == ","
            bare = start >= 1 and doc[start - 1].text == "," and (title_text.islower() or of_end > end)
            if name_end == name_start and name_start in (end, of_end + 1) and (appositive or bare):
                # "X, the foreign minister" / "Mr. X, spokesman of the military"
                ent_end = lead - 2 if appositive else start - 1
                if ent_end > 0 and doc[ent_end - 1].ent_type_ == "PERSON":
                    ent_start = ent_end - 1
                    while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
                        ent_start -= 1
                    # "Alexei Smirnov" where the NER took only "Smirnov": given names it left outside
                    while ent_start > 0 and ent_end - ent_start < 4 and not doc[ent_start].is_sent_start \
                            and doc[ent_start - 1].is_title and doc[ent_start - 1].is_alpha \
                            and doc[ent_start - 1].pos_ == "PROPN" and not doc[ent_start - 1].ent_type_ \
                            and doc[ent_start - 1].lower_ not in GENERIC_NAME_WORDS \
                            and doc[ent_start - 1].lower_ not in RANK_WORDS and doc[ent_start - 1].lower_ not in \
                            self.gaz.titles:
                        ent_start -= 1
                    while ent_end - ent_start > 1 and doc[ent_start].lower_.rstrip(".") in RANK_WORDS:
                        ent_start += 1  # "Gen Ahmed Sharif": the NER took the rank into the name
                    name_start, name_end = ent_start, ent_end
                elif appositive:
                    # "Alexei Smirnov, the acting governor of ...": a name the NER missed, opening the sentence
                    name_start, name_end = _sentence_initial_name(doc, ent_end, self.gaz.titles)
            if name_end <= name_start or taken.intersection(range(name_start, name_end)):
                continue
            if name_end - name_start == 1 and doc[name_start].ent_type_ != "PERSON":
                continue  # "general Assembly", "General Staff": a lone capitalised word is no name
            if norm(doc[name_start:name_end].text) in self.gaz.state_index:
                continue
            info = {"position": position, "source": "pattern", "confidence": 0.85}
            if rank:
                info["rank"] = True  # "Colonel": kept only when the text gives the person no office
            if affiliation:
                info["affiliation"] = affiliation
            old = by_span.get((name_start, name_end))
            if old is not None:  # "Colonel X, President of the Transition": one span, the office wins
                if old.info.get("rank") and not rank:
                    old.info.update(position=position, rank=False)
                if affiliation:
                    old.info.setdefault("affiliation", affiliation)
                continue
            by_span[(name_start, name_end)] = Candidate(name_start, name_end, "Official", PRIORITY_PATTERN, info)
            out.append(by_span[(name_start, name_end)])
        return out

    @staticmethod
    def _of_state_end(doc: Doc, end: int, of_end: int, states_by_end: dict[int, Candidate]) -> int | None:
        """The token after 'of <State>' following a title ('Prime Minister of Ethiopia'), else None."""
        if of_end != end or end + 1 >= len(doc) or doc[end].lower_ != "of":
            return None
        after = end + 2 if doc[end + 1].lower_ == "the" else end + 1
        state = next((c for c in states_by_end.values() if c.start == after), None)
        return state.end if state is not None else None

    def _office_word(self, tok, taken: set[int]) -> bool:
        """A word that can qualify a title of office ('police', 'military', 'Health'): not part of a known
        entity, not a name, not a word describing the holder ('former', 'new')."""
        return (tok.is_alpha and tok.i not in taken and tok.lower_ not in self.gaz.office_skip
                and tok.pos_ in {"NOUN", "ADJ", "PROPN"} and tok.ent_type_ not in {"PERSON", "GPE", "NORP", "LOC"}
                and norm(tok.text) not in self.gaz.state_index and tok.lower_.rstrip(".") not in RANK_WORDS)

    def _qualified_office(self, doc: Doc, start: int, position: str, taken: set[int]) -> str:
        """The office with the words before its title that narrow it: 'police spokesman' -> 'Police
        Spokesman', 'Health Minister' -> 'Health Minister' (not 'Minister'), at most three words."""
        i = start
        while i > 0 and start - i < 3 and self._office_word(doc[i - 1], taken) and (
                doc[i - 1].dep_ in {"compound", "amod"} or doc[i - 1].is_lower):
            i -= 1
        if i == start:
            return position
        words = " ".join(t.text if t.is_upper else t.text.capitalize() for t in doc[i:start])
        return f"{words} {position}"

    def _office_of_the(self, doc: Doc, end: int, position: str, taken: set[int]) -> tuple[str, int]:
        """'Spokesman of the Government' -> 'Government Spokesman'; 'President of the Transition' kept as
        written. Returns the office and the token after it (``end`` when there is no such phrase)."""
        if not (end + 2 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].lower_ == "the"):
            return position, end
        j = end + 2
        while j < len(doc) and j - end - 2 < 3 and doc[j].lower_ not in {"of", "and"} and self._office_word(
                doc[j], taken):
            j += 1
        if j == end + 2 or (j < len(doc) and doc[j].is_alpha and doc[j].lower_ != "of"):
            return position, end
        words = " ".join(t.text if t.is_upper else t.text.capitalize() for t in doc[end + 2:j])
        if position.lower().startswith("spokes"):
            return f"{words} {position}", j
        return f"{position} of the {words}", j

    @staticmethod
    def _affiliation_before(doc: Doc, start: int, states_by_end: dict[int, Candidate],
                            named_by_end: dict[int, Candidate]) -> str | None:
        """The State named just before a title ('Iranian Foreign Minister', "Pakistan's ambassador"),
        or the group or organization ('Houthi military spokesman', 'UN Secretary-General')."""
        i = start
        for _ in range(3):  # allow "Pakistan's caretaker foreign minister"
            named = named_by_end.get(i) or (named_by_end.get(i - 1) if i >= 1 and doc[i - 1].text in POSSESSIVE
                                            else None)
            if named is not None:
                return _span_ref(doc, named)
            cand = states_by_end.get(i)
            if cand is None and i >= 1 and doc[i - 1].text in POSSESSIVE:
                cand = states_by_end.get(i - 1)
                if cand is None and i >= 2 and doc[i - 2].lower_ in {"province", "country", "state", "region"}:
                    return "@" + doc[i - 2].lower_
            if cand is not None:
                return cand.info["state"]
            if i >= 1 and doc[i - 1].is_alpha and doc[i - 1].is_lower and doc[i - 1].pos_ in {"ADJ", "NOUN"}:
                i -= 1
                continue
            break
        return None

    # --------------------------------------------------------------------- patterns
    def _patterns(self, doc: Doc, context: dict[str, float], covered) -> list[Candidate]:
        taken = {i for c in covered for i in range(c.start, c.end)}
        out = []
        spans = []
        for match_id, start, end in self.matcher(doc):
            spans.append(Span(doc, start, end, label=self.strings[match_id]))
        for span in filter_spans(spans):
            rule = span.label_
            if rule.startswith("GRP"):
                name = self._group_name(doc, span, rule)
                if name is None or taken.intersection(range(name[0], name[1])):
                    continue
                text = doc[name[0]:name[1]].text
                if norm(text) in self.gaz.state_index or self.gaz.place_candidates(text):
                    continue
                if doc[name[0]].ent_type_ in {"NORP", "GPE", "LOC"} or (
                        rule == "GRP_PLURAL" and doc[name[0]].ent_type_ == "PERSON"):
                    continue  # "Kurdish militants", "the Sunni militant group": a people, not a name
                out.append(Candidate(name[0], name[1], "ArmedGroup", PRIORITY_PATTERN,
                                     {"source": "pattern", "confidence": 0.6, "discovered": True}))
            elif rule == "PLACE_LOC":
                start, stop = span.start + 1, span.end
                if taken.intersection(range(start, stop)) or norm(doc[start:stop].text) in self.gaz.state_index:
                    continue
                place = self._link_place(doc, start, stop, context, fuzzy=False)
                if place is not None and context.get(place.country, 0.0) >= 1.0:
                    out.append(Candidate(start, stop, "Place", PRIORITY_PATTERN,
                                         self._place_info(place, "pattern", 0.8)))
            elif rule == "PLACE_COMPOUND":
                if taken.intersection(range(span.start, span.end)) or any(
                        norm(t.text) in self.gaz.state_index for t in (span[0], span[-1])):
                    continue
                place = self._link_place(doc, span.start, span.end, context)
                if place is not None:
                    out.append(Candidate(span.start, span.end, "Place", PRIORITY_GAZ,
                                         self._place_info(place, "pattern", 0.85)))
            else:
                if rule == "PLACE_OF":
                    start = span.start + 2
                    stop = self._name_after(doc, start)
                else:
                    start, stop = span.start, span.end - 1
                    while start < stop and not doc[start].is_title:
                        start += 1
                if stop <= start or taken.intersection(range(start, stop)) or doc[start].lower_ in GENERIC_NAME_WORDS:
                    continue
                text = doc[start:stop].text
                if norm(text) in self.gaz.state_index:
                    continue
                place = self._link_place(doc, start, stop, context)
                out.append(Candidate(start, stop, "Place", PRIORITY_PATTERN,
                                     self._place_info(place, "pattern", 0.8)))
        return out

    @staticmethod
    def _group_name(doc: Doc, span: Span, rule: str) -> tuple[int, int] | None:
        tokens = list(range(span.start, span.end))
        if rule == "GRP_AFTER":
            idx = [i for i in tokens[2:]]
        elif rule == "GRP_APPOS":
            comma = next(i for i in tokens if doc[i].text == ",")
            idx = [i for i in tokens if i < comma]
        elif rule == "GRP_PLURAL":
            idx = tokens[:-1]
        else:
            idx = tokens[:-2]
        idx = [i for i in idx]
        while idx and not doc[idx[0]].is_title:
            idx = idx[1:]
        while idx and not doc[idx[-1]].is_title:
            idx = idx[:-1]
        if not idx or doc[idx[0]].lower_ in GENERIC_NAME_WORDS or (len(idx) == 1 and (
                doc[idx[0]].is_sent_start or doc[idx[0]].pos_ != "PROPN")):
            return None
        return idx[0], idx[-1] + 1

    # --------------------------------------------------------------------- NER
    def _from_ner(self, doc: Doc, ent: Span, context: dict[str, float]) -> Candidate | None:
        label = ent.label_
        start, end = ent.start, ent.end
        if start < end and doc[start].lower_ in {"the", "a", "an"}:
            start += 1
        if start >= end:
            return None
        text = doc[start:end].text
        single = end - start == 1
        if sum(c.isalnum() for c in text) <= 1:
            return None  # "wrote on X.": one letter names nothing we can tell apart
        if single and doc[start].pos_ not in {"PROPN"} and not doc[start].is_upper:
            return None  # "Killing", "Intelligence": title-case common words in headlines
        if label in {"PERSON", "ORG", "PRODUCT", "FAC"} and self._product(doc, start, end):
            return None  # "the Jaffar Express", "KAAN jets", "the car carrier Galaxy Leader"
        if label == "PERSON" and _codename(doc, start):
            return None  # "the operation, codenamed 'Iron Dawn'": a name for an operation, nobody's name
        if label in {"GPE", "LOC", "NORP", "FAC"}:
            place = self._link_place(doc, start, end, context, fuzzy=label in {"GPE", "LOC"})
            if place is not None:
                return Candidate(start, end, "Place", PRIORITY_NER, self._place_info(place, "ner", 0.8))
            if label in {"GPE", "LOC"} and text[0].isupper() and (not single or self._locative(doc, start, end)
                                                                  or self._province_next(doc, end)):
                return Candidate(start, end, "Place", PRIORITY_NER, {"source": "ner", "confidence": 0.6})
            return None
        if label in {"PERSON", "ORG"} and self._subdivision_name(doc, start, end):
            place = self._link_place(doc, start, end, context, fuzzy=False) or self._link_place(
                doc, start, end - 1, context, fuzzy=False)
            if place is not None and place.kind == "city":
                place = None  # "Borno State" is not the city of Borno
            return Candidate(start, end, "Place", PRIORITY_NER, self._place_info(place, "ner", 0.7))
        if label in {"PERSON", "ORG"}:
            # "KHARTOUM, Sudan —", "Darfur, a region", "in Kharkiv": a known place the NER mistyped
            place = self._link_place(doc, start, end, context, fuzzy=False)
            if place is not None and (context.get(place.country, 0.0) >= 1.0 or self._locative(doc, start, end)):
                return Candidate(start, end, "Place", PRIORITY_NER, self._place_info(place, "ner", 0.7))
            if self._place_context(doc, start, end):
                # "in Mir Ali", "the Zamzam displacement camp", "the enclave's capital, Stepanakert"
                return Candidate(start, end, "Place", PRIORITY_NER, {"source": "ner", "confidence": 0.55})
            if label == "ORG" and end < len(doc) and doc[end].lower_ in GROUP_NOUNS and start > 0 \
                    and doc[start - 1].lower_ in {"the", "of"} and not self._names_state(doc, start, end):
                # "the Hafiz Gul Bahadur group", "the CSP-DPA coalition": a group's name
                return Candidate(start, end, "ArmedGroup", PRIORITY_NER,
                                 {"source": "pattern", "confidence": 0.6, "discovered": True})
        if label == "PERSON":
            if not any(t.is_alpha and t.is_title for t in doc[start:end]):
                return None
            return Candidate(start, end, "Person", PRIORITY_NER, {"source": "ner", "confidence": 0.75})
        if label == "ORG":
            if single or "," in text or any((norm(t.text) in self.gaz.titles and len(t) > 3)
                                            or t.lower_.rstrip(".") in RANK_WORDS for t in doc[start:end]):
                # an unknown one-word ORG is mostly a headline word, an acronym of a product or a
                # byline ("Defence", "KAAN", "CWS"); "Supreme Leader", "Transition, Head of State"
                # are titles of office, not organizations
                return None
            low = text.lower()
            if end - start >= 3 and doc[start + 1].lower_ == "of" and doc[start].lower_ in self.gaz.name_words.get(
                    "org", frozenset()) and not (end < len(doc) and doc[end].text == "("):
                # "the Alliance of Sahel States": a body named after a region keeps its name whole
                return Candidate(start, end, "Organization", PRIORITY_GAZ, {"source": "ner", "confidence": 0.6})
            if any(w in low for w in ("ministry", "ministerial", "department", "army", "armed forces", "police",
                                      "guard", "government", "office")):
                return Candidate(start, end, "GovernmentBody", PRIORITY_NER, {"source": "ner", "confidence": 0.6})
            if any(w in low for w in ("news", "press agency", " tv", "times", "post", "radio", "broadcast")):
                return Candidate(start, end, "MediaOrganization", PRIORITY_NER,
                                 {"source": "ner", "confidence": 0.6})
            return Candidate(start, end, "Organization", PRIORITY_NER, {"source": "ner", "confidence": 0.6})
        return None

    # --------------------------------------------------------------------- unknown groups
    def _group_kind(self, tokens) -> str | None:
        """ArmedGroup / Organization from the words of a name no list knows, or None."""
        words = {t.lower_ for t in tokens}
        kinds = self.gaz.name_words
        if words & kinds.get("armed", frozenset()):
            return "ArmedGroup"
        if words & kinds.get("weak", frozenset()) and not any(norm(t.text) in self.gaz.state_index for t in tokens):
            return "ArmedGroup"
        if words & kinds.get("org", frozenset()):
            return "Organization"
        return None

    def _discovered_groups(self, doc: Doc, covered) -> list[Candidate]:
        """Groups and coalitions no list knows yet, introduced the way news introduces them:
        'the Patriotic Movement for Justice (MPJ)' (a name with group words and its acronym),
        'the separatist coalition CSP-DPA' / 'rebels of the CSP-DPA coalition' (an acronym beside a group
        noun in an armed context) and 'Lashkar-e-Jhangvi' (a transliterated name with a group head)."""
        taken = {i for c in covered for i in range(c.start, c.end)}
        out: list[Candidate] = []

        def add(start: int, end: int, label: str, canonical: str | None = None) -> None:
            if end > start and not taken.intersection(range(start, end)):
                info = {"source": "pattern", "confidence": 0.65, "discovered": True}
                if canonical:
                    info["canonical"] = canonical
                out.append(Candidate(start, end, label, PRIORITY_PATTERN, info))
                taken.update(range(start, end))

        heads = self.gaz.name_words.get("heads", frozenset())
        # token attributes as arrays, so only the few tokens that can start such a name are visited in
        # Python (a loop over every token, asking each for its sentence, was most of this component's cost)
        arr = doc.to_array([LOWER, IS_UPPER, IS_ALPHA, LENGTH, SENT_START, IS_TITLE])
        lower, upper, alpha, length, sent_start, title = (arr[:, k] for k in range(6))
        sent_id = numpy.cumsum(sent_start == 1)
        armed_context = set(sent_id[numpy.isin(lower, self._armed_hashes)].tolist())
        acronym = (upper == 1) & (alpha == 1) & (length >= 2)
        interesting = numpy.flatnonzero(acronym | (lower == self._paren_hash)
                                        | ((title == 1) & numpy.isin(lower, self._head_hashes)))
        for i in interesting.tolist():
            tok = doc[i]
            if tok.text == "(":  # "Name Words (ACR)"
                acr_end = _acronym_end(doc, i + 1)
                if acr_end is None or acr_end >= len(doc) or doc[acr_end].text != ")":
                    continue
                start = i
                while start > 0 and i - start < 8 and (doc[start - 1].is_title or (
                        doc[start - 1].lower_ in {"of", "for", "the", "and", "-", "al", "el"} and start - 1 > 0
                        and doc[start - 2].is_title)):
                    start -= 1
                while start < i and (not doc[start].is_title or doc[start].lower_ == "the"):
                    start += 1
                if start >= i or sum(t.is_title for t in doc[start:i]) < 2:
                    continue
                label = self._group_kind(doc[start:i])
                if label:
                    name = doc[start:i].text
                    add(start, i, label, name)
                    add(i + 1, acr_end, label, name)
            elif tok.lower_ in heads and tok.is_title and i + 2 < len(doc) and doc[i + 1].text == "-" \
                    and not doc[i].whitespace_:  # "Lashkar-e-Jhangvi"
                end = i + 1
                while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
                        and not doc[end].whitespace_:
                    end += 2
                if sum(t.is_title for t in doc[i:end]) >= 2:
                    add(i, end, "ArmedGroup")
            elif acronym[i]:
                if sent_id[i] not in armed_context:
                    continue
                acr_end = _acronym_end(doc, i)
                if acr_end is None:
                    continue
                before = doc[i - 1].lower_ if i > 0 else ""
                after = doc[acr_end].lower_ if acr_end < len(doc) else ""
                if before in GROUP_NOUNS or after in GROUP_NOUNS:  # "coalition CSP-DPA", "the CSP-DPA coalition"
                    add(i, acr_end, "ArmedGroup")
        return out

    def _place_of_place(self, doc: Doc, ent: Span, context: dict[str, float]) -> list[Candidate] | None:
        """'Sepera of Khost' read as one PERSON or ORG: a place name, 'of', a known place -> two Places."""
        if ent.label_ not in {"PERSON", "ORG", "GPE", "LOC", "FAC"} or len(ent) < 3:
            return None
        of = next((t.i for t in ent if t.lower_ == "of"), None)
        if of is None or of == ent.start or of - ent.start > 2 or of + 1 >= ent.end:
            return None
        head, tail = doc[ent.start:of], doc[of + 1:ent.end]
        if doc[ent.start].lower_ == "the" or any(
                not t.is_title or not t.is_alpha or t.lower_ in ORG_HINT_WORDS or norm(t.text) in self.gaz.titles
                or norm(t.text) in self.gaz.state_index for t in head):
            return None
        place = self._link_place(doc, tail.start, tail.end, context, fuzzy=False)
        state = self.gaz.state_index.get(norm(tail.text))
        if place is None and (state is None or state[1] != "name"):
            return None
        out = [Candidate(head.start, head.end, "Place", PRIORITY_NER, {"source": "ner", "confidence": 0.6})]
        if place is not None:
            out.append(Candidate(tail.start, tail.end, "Place", PRIORITY_NER, self._place_info(place, "ner", 0.8)))
        return out

    @staticmethod
    def _subdivision_name(doc: Doc, start: int, end: int) -> bool:
        """'Borno State', 'Kunar Province', 'Tillaberi Region': a name ending in a capitalised subdivision
        word is a place, whatever the NER says ('Borno State Government' does not end so)."""
        return end - start >= 2 and doc[end - 1].text in SUBDIVISION_TITLES and all(
            t.is_title and t.is_alpha and t.lower_ not in ORG_HINT_WORDS for t in doc[start:end - 1])

    @staticmethod
    def _product(doc: Doc, start: int, end: int) -> bool:
        nxt = doc[end].lower_ if end < len(doc) else ""
        prev = doc[start - 1].lower_ if start > 0 else ""
        return nxt in PRODUCT_NEXT or prev in PRODUCT_PREV or doc[end - 1].lower_ in PRODUCT_LAST

    def _names_state(self, doc: Doc, start: int, end: int) -> bool:
        return any(norm(t.text) in self.gaz.state_index for t in doc[start:end])

    @staticmethod
    def _place_context(doc: Doc, start: int, end: int) -> bool:
        """Words around a name that make it a place whatever the NER says."""
        nxt = doc[end] if end < len(doc) else None
        if nxt is not None and nxt.text in POSSESSIVE:
            return False  # "in Netanyahu's speech"
        if nxt is not None and nxt.lower_ in PLACE_AFTER and nxt.is_lower:
            return True  # "the Zamzam displacement camp", "the Lachin corridor"
        prev = doc[start - 1] if start > 0 else None
        if prev is not None and prev.lower_ in LOCATIVE_PREP and prev.is_lower:
            return not (nxt is not None and nxt.lemma_ in {"say", "tell"})
        # "the enclave's capital, Stepanakert" / "the town of X"
        if start >= 2 and prev.text == "," and doc[start - 2].lower_ in PLACE_NOUNS:
            return True
        return bool(start >= 2 and prev.lower_ == "of" and doc[start - 2].lower_ in PLACE_NOUNS
                    and doc[start - 2].is_lower)

    def _sites(self, doc: Doc, covered: list[Candidate]) -> list[Candidate]:
        """Named sites and features: capitalised words before a head word ('the Kamal Adwan Hospital',
        'Scarborough Shoal', 'the Hmeimim air base'). The name must hold a word that is no State or demonym
        ('an Israeli air base' names no site) and none of another known entity ('a Hezbollah base')."""
        owner = {i: c for c in covered for i in range(c.start, c.end)}
        out = []
        heads = filter_spans([doc[s:e] for key, s, e in self.lower(doc) if self.strings[key] == "SITE"])
        for head in heads:
            if not (head[-1].is_title or head[-1].is_lower) or head[0].i in owner:
                continue
            i = head.start
            while i > 0 and head.start - i < 4 and doc[i - 1].is_title and doc[i - 1].is_alpha \
                    and doc[i - 1].pos_ in {"PROPN", "NOUN", "ADJ"} and not doc[i - 1].is_stop \
                    and doc[i - 1].lower_ not in GENERIC_NAME_WORDS and doc[i - 1].lower_ not in self.gaz.titles:
                i -= 1
            if i == head.start or (head[0].is_title and i == head.start - 1 and doc[i].is_sent_start):
                continue  # no name, or one capitalised word opening a sentence before a capitalised head
            if head[0].is_lower and (any(not t.is_title for t in doc[i:head.start])
                                     or norm(doc[i:head.start].text) in self.gaz.place_index):
                continue  # "Japan's Hokkaido island" is Hokkaido
            names = [t for t in doc[i:head.start] if not (t.i in owner and owner[t.i].label == "State")]
            if not names or any(t.i in owner for t in names):
                continue
            out.append(Candidate(i, head.end, "Place", PRIORITY_GAZ,
                                 {"canonical": doc[i:head.end].text, "kind": "site", "source": "pattern",
                                  "confidence": 0.75}))
        return out

    def _coordinated_subdivisions(self, doc: Doc, chosen: list[Candidate]) -> None:
        """'strikes on Khost and Paktika', 'the provinces of X and Y': a place coordinated with a province is
        a province too when one of that name exists in the same State (not the city named like it)."""
        places = sorted((c for c in chosen if c.label == "Place"), key=lambda c: c.start)
        for a, b in zip(places, places[1:], strict=False):
            between = {t.lower_ for t in doc[a.end:b.start]}
            if not between or not between <= {"and", "or", ","} or b.start - a.end > 2:
                continue
            for city, sub in ((a, b), (b, a)):
                if city.info.get("kind") != "city" or sub.info.get("kind") != "subdivision":
                    continue
                text = doc[city.start:city.end].text
                options = [p for p in self.gaz.place_candidates(text)
                           if p.kind == "subdivision" and p.country == city.info.get("state")]
                if options:
                    city.info = self._place_info(options[0], "gazetteer", float(city.info.get("confidence", 0.9)))

    def _with_place_noun(self, doc: Doc, cand: Candidate) -> None:
        """'the Kharkiv region', 'Idlib province', 'Kismayo city': the lower-case noun after a place name says
        which of the places so named the text means, and news names the place with it (``written``). A
        subdivision named after its capital that the gazetteer lacks is a Place of its own, named as the
        text does, in the capital's State (never the city)."""
        end = cand.end
        if cand.label != "Place" or end >= len(doc) or not doc[end].is_lower or cand.info.get("kind") == "region":
            return
        noun = doc[end].lower_
        if noun not in SUBDIVISION_NOUNS and noun != "city":
            return
        if end + 1 < len(doc) and doc[end + 1].lower_ in {"council", "government", "administration", "police",
                                                             "authorities", "hall", "centre", "center"}:
            return  # "the Kharkiv region administration": an institution, not the place's name
        text = doc[cand.start:end].text
        state = cand.info.get("state")
        wanted = "city" if noun == "city" else "subdivision"
        if cand.info.get("kind") != wanted:
            options = [p for p in self.gaz.place_candidates(text) if p.kind == wanted and (
                state is None or p.country == state)]
            if options:
                cand.info = self._place_info(max(options, key=lambda p: p.population), "gazetteer",
                                             float(cand.info.get("confidence", 0.9)))
            elif wanted == "subdivision" and state:
                cand.info = {"canonical": f"{text} {noun}", "state": state, "kind": "subdivision",
                             "source": "pattern", "confidence": 0.7}
            else:
                return
        # the record is also named as the text does ('Idlib province' beside 'Idlib' its capital)
        cand.info = {**cand.info, "written": f"{text} {noun}"}

    @staticmethod
    def _province_next(doc: Doc, end: int) -> bool:
        return end < len(doc) and doc[end].lower_ in {"province", "region", "governorate", "oblast", "state",
                                                      "district", "county"}

    def _link_place(self, doc: Doc, start: int, end: int, context: dict[str, float],
                    fuzzy: bool = True) -> PlaceInfo | None:
        """The gazetteer place a span names: exact name first, then a spelling variant (fuzzy)
        among the places of the states the document (or a possessive right before) speaks of."""
        text = doc[start:end].text
        local = dict(context)
        # "Iran's border city of X": the possessive State right before weighs most
        for i in range(max(1, start - 6), start):
            if doc[i].text in POSSESSIVE:
                hit = self.gaz.state_index.get(norm(doc[i - 1].text))
                if hit:
                    local[hit[0]] = local.get(hit[0], 0.0) + 100.0
        place = self.gaz.best_place(text, local, self._province_next(doc, end))
        if place is not None and (local.get(place.country, 0.0) > 0 or place.kind == "region"):
            return place
        if place is not None and (not local or not fuzzy) and place.population >= PROMINENT_POPULATION:
            return place
        if not fuzzy or not local:
            return None if place is None or place.population < PROMINENT_POPULATION else place
        # an exact name from a state the text never mentions (many small-town names recur in other countries):
        # a close spelling in a mentioned state wins
        fallback = place if place is not None and place.population >= PROMINENT_POPULATION else None
        return self._fuzzy_place(text, local) or fallback

    def _fuzzy_place(self, text: str, context: dict[str, float]) -> PlaceInfo | None:
        key, skel = sound_key(text), skeleton(text)
        if len(key) < 4:
            return None
        best, best_score = None, 0.0
        floor = self.fuzzy_threshold - 1.0  # the tie-break below adds at most 1: nothing under this can win
        for country in sorted(context, key=lambda c: -context[c])[:3]:
            entries, keys, by_skeleton = self._sound_index(country, key[:1])
            hits = {i for _, _, i in process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=floor, limit=None)}
            if len(skel) >= 4:
                hits.update(by_skeleton.get(skel, ()))
            for i in sorted(hits):  # list order, as a scan of every key would meet them
                place, name_key, name_skel = entries[i]
                score = fuzz.ratio(key, name_key)
                if len(skel) >= 4 and skel == name_skel:
                    score = max(score, 92.0)
                score += min(place.population, 1_000_000) / 1e6  # tie-break by size
                if score > best_score:
                    best, best_score = place, score
        return best if best_score >= self.fuzzy_threshold else None

    def _sound_keys(self, country: str) -> list[tuple[PlaceInfo, str, str]]:
        """Spelling keys of every known place name of a country, computed once per country."""
        keys = self._keys_by_country.get(country)
        if keys is None:
            keys = [(p, key, skeleton_of_key(key)) for p in self.gaz.places_in(country)
                    for n in {p.name, *p.names} if n[:1].isascii() for key in (sound_key(n),)]
            self._keys_by_country[country] = keys
        return keys

    def _sound_index(self, country: str, letter: str) -> tuple[list, list[str], dict[str, list[int]]]:
        """A country's spelling keys that start with ``letter``, and their positions by skeleton, so a
        fuzzy lookup scores a short list in C (rapidfuzz) instead of every place in Python (it was
        the largest cost of a build after spaCy itself: benchmarks/bench_build.py)."""
        index = self._index_by_country.get(country)
        if index is None:
            grouped: dict[str, list[tuple[PlaceInfo, str, str]]] = {}
            for entry in self._sound_keys(country):
                grouped.setdefault(entry[1][:1], []).append(entry)
            index = {}
            for first, entries in grouped.items():
                by_skeleton: dict[str, list[int]] = {}
                for i, (_, _, name_skel) in enumerate(entries):
                    by_skeleton.setdefault(name_skel, []).append(i)
                index[first] = (entries, [e[1] for e in entries], by_skeleton)
            self._index_by_country[country] = index
        return index.get(letter, ([], [], {}))


def _determiner_before(doc: Doc, start: int, states_by_end: dict[int, Candidate], skip: frozenset[str]) -> int:
    """Start of the words that qualify a title ('the *Chinese* diplomat', 'the *acting* governor'), so the
    determiner before them can be checked: a State just before the title, lower-case adjectives and
    describing words (``skip``: 'acting', 'former')."""
    i = start
    for _ in range(3):
        cand = states_by_end.get(i)
        if cand is not None:
            i = cand.start
        elif i >= 1 and doc[i - 1].is_alpha and doc[i - 1].is_lower and doc[i - 1].pos_ not in ("DET", "PRON") \
                and (doc[i - 1].pos_ == "ADJ" or doc[i - 1].lower_ in skip):
            i -= 1
        else:
            break
    return i


def _sentence_initial_name(doc: Doc, end: int, titles) -> tuple[int, int]:
    """Two to four capitalised words ending at token ``end`` that open their sentence, after any ranks
    ('Lt Gen X Y, the director general of ...'): a personal name the NER missed before an appositive title.
    ``(end, end)`` when there is none."""
    def rank(tok) -> bool:
        return tok.lower_.rstrip(".") in RANK_WORDS or tok.lower_ in titles or tok.text == "."

    i = end
    while i > 0 and end - i < 4 and doc[i - 1].is_title and doc[i - 1].is_alpha and not rank(doc[i - 1]) \
            and doc[i - 1].ent_type_ in ("", "PERSON", "ORG") and doc[i - 1].lower_ not in GENERIC_NAME_WORDS:
        i -= 1
    first = i
    while first > 0 and not doc[first].is_sent_start and rank(doc[first - 1]):
        first -= 1
    if end - i >= 2 and (first == 0 or doc[first].is_sent_start):
        return i, end
    return end, end


def _codename(doc: Doc, start: int) -> bool:
    """A name right after 'codenamed' / 'dubbed' / 'operation' (quoted or not), or quoted after 'called'."""
    i = start - 1
    quoted = i >= 0 and doc[i].is_quote
    if quoted:
        i -= 1
    if i < 0:
        return False
    word = doc[i].lower_
    return word in CODENAME_WORDS or (quoted and word in {"called", "named", "nicknamed"})


def _office_words(tokens) -> str:
    """Words of a body as part of an office literal: 'foreign ministry' -> 'Foreign Ministry', connectors kept."""
    return " ".join(t.text if t.is_upper or t.lower_ in {"of", "the", "and", "for"} else t.text[:1].upper() + t.text[1:]
                    for t in tokens)


def _acronym_end(doc: Doc, i: int) -> int | None:
    """End of an all-capitals acronym starting at token ``i`` ('MPJ', 'CSP-DPA'), or None."""
    if i >= len(doc) or not (doc[i].is_upper and doc[i].is_alpha and len(doc[i]) >= 2) or i == 0 \
            or doc[i].is_sent_start:
        return None
    end = i + 1
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and doc[end + 1].is_upper:
        end += 2
    return end


def _in_compound(doc: Doc, start: int, end: int) -> bool:
    """A match glued by hyphens to more capitals ('DPA' in 'CSP-DPA'): part of another name."""
    before = start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ \
        and not doc[start - 1].whitespace_ and doc[start - 2].is_upper
    after = end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
        and not doc[end].whitespace_ and doc[end + 1].is_upper
    return before or after


def _span_ref(doc: Doc, cand: Candidate) -> str:
    """An affiliation that is another entity of the text: 'span:<start char>:<end char>'."""
    return f"span:{doc[cand.start].idx}:{doc[cand.end - 1].idx + len(doc[cand.end - 1])}"


def display_name(place: PlaceInfo) -> str:
    """The label to show for a place: English connector for Persian names ('Kohgiluyeh and Boyer-Ahmad')."""
    name = place.name
    if " va " in name:
        name = name.replace(" va ", " and ")
    return name


@Language.factory(
    "kg_entities",
    default_config={"data_dir": None, "fuzzy_threshold": 88.0},
    requires=["doc.ents", "token.pos"],
    assigns=["doc.ents", "doc._.kg_info"],
)
def make_kg_entities(nlp: Language, name: str, data_dir: str | None, fuzzy_threshold: float) -> KGEntities:
    """Config-driven factory: ``nlp.add_pipe("kg_entities", config={"data_dir": ...})``."""
    return KGEntities(nlp, load_gazetteer(data_dir), fuzzy_threshold)
