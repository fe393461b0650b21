"""Linking a place name of the text to the gazetteer, shared by the signals that propose places.

A name is linked exactly first, then (for the NER's places and patterns that allow it) to a close
spelling among the places of the States the document speaks of (``state_context``). What a linked
place carries (:meth:`PlaceLinker.place_info`) includes its ``parent``, the subdivision it lies in,
so the entity collector can state the chain site -> town -> province -> State.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from spacy.tokens import Doc

from kg.nlp.gazetteer import Gazetteer, PlaceInfo, norm, skeleton, sound_key
from kg.nlp.words import words

# A place of a state the document never mentions is taken only when it is this big (Paris, Kazan),
# so a name shared with a small town abroad ('Asia' in the Philippines, 'Medina' in Brazil) is not linked.
PROMINENT_POPULATION = 500_000
POSSESSIVE_WEIGHT = 100.0  # "Iran's border city of X": the possessive State right before weighs most


def display_name(place: PlaceInfo) -> str:
    """The label to show for a place: English connector for Persian names ('Kohgiluyeh and Boyer-Ahmad')."""
    name = place.name
    if " va " in name:
        name = name.replace(" va ", " and ")
    return name


def province_next(doc: Doc, end: int) -> bool:
    """A subdivision word right after the name ('X province'): the subdivision, not the city, is meant."""
    return end < len(doc) and doc[end].lower_ in words().province_next


class PlaceLinker:
    """Exact and spelling-tolerant place lookups; per-country spelling indexes are built on first use."""

    def __init__(self, gaz: Gazetteer, fuzzy_threshold: float = 88.0):
        self.gaz = gaz
        self.fuzzy_threshold = fuzzy_threshold
        self._keys_by_country: dict[str, list[tuple[PlaceInfo, str, str]]] = {}
        self._index_by_country: dict[str, dict[str, tuple[list, list[str], dict[str, list[int]]]]] = {}

    def place_info(self, place: PlaceInfo | None, source: str, confidence: float = 0.9) -> dict:
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

    def link(self, doc: Doc, start: int, end: int, context: dict[str, float], fuzzy: bool = True) -> PlaceInfo | None:
        """The gazetteer place a span names: exact name first, then a spelling variant (fuzzy)
        among the places of the states the document (or a possessive right before) speaks of."""
        text = doc[start:end].text
        local = dict(context)
        possessive = words().possessive
        for i in range(max(1, start - 6), start):
            if doc[i].text in possessive:
                hit = self.gaz.state_index.get(norm(doc[i - 1].text))
                if hit:
                    local[hit[0]] = local.get(hit[0], 0.0) + POSSESSIVE_WEIGHT
        place = self.gaz.best_place(text, local, province_next(doc, end))
        if place is not None and (local.get(place.country, 0.0) > 0 or place.kind == "region"):
            return place
        prominent = place is not None and place.population >= PROMINENT_POPULATION
        if not fuzzy or not local:
            return place if prominent else None
        # an exact name from a state the text never mentions (many small-town names recur in other countries):
        # a close spelling in a mentioned state wins
        return self.fuzzy(text, local) or (place if prominent else None)

    def fuzzy(self, text: str, context: dict[str, float]) -> PlaceInfo | None:
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
            places = self.gaz.places
            keys = [(places[pid], key, skel) for pid, key, skel in self.gaz.sound_entries(country)]
            self._keys_by_country[country] = keys
        return keys

    def _sound_index(self, country: str, letter: str) -> tuple[list, list[str], dict[str, list[int]]]:
        """A country's spelling keys that start with ``letter``, and their positions by skeleton, so a
        fuzzy lookup scores a short list in C (rapidfuzz) instead of every place in Python."""
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
