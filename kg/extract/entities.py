"""Entity records for one document, built from the typed spans of the ``kg_entities`` component.

:func:`collect_entities` merges mentions into one :class:`~kg.records.EntityRecord` per real-world
entity ("Lavrov" after "Sergei Lavrov"; "Tehran said" and "the Islamic Republic" -> Iran),
and reads the facts entities carry: ``position`` and ``affiliation`` of officials and bodies,
``basedIn`` of armed groups, ``locatedIn`` of places (from the gazetteer and from text such as
"Iran's border city of X" or "X in Iran's Y province").

The :class:`EntityIndex` it returns is what the event extractor uses to fill roles:
``entity_at(start, end)`` finds the entity of a character range and ``state_of(key)`` the State an
entity belongs to.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.extract.evidence import sentence_evidence
from kg.nlp.components import ENTITY_LABELS, span_info
from kg.nlp.gazetteer import Gazetteer, load_gazetteer, norm
from kg.nlp.words import words
from kg.records import Document, EntityRecord, Evidence, Fact

_W = words()  # the word lists of kg/nlp/data/words.json (facts_* are this module's)
_BASED_WORDS = _W.facts_based_words
_STRONGHOLD_WORDS = _W.facts_stronghold_words
_RELATIVE_FILLER = _W.facts_relative_filler
_CONTROL_VERBS = _W.facts_control_verbs
_PASSIVE_CONTROL = _W.facts_passive_control
_EXTENT_WORDS = _W.facts_extent_words
_GROUP_WORDS = _W.group_adj | _W.group_nouns | _W.group_plurals | _W.facts_group_words_extra
_GROUP_HEADS = _W.group_nouns | _W.group_plurals | _W.facts_group_heads_extra
_INTERNATIONAL_OFFICES = tuple(sorted(_W.facts_international_offices))
_PLACE_NOUNS = _W.facts_place_nouns
_SUBDIVISION_NOUNS = _W.facts_subdivision_nouns
_SETTLEMENT_NOUNS = _W.facts_settlement_nouns
_SUBDIVISION_WORDS = _W.facts_subdivision_words
_KNOWN_AS_ADVERBS = _W.facts_known_as_adverbs


@dataclass(frozen=True)
class Mention:
    """One place in the text where an entity is named (character offsets into ``Document.text``)."""

    key: str
    type: str
    start: int
    end: int
    text: str


@dataclass
class EntityIndex:
    """The entities of one document, their mentions and the facts about them.

    Helpers beyond the records: :meth:`entity_at`, :meth:`key_at`, :meth:`state_of`,
    :meth:`get`, :meth:`add_state` (the State record for an ISO alpha-2 code, created on demand).
    """

    records: list[EntityRecord] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    gazetteer: Gazetteer | None = None
    _by_key: dict[str, EntityRecord] = field(default_factory=dict)
    _state_keys: dict[str, str] = field(default_factory=dict)  # iso2 -> key
    _iso_of: dict[str, str] = field(default_factory=dict)  # state key -> iso2
    _starts: list[int] = field(default_factory=list)

    # ------------------------------------------------------------------ lookup
    def get(self, key: str) -> EntityRecord | None:
        return self._by_key.get(key)

    def key_at(self, start: int, end: int) -> str | None:
        """Key of the entity whose mention overlaps the character range [start, end)."""
        if len(self._starts) != len(self.mentions):
            self._starts = [m.start for m in self.mentions]
        i = bisect.bisect_left(self._starts, end)
        for mention in reversed(self.mentions[max(0, i - 8):i]):
            if mention.start < end and mention.end > start:
                return mention.key
        return None

    def entity_at(self, start: int, end: int) -> EntityRecord | None:
        key = self.key_at(start, end)
        return self._by_key.get(key) if key else None

    def state_of(self, key: str) -> str | None:
        """Key of the State the entity is or belongs to; ``None`` when unknown (and for groups/media).

        States: themselves. Officials, persons, bodies: their ``affiliation`` (followed to a State).
        Places: the ``locatedIn`` chain. A State record is created when only the gazetteer knows it
        (a place known to lie in Iran when Iran is never named).
        """
        seen = set()
        while key and key not in seen:
            seen.add(key)
            record = self._by_key.get(key)
            if record is None:
                return None
            if record.type == "State":
                return key
            nxt = None
            for fact in self.facts:
                serves_or_in = fact.predicate in ("affiliation", "partOf", "locatedIn")
                if fact.subject == key and fact.object_is_key and serves_or_in:
                    nxt = fact.object
                    if self._by_key.get(nxt) is not None and self._by_key[nxt].type == "State":
                        return nxt
            key = nxt
        return None

    def containers_of(self, key: str) -> set[str]:
        """The places a place lies in, by the ``locatedIn`` chain (sites, towns, provinces, the State)."""
        out: set[str] = set()
        frontier = [key]
        while frontier:
            current = frontier.pop()
            for fact in self.facts:
                if (fact.subject == current and fact.predicate == "locatedIn" and fact.object_is_key
                        and fact.object not in out):
                    out.add(fact.object)
                    frontier.append(fact.object)
        return out

    def iso_of(self, key: str) -> str | None:
        """ISO alpha-2 code of a State record."""
        return self._iso_of.get(key)

    # ------------------------------------------------------------------ building
    def _new_key(self) -> str:
        return f"e{len(self.records) + 1}"

    def _add(self, record: EntityRecord) -> EntityRecord:
        self.records.append(record)
        self._by_key[record.key] = record
        return record

    def add_state(self, iso2: str, evidence: Evidence) -> str | None:
        """Key of the State record for ``iso2``, created (with gazetteer ids) if the text never names it."""
        if iso2 in self._state_keys:
            return self._state_keys[iso2]
        gaz = self.gazetteer
        info = gaz.states.get(iso2) if gaz else None
        if info is None:
            return None
        ids = {"wikidata": info.wikidata, "iso3166": iso2}
        if info.geonames:
            ids["geonames"] = info.geonames
        record = self._add(EntityRecord(self._new_key(), "State", info.name, evidence, {info.name},
                                        info.name, ids))
        self._state_keys[iso2] = record.key
        self._iso_of[record.key] = iso2
        return record.key

    def add_fact(self, subject: str, predicate: str, obj, evidence: Evidence, object_is_key: bool = True) -> None:
        for fact in self.facts:
            if fact.subject == subject and fact.predicate == predicate and fact.object == obj:
                return
        self.facts.append(Fact(subject, predicate, obj, evidence, object_is_key))

    def add_described_group(self, name: str, start: int, end: int, evidence: Evidence) -> str:
        """Key of an ArmedGroup known only by a description ("a Kurdish militant group"), made by the
        event extractor when such a phrase is an attacker or target; one record per name."""
        record = next((r for r in self.records if r.type == "ArmedGroup" and name in r.names), None)
        if record is None:
            record = self._add(EntityRecord(self._new_key(), "ArmedGroup", name, evidence, {name}))
        self.mentions.append(Mention(record.key, "ArmedGroup", start, end, name))
        self.mentions.sort(key=lambda m: (m.start, m.end))
        return record.key


# ---------------------------------------------------------------------- collect
def collect_entities(document: Document, doc: Doc) -> EntityIndex:
    """One record per distinct entity of ``doc`` (made by ``kg.nlp.load_pipeline``), with facts."""
    index = EntityIndex(gazetteer=load_gazetteer(None))  # positional None: the same lru_cache entry as kg_entities
    builder = _Builder(document, doc, index)
    for ent in doc.ents:
        if ent.label_ in ENTITY_LABELS:
            builder.add_mention(ent)
    builder.finish()
    index.mentions.sort(key=lambda m: (m.start, m.end))
    return index


class _Builder:
    """Merges mentions into records and derives facts; one per document."""

    def __init__(self, document: Document, doc: Doc, index: EntityIndex):
        self.document, self.doc, self.index = document, doc, index
        self.gaz = index.gazetteer
        self.by_identity: dict[tuple, str] = {}
        self.person_keys: list[str] = []
        self.generic_bodies: dict[str, list[str]] = {}  # generic body pattern -> keys
        self.pending: list[tuple[str, Span, dict]] = []  # records whose facts need all mentions
        self.last_place_key: str | None = None
        self.last_subdivision_key: str | None = None

    def evidence(self, span: Span, confidence: float) -> Evidence:
        return sentence_evidence(self.document, span, confidence)

    # ------------------------------------------------------------------ mentions
    def add_mention(self, span: Span) -> None:
        info = span_info(span)
        label = span.label_
        key = self._record_for(span, label, info)
        record = self.index.get(key)
        written = info.get("written")  # "China Coast Guard" beside "Coast Guard of China"; "Idlib province"
        # a province written 'X province' is not named like its capital X, and a State spoken of by its
        # capital ('Tehran said') is not named like the city: the capital stays the Place's name alone
        if not (written and info.get("kind") == "subdivision") and info.get("how") != "capital":
            record.names.add(span.text)
        if written:
            record.names.add(written)
        self.index.mentions.append(Mention(key, record.type, span.start_char, span.end_char, span.text))
        self.pending.append((key, span, info))
        if record.type == "Place":
            self.last_place_key = key
            if info.get("kind") == "subdivision":
                self.last_subdivision_key = key

    def _record_for(self, span: Span, label: str, info: dict) -> str:
        index = self.index
        conf = float(info.get("confidence", 0.7))
        if label == "State":
            iso2 = info["state"]
            key = index.add_state(iso2, self.evidence(span, conf))
            return key
        if label in ("Person", "Official"):
            return self._person(span, label, info, conf)
        alias_of = self._known_as(span, label)
        if alias_of is not None:
            return alias_of
        if label == "GovernmentBody" and info.get("generic") and not info.get("state"):
            keys = self.generic_bodies.get(info["generic"])
            if keys:
                return keys[-1]
        identity = (label, info.get("canonical") or norm(span.text))
        if label == "Place" and "place_id" in info:
            identity = ("Place", info["place_id"])
        key = self.by_identity.get(identity)
        if key is None and label == "Place" and "place_id" not in info:
            key = self._similar_place(span.text)
        if key is not None:
            return key
        ids = dict(info.get("ids", {}))
        record = EntityRecord(index._new_key(), label, info.get("canonical") or _clean_name(span.text),
                              self.evidence(span, conf), set(), info.get("canonical"), ids,
                              info.get("lat"), info.get("long"))
        index._add(record)
        self.by_identity[identity] = record.key
        if label == "GovernmentBody" and info.get("generic"):
            self.generic_bodies.setdefault(info["generic"], []).append(record.key)
        return record.key

    def _known_as(self, span: Span, label: str) -> str | None:
        """'X, known internationally as Y' / 'X (also called Y)': Y is another name of the entity just
        named, so it joins that record instead of making a second node."""
        doc, i = span.doc, span.start - 1
        if i < 2:
            return None
        if doc[i].lower_ == "as":
            j = i - 1
            while j > 0 and doc[j].lower_ in _KNOWN_AS_ADVERBS:
                j -= 1
            if doc[j].lower_ != "known":
                return None
        elif doc[i].lower_ == "called":
            j = i - 1 if doc[i - 1].lower_ == "also" else i
        else:
            return None
        k = j - 1
        if k < 1 or doc[k].text not in (",", "("):
            return None
        end = doc[k - 1].idx + len(doc[k - 1].text)
        previous = [m for m in self.index.mentions if m.type == label and m.end == end]
        return previous[-1].key if previous else None

    def _similar_place(self, text: str) -> str | None:
        from rapidfuzz import fuzz

        from kg.nlp.gazetteer import sound_key

        key = sound_key(text)
        for record in self.index.records:
            if record.type == "Place" and any(fuzz.ratio(key, sound_key(n)) >= 88 for n in record.names):
                return record.key
        return None

    def _person(self, span: Span, label: str, info: dict, conf: float) -> str:
        index = self.index
        name = _clean_name(span.text)
        tokens = name.split()
        for key in reversed(self.person_keys):
            record = index.get(key)
            known = {t for n in record.names for t in _clean_name(n).split()}
            if name in record.names or (len(tokens) == 1 and tokens[0] in known) or (
                    len(tokens) > 1 and tokens[-1] == _clean_name(record.name).split()[-1]):
                if label == "Official" and record.type == "Person":
                    record.type = "Official"
                if len(name) > len(record.name) and len(tokens) > 1:
                    record.name = name
                return key
        record = EntityRecord(index._new_key(), label, name, self.evidence(span, conf), set())
        index._add(record)
        self.person_keys.append(record.key)
        return record.key

    # ------------------------------------------------------------------ facts
    def finish(self) -> None:
        offices = self._offices()
        for key, span, info in self.pending:
            record = self.index.get(key)
            conf = float(info.get("confidence", 0.7))
            if record.type == "Official" and info.get("position") in offices.get(key, ()):
                self.index.add_fact(key, "position", info["position"], self.evidence(span, conf), False)
            if record.type in ("Official", "Person") and info.get("affiliation"):
                target = self._affiliation_target(span, info["affiliation"])
                if target and target != key:
                    self.index.add_fact(key, "affiliation", target, self.evidence(span, conf))
            if record.type == "GovernmentBody" and info.get("state"):
                target = self.index.add_state(info["state"], self.evidence(span, conf))
                if target:
                    self.index.add_fact(key, "partOf", target, self.evidence(span, conf))
            if record.type == "Place":
                self._place_facts(key, span, info, conf)
            if record.type == "ArmedGroup":
                self._based_in(key, span)
        for key, span, _info in self.pending:
            if self.index.get(key).type in ("Official", "Person") and self._office_holder(self.index.get(key)):
                self._known_office(key, span)
        # officials the text gives no state for: a known office holder's State, else a guess from the text
        for key, span, info in self.pending:
            record = self.index.get(key)
            if record.type not in ("Official", "Person") or info.get("affiliation") or self._has_affiliation(key):
                continue
            holder = self._office_holder(record)
            if holder is not None:
                target = self.index.add_state(holder, self.evidence(span, 0.8))
                if target:
                    self.index.add_fact(key, "affiliation", target, self.evidence(span, 0.8))
            elif record.type == "Official" and info.get("position"):
                self._default_affiliation(key, span, info["position"])

    def _known_office(self, key: str, span: Span) -> None:
        """A person the office-holder list knows ('Bashar al-Assad' named without a title) is an Official;
        the list's office is their position when the text states none."""
        record = self.index.get(key)
        holders = self.gaz.office_holders if self.gaz else {}
        office = next((holders[k][1] for k in (norm(_clean_name(n)) for n in sorted({record.name, *record.names}))
                       if " " in k and k in holders), None)
        if record.type == "Person":
            record.type = "Official"
        if office and not any(f.subject == key and f.predicate == "position" for f in self.index.facts):
            self.index.add_fact(key, "position", office, self.evidence(span, 0.7), False)

    def _has_affiliation(self, key: str) -> bool:
        return any(f.subject == key and f.predicate == "affiliation" for f in self.index.facts)

    def _office_holder(self, record: EntityRecord) -> str | None:
        """The State of a head of state or government, foreign or defence minister the list knows by one
        of the record's full names (two words at least: a lone surname is too ambiguous)."""
        holders = self.gaz.office_holders if self.gaz else {}
        for name in sorted({record.name, *record.names}):
            key = norm(_clean_name(name))
            if " " in key and key in holders:
                return holders[key][0]
        return None

    def _offices(self) -> dict[str, set[str]]:
        """The positions worth stating per person: a rank ('Colonel') only when the text gives no office,
        and no office contained in a fuller one ('Spokesman' beside 'Military Spokesman')."""
        found: dict[str, dict[str, bool]] = {}
        for key, _span, info in self.pending:
            if info.get("position"):
                found.setdefault(key, {})[info["position"]] = bool(info.get("rank"))
        out = {}
        for key, positions in found.items():
            offices = [p for p, rank in positions.items() if not rank] or list(positions)
            out[key] = {p for p in offices
                        if not any(o != p and f" {p.lower()} " in f" {o.lower()} " for o in offices)}
        return out

    def _default_affiliation(self, key: str, span: Span, position: str) -> None:
        """An office holder the text gives no state for ('President Bola Tinubu'): the State named
        last before them in the same sentence, else the State the article is about (at least half
        of its State mentions). International offices (Secretary-General, envoy) get none."""
        if any(f.subject == key and f.predicate == "affiliation" for f in self.index.facts):
            return
        if any(word in position.lower() for word in _INTERNATIONAL_OFFICES):
            return
        sentence = span.sent
        target = None
        for mention in self.index.mentions:
            if mention.type == "State" and sentence.start_char <= mention.start < span.start_char:
                if not _quoted(self.doc.text[sentence.start_char:mention.start]):
                    target = mention.key  # a State inside the words quoted is what was said, not who
            elif mention.type == "Place" and sentence.start_char <= mention.start < span.start_char and self.gaz:
                # "In Washington, National Security Council spokesman X": the capital's State
                capital = self.gaz.state_index.get(norm(mention.text))
                if capital and capital[1] == "capital":
                    target = self.index.add_state(capital[0], self.evidence(span, 0.6)) or target
        target = self._appositive_state(span) or target
        if target is None:
            target = self._subject_state_before(sentence)
        if target is None:
            counts: dict[str, int] = {}
            for mention in self.index.mentions:
                if mention.type == "State":
                    counts[mention.key] = counts.get(mention.key, 0) + 1
            if counts:
                top = max(counts, key=counts.get)
                if counts[top] * 2 >= sum(counts.values()):
                    target = top
        if target:
            self.index.add_fact(key, "affiliation", target, self.evidence(span, 0.6))

    def _appositive_state(self, span: Span) -> str | None:
        """'Yahya Rassol, a spokesman for the Iraqi prime minister', 'the North Korean leader's sister, X':
        the State the name's own apposition names is theirs, before any State told elsewhere in the sentence."""
        root = span.root
        own = {t.i for t in root.subtree}
        words = [t for c in root.children if c.dep_ == "appos" for t in c.subtree]
        if root.dep_ == "appos":
            words += [t for t in root.head.subtree if t.i not in own]
        starts = {t.idx for t in words}
        return next((m.key for m in self.index.mentions if m.type == "State" and m.start in starts), None)

    def _subject_state_before(self, sentence: Span) -> str | None:
        """'Peru went further on Tuesday. Foreign Minister X said ...': the State that is the subject of
        the sentence just before speaks through the official the next sentence names."""
        if sentence.start == 0:
            return None
        previous = self.doc[sentence.start - 1].sent
        for mention in self.index.mentions:
            if mention.type != "State" or not previous.start_char <= mention.start < previous.end_char:
                continue
            span = self.doc.char_span(mention.start, mention.end)
            if span is not None and any(t.dep_ in ("nsubj", "nsubjpass") for t in span):
                return mention.key
        return None

    def _affiliation_target(self, span: Span, affiliation: str) -> str | None:
        if affiliation.startswith("span:"):  # another entity of the text: "Houthi spokesman X"
            start, end = (int(x) for x in affiliation[5:].split(":"))
            return self.index.key_at(start, end)
        if affiliation.startswith("@"):  # "the province's deputy governor": the last place named
            place = self.last_subdivision_before(span) or self.last_place_before(span)
            return self.index.state_of(place) if place else None
        return self.index.add_state(affiliation, self.evidence(span, 0.85))

    def last_place_before(self, span: Span) -> str | None:
        best = None
        for mention in self.index.mentions:
            if mention.type == "Place" and mention.end <= span.start_char:
                best = mention.key
        return best

    def last_subdivision_before(self, span: Span) -> str | None:
        best = None
        for key, other, info in self.pending:
            if other.end_char <= span.start_char and info.get("kind") == "subdivision":
                best = key
        return best

    def _place_facts(self, key: str, span: Span, info: dict, conf: float) -> None:
        index = self.index
        evidence = self.evidence(span, min(conf, 0.9))
        # gazetteer knowledge: the subdivision a city lies in, and the country
        # text first: "Iran's border city of X", "X in Iran's Y province", "QUETTA, Pakistan"
        container = self._container_in_text(span)
        if container and container != key and not self._has_located(key, container) \
                and not self._has_located(container, key):
            index.add_fact(key, "locatedIn", container, self.evidence(span, 0.8))
        # gazetteer knowledge: the subdivision a city lies in (when the text names that subdivision:
        # an unnamed one would be a node nobody reads about), else the country
        parent = info.get("parent")
        if parent and self.gaz:
            place = self.gaz.places.get(parent)
            # a capital district named like its city ('Tehran' in Tehran province) adds only noise
            same = place is not None and norm(place.name) == norm(info.get("canonical") or span.text)
            pkey = self._mentioned_place(place) if place and not same else None
            if pkey and pkey != key:
                index.add_fact(key, "locatedIn", pkey, evidence)
                return
        if info.get("state") and not self._has_located(key):
            skey = index.add_state(info["state"], evidence)
            if skey and skey != key:
                index.add_fact(key, "locatedIn", skey, evidence)
        if info.get("kind") == "site" and not self._has_located(key):
            town = self._recent_town(span)
            if town and town != key:
                index.add_fact(key, "locatedIn", town, self.evidence(span, 0.6))

    def _recent_town(self, span: Span) -> str | None:
        """'A drone hit the last hospital in X. ... the Y Teaching Hospital was full': a named site the text
        does not place lies in the town named last in its sentence or the one before."""
        sentence = span.sent
        start = self.doc[sentence.start - 1].sent.start_char if sentence.start > 0 else sentence.start_char
        found = None
        for mention in self.index.mentions:
            if mention.type == "Place" and start <= mention.start < span.start_char:
                record = self.index.get(mention.key)
                if record.ids.get("geonames") and not record.ids.get("iso3166"):
                    found = mention.key
        return found

    def _has_located(self, key: str, obj: str | None = None) -> bool:
        return any(f.subject == key and f.predicate == "locatedIn" and (obj is None or f.object == obj)
                   for f in self.index.facts)

    def _mentioned_place(self, place) -> str | None:
        """Key of the record the text has for a gazetteer place (linked to it, or named like it)."""
        key = self.by_identity.get(("Place", place.id))
        if key:
            return key
        names = {norm(n) for n in (place.name, *place.names)}
        for record in self.index.records:
            if record.type == "Place" and any(norm(n) in names for n in (record.name, *record.names)):
                return record.key
        return None

    def _container_in_text(self, span: Span) -> str | None:
        doc = self.doc
        # "Iran's border city of X" / "Nigeria's Borno state": a State + 's shortly before
        i = span.start - 1
        steps = 0
        while i >= 1 and steps < 5:
            tok = doc[i]
            if tok.text in ("'s", "’s"):
                key = self.index.key_at(doc[i - 1].idx, doc[i - 1].idx + len(doc[i - 1].text))
                rec = self.index.get(key) if key else None
                if rec is not None and rec.type in ("State", "Place"):
                    return key
                break
            if tok.is_punct or tok.ent_type_ or (tok.pos_ == "ADP" and tok.lower_ != "of"):
                break  # "X's embassy in Y": the owner of the building, not Y's container
            i -= 1
            steps += 1
        found = self._container_after(span) or self._container_before(span)
        if found:
            return found
        # "X in Iran's Y province" / "X, Pakistan" / "X in Iran"
        j = span.end
        if j < len(doc) and doc[j].lower_ in ("in", ",") and j + 1 < len(doc):
            k = j + 1
            if doc[k].lower_ == "the":
                k += 1
            if k < len(doc):
                key = self.index.key_at(doc[k].idx, doc[k].idx + len(doc[k].text))
                rec = self.index.get(key) if key else None
                if rec is not None and rec.type in ("State", "Place"):
                    # "in Syria's Idlib province": the most specific container
                    if k + 2 < len(doc) and doc[k + 1].text in ("'s", "’s"):
                        inner = self.index.key_at(doc[k + 2].idx, doc[k + 2].idx + len(doc[k + 2].text))
                        inner_rec = self.index.get(inner) if inner else None
                        if inner_rec is not None and inner_rec.type == "Place":
                            return inner
                    return key
        return None

    def _place_key_at(self, i: int) -> str | None:
        """Key of the Place or State record named at token ``i`` (None otherwise)."""
        tok = self.doc[i]
        key = self.index.key_at(tok.idx, tok.idx + len(tok.text))
        record = self.index.get(key) if key else None
        return key if record is not None and record.type in ("State", "Place") else None

    def _container_after(self, span: Span) -> str | None:
        """'the X district of Y', 'the X displacement camp in Y', 'X, in the Y region', 'X, a town in Y'."""
        doc = self.doc
        j, comma = self._after_place_words(span)
        if j >= len(doc) or doc[j].lower_ not in ("in", "of"):
            return None
        # "of" only after a subdivision noun ("the X district of Y") or right after a place ("X of Y");
        # "the Y town of X" reads the other way (see _container_before)
        if doc[j].lower_ == "of" and not (j == span.end or doc[j - 1].lower_ in _SUBDIVISION_NOUNS
                                          or (comma and doc[j - 1].lower_ == "capital")):
            return None  # "X, the besieged capital of Y" is in Y
        k = j + 1
        if k < len(doc) and doc[k].lower_ == "the":
            k += 1
        if k + 2 < len(doc) and doc[k + 1].text in ("'s", "’s"):
            inner = self._place_key_at(k + 2)  # "of Sudan's North Darfur state": the most specific
            if inner is not None and self.index.get(inner).type == "Place":
                return inner
        return self._place_key_at(k) if k < len(doc) else None

    def _after_place_words(self, span: Span) -> tuple[int, bool]:
        """The token after the words that describe a place ('X, a small town', 'the X displacement camp'),
        and whether a comma follows the name."""
        doc, j = self.doc, span.end
        comma = j < len(doc) and doc[j].text == ","
        if comma:
            j += 1
            if j < len(doc) and doc[j].lower_ in _W.determiners:  # "X, a small town in Y"
                k = j + 1
                while k < len(doc) and k - j <= 3 and doc[k].is_lower and doc[k].lower_ not in _PLACE_NOUNS:
                    k += 1
                if k < len(doc) and doc[k].lower_ in _PLACE_NOUNS:
                    j = k + 1
        else:
            while j < len(doc) and j - span.end < 2 and doc[j].is_lower and doc[j].lower_ in _PLACE_NOUNS:
                j += 1  # "the Zamzam displacement camp in", "the Barmal district of"
        return j, comma

    def _container_before(self, span: Span) -> str | None:
        """'the Golan Heights town of X', 'Paktika's district of X': a place, a place noun, 'of', X."""
        doc, i = self.doc, span.start
        if i >= 3 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in _SETTLEMENT_NOUNS and doc[i - 2].is_lower:
            k = i - 3
            if doc[k].text in ("'s", "’s") and k >= 1:
                k -= 1
            return self._place_key_at(k)
        return None

    def _based_in(self, key: str, span: Span) -> None:
        """Where an armed group is based, from the ways news says it (first that applies):
        'X, a group based in Y' / 'X, active in Y' / 'X ... fighting in Y'; 'X, which controls much of northern Y';
        'Y is largely controlled by X' ('the region' read as the subdivision named just before);
        'Lebanon's X', 'the Lebanese militant group X', 'the Y-based X'; 'X, a Y rebel group' /
        'X ... is Y's largest guerrilla group' (read from the parse)."""
        target = (self._based_by_words(span) or self._controls(span) or self._controlled_by(span)
                  or self._owner_before(span) or self._described_as(span))
        if target and target != key:
            self.index.add_fact(key, "basedIn", target, self.evidence(span, 0.75))

    def _based_by_words(self, span: Span) -> str | None:
        doc, sent = self.doc, span.sent
        for tok in doc[span.end:sent.end]:
            own_base = tok.lower_ in _STRONGHOLD_WORDS and doc[tok.i - 1].lower_ in ("its", "their")
            if (tok.lower_ in _BASED_WORDS or own_base) and tok.i + 1 < sent.end \
                    and doc[tok.i + 1].lower_ in ("in", "from"):
                target = None
                for ent in doc[tok.i + 2:min(sent.end, tok.i + 10)].ents:
                    if ent.label_ in ("Place", "State"):
                        target = self.index.key_at(ent.start_char, ent.end_char)
                        if ent.label_ == "Place":
                            break
                    elif ent.label_ in ENTITY_LABELS:
                        break
                return target
            if tok.ent_type_ == "ArmedGroup" and tok.i > span.end:
                return None
        return None

    def _controls(self, span: Span) -> str | None:
        """'X, which controls much of northern Y', 'X, who hold parts of Y'."""
        doc, j = self.doc, span.end
        while j < len(doc) and j - span.end < 4 and (doc[j].lower_ in _RELATIVE_FILLER):
            j += 1
        if j + 1 >= len(doc) or doc[j].lower_ not in _CONTROL_VERBS or doc[j + 1].lower_ == "by":
            return None
        k = j + 1
        while k < len(doc) and k - j <= 5 and doc[k].is_lower and doc[k].lower_ in _EXTENT_WORDS:
            k += 1
        return self._place_key_at(k) if k < len(doc) else None

    def _controlled_by(self, span: Span) -> str | None:
        """'Y is largely controlled by X': the passive subject, a named place or 'the region' just named."""
        doc, i = self.doc, span.start
        if i >= 1 and doc[i - 1].lower_ == "the":
            i -= 1
        if i < 2 or doc[i - 1].lower_ != "by" or doc[i - 2].lower_ not in _PASSIVE_CONTROL:
            return None
        verb = doc[i - 2]
        subject = next((c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")), None)
        if subject is None:
            return None
        named = self._place_key_at(subject.i)
        if named:
            return named
        if subject.lower_ in _SUBDIVISION_NOUNS and any(c.lower_ in ("the", "this") for c in subject.children):
            return self._region_named_before(span)
        return None

    def _region_named_before(self, span: Span) -> str | None:
        """'the region' in a sentence: a subdivision named in this sentence or the one before, else a place
        there (farther back 'the region' may be another)."""
        doc = self.doc
        since = doc[max(0, span.sent.start - 1)].sent.start_char
        recent = [m for m in self.index.mentions if since <= m.start < span.start_char and m.type == "Place"]
        for mention in reversed(recent):  # 'the province of Idlib', 'Idlib province': named as a region
            tok = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            before = doc[tok.start - 2:tok.start] if tok.start >= 2 else None
            if (tok.end < len(doc) and doc[tok.end].lower_ in _SUBDIVISION_NOUNS) or (
                    before is not None and before[1].lower_ == "of" and before[0].lower_ in _SUBDIVISION_NOUNS):
                return mention.key
        for place in (self.last_subdivision_before(span), recent[-1].key if recent else None):
            if place and any(m.key == place for m in recent):
                return place
        return None

    def _owner_before(self, span: Span) -> str | None:
        """'Lebanon's X', 'the Lebanese militant group X', "Yemen's Houthi rebels", 'the Y-based X'."""
        doc, i = self.doc, span.start - 1
        if i >= 2 and doc[i].lower_ == "based" and doc[i - 1].text == "-":
            return self._place_key_at(i - 2)
        while i >= 0 and i >= span.start - 4 and doc[i].is_lower and doc[i].lower_ in _GROUP_WORDS:
            i -= 1
        if i >= 1 and doc[i].text in ("'s", "’s"):
            i -= 1
        return self._place_key_at(i) if i >= 0 else None

    def _described_as(self, span: Span) -> str | None:
        """'X, a Y rebel group', 'X ... is Y's largest remaining guerrilla group': a group noun in apposition to
        X or predicated of it, owned by (possessive) or described with (adjective) a State or place."""
        for tok in span.sent:
            if tok.lower_ not in _GROUP_HEADS or tok.i < span.end:
                continue
            head = tok.head
            appos = tok.dep_ == "appos" and span.start <= head.i < span.end
            predicate = tok.dep_ == "attr" and any(c.dep_ == "nsubj" and span.start <= c.i < span.end
                                                   for c in head.children)
            if not (appos or predicate):
                continue
            for child in tok.children:
                if child.dep_ in ("poss", "amod", "compound", "nmod") and child.i < tok.i:
                    target = self._place_key_at(child.i)
                    if target:
                        return target
        return None


def _quoted(text: str) -> bool:
    """Whether the end of ``text`` lies inside quotation marks (an odd number of them before it)."""
    return (text.count('"') + text.count("\u201c") + text.count("\u201d")) % 2 == 1


def _clean_name(text: str) -> str:
    text = " ".join(text.split())
    for prefix in ("the ", "The "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text.replace(" - ", "-")
