"""What the entity components share: the gazetteer, its phrase tables, the place linker, the word lists.

Built once per (data folder, model, fuzzy threshold) and shared by every pipeline and component made
from them; all of it is read-only after loading (the linker's spelling indexes only grow).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from spacy.language import Language
from spacy.strings import hash_string

from kg.nlp.gazetteer import Gazetteer, load_gazetteer
from kg.nlp.phrases import PhraseTable, load_tables
from kg.nlp.places import PlaceLinker
from kg.nlp.words import words


@dataclass(frozen=True)
class Resources:
    gaz: Gazetteer
    words: SimpleNamespace
    names: PhraseTable  # ORTH phrases: states, groups, bodies, media, organizations, places
    lower: PhraseTable  # LOWER phrases: titles of office, site head words
    linker: PlaceLinker
    head_hashes: frozenset[int]  # LOWER hashes of the heads of transliterated group names
    armed_hashes: frozenset[int]  # LOWER hashes of words that make a sentence speak of armed action


_SHARED: dict[tuple, Resources] = {}


def resources(nlp: Language, data_dir: str | None = None, fuzzy_threshold: float = 88.0) -> Resources:
    meta = nlp.meta
    key = (data_dir, meta.get("lang"), meta.get("name"), meta.get("version"), fuzzy_threshold)
    found = _SHARED.get(key)
    if found is None:
        gaz = load_gazetteer(data_dir)
        tables = load_tables(nlp, gaz, data_dir)
        w = words()
        found = Resources(
            gaz, w, tables["names"], tables["lower"], PlaceLinker(gaz, fuzzy_threshold),
            frozenset(hash_string(x) for x in gaz.name_words.get("heads", frozenset())),
            frozenset(hash_string(x) for x in w.group_adj | w.group_plurals | w.armed_context_words),
        )
        _SHARED[key] = found
    return found
