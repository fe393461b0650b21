"""Small readings of the words around a name, shared by several entity signals."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.nlp.gazetteer import Gazetteer, norm
from kg.nlp.spans import Candidate
from kg.nlp.words import words

MAX_NAME = 5  # tokens of a personal name


def locative(doc: Doc, start: int, end: int) -> bool:
    """True when a capital's name is used as a place ('in Tehran', 'Kabul, Afghanistan', 'Kabul-based'),
    not for its government."""
    prev = doc[start - 1] if start > 0 else None
    if prev is not None and prev.lower_ in words().locative:
        return True
    struck = start >= 2 and doc[start - 2].lower_ in words().attack_nouns
    if prev is not None and prev.lower_ in ("on", "upon") and struck:
        return True  # "missile strikes on Kyiv": the city struck
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.text == "," and end + 1 < len(doc) and doc[end + 1].ent_type_ == "GPE":
        return True
    if nxt is not None and nxt.text in words().possessive and _city_part_after(doc, end + 1):
        return True  # "Mogadishu's Lido beach", "Kabul's airport"
    return bool(nxt is not None and nxt.text == "-" and end + 1 < len(doc) and doc[end + 1].lower_ == "based")


CITY_PART_WINDOW = 4  # words after "<capital>'s" in which a part of the city may come


def _city_part_after(doc: Doc, i: int) -> bool:
    parts = words().city_parts
    for tok in doc[i:i + CITY_PART_WINDOW]:
        if tok.lower_ in parts:
            return True
        if not (tok.is_title or tok.is_lower) or tok.is_punct:
            return False
    return False


def inside_ner_name(gaz: Gazetteer, ent: Span | None, start: int, end: int) -> bool:
    """A state's name inside a longer NER person or place name ('Israel Katz', 'Puerto Jordan'):
    the whole span is one name when every other token of it is a capitalised word that is not
    itself a state, demonym or title ('Israeli Prime Minister' stays a State + a title)."""
    w = words()
    if ent is None or end > ent.end or ent.label_ not in w.ner_person_labels or (ent.start, ent.end) == (start, end):
        return False
    others = [t for t in ent if not (start <= t.i < end)]
    if any(t.lower_ in w.inside_name_breakers or t.is_punct for t in others):
        return False
    return all(t.is_title and t.is_alpha and norm(t.text) not in gaz.state_index and norm(t.text) not in gaz.titles
               for t in others)


def context_ok(gaz: Gazetteer, doc: Doc, start: int, end: int) -> bool:
    """Short or ambiguous aliases count only next to a group word, in parentheses, or per NER."""
    nxt = doc[end] if end < len(doc) else None
    prev = doc[start - 1] if start > 0 else None
    if nxt is not None and nxt.lower_ in gaz.group_words:
        return True
    if prev is not None and prev.text == "(":
        return True
    ent = doc[start].ent_type_
    begins = doc[start].ent_iob_ == "B" or (start > 0 and doc[start - 1].lower_ == "the"
                                            and doc[start - 1].ent_iob_ == "B")
    return bool(ent in words().context_ner_labels and begins and (end == len(doc) or doc[end].ent_iob_ != "I"))


def in_compound(doc: Doc, start: int, end: int) -> bool:
    """A match glued by hyphens to more capitals ('DPA' in 'CSP-DPA'): part of another name."""
    before = start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ \
        and not doc[start - 1].whitespace_ and doc[start - 2].is_upper
    after = end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
        and not doc[end].whitespace_ and doc[end + 1].is_upper
    return before or after


def acronym_end(doc: Doc, i: int) -> int | None:
    """End of an all-capitals acronym starting at token ``i`` ('MPJ', 'CSP-DPA'), or None."""
    if i >= len(doc) or not (doc[i].is_upper and doc[i].is_alpha and len(doc[i]) >= 2) or i == 0 \
            or doc[i].is_sent_start:
        return None
    end = i + 1
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and doc[end + 1].is_upper:
        end += 2
    return end


def names_state(gaz: Gazetteer, doc: Doc, start: int, end: int) -> bool:
    return any(norm(t.text) in gaz.state_index for t in doc[start:end])


def first_of(cands: dict[int, Candidate], start: int) -> Candidate | None:
    """The candidate (of a by-end map) that starts at token ``start``."""
    return next((c for c in cands.values() if c.start == start), None)


def name_after(doc: Doc, i: int) -> int:
    """End of a personal name starting at token ``i`` (== i when there is none)."""
    w = words()
    generic = w.generic_name_words
    if i < len(doc) and doc[i].ent_type_ == "PERSON" and doc[i].ent_iob_ == "B":
        j = i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        # "President Hassan Sheikh Mohamud" where the NER stopped at "Hassan Sheikh": a capitalised
        # word right after the span, in no entity, is the rest of the name
        while j < len(doc) and j - i < MAX_NAME and doc[j].is_title and doc[j].is_alpha \
                and doc[j].ent_type_ in ("", "PERSON") and doc[j].pos_ == "PROPN" and doc[j].lower_ not in generic:
            j += 1
        return j
    j = i
    while j < len(doc) and j - i < MAX_NAME:
        tok = doc[j]
        word = tok.is_title and tok.is_alpha and tok.lower_ not in generic
        link = (tok.text == "-" or tok.lower_ in w.name_particles) and j > i and j + 1 < len(doc) \
            and doc[j + 1].is_title
        if not (word or link):
            break
        j += 1
    return j


_COMMON: dict[tuple, tuple[frozenset[str], frozenset[str]]] = {}


def common_words(nlp) -> tuple[frozenset[str], frozenset[str]]:
    """:func:`_common_words` of the model, made once per model (two components read it)."""
    key = (nlp.meta.get("lang"), nlp.meta.get("name"), nlp.meta.get("version"), "lemmatizer" in nlp.pipe_names)
    if key not in _COMMON:
        _COMMON[key] = _common_words(nlp)
    return _COMMON[key]


def _common_words(nlp) -> tuple[frozenset[str], frozenset[str]]:
    """The English words of the model's own lemmatizer index (WordNet) with their irregular forms
    ('children'), and those that are no noun (adjectives, verbs, adverbs: 'fatal', 'deadly'), which a
    personal name never holds."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset(), frozenset()
    lookups = nlp.get_pipe("lemmatizer").lookups
    if not lookups.has_table("lemma_index"):
        return frozenset(), frozenset()
    index = lookups.get_table("lemma_index")
    exceptions = lookups.get_table("lemma_exc") if lookups.has_table("lemma_exc") else {}
    nouns = frozenset(index.get("noun", ())) | frozenset(exceptions.get("noun", {}))
    others = frozenset(w for pos in ("verb", "adj", "adv") for w in (*index.get(pos, ()), *exceptions.get(pos, {})))
    return nouns | others, others - nouns


def dictionary_forms(token) -> tuple[str, ...]:
    """The word as a dictionary would list it: itself, its lemma, without a plural or third-person -s."""
    low = token.lower_
    return (low, token.lemma_.lower(), low[:-1] if low.endswith("s") else low,
            low[:-2] if low.endswith("es") else low)


def inflected_verb(token, common: frozenset[str]) -> bool:
    """'Kills', 'Killed', 'Targets': a capitalised verb form of a headline, which no name is."""
    low = token.lower_
    return (low.endswith("s") and low[:-1] in common and not low.endswith("ss")) or (
        low.endswith("ed") and (low[:-2] in common or low[:-1] in common))
