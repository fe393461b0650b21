"""Entity resolution: one node per real-world entity across documents.

An entity record is matched against an in-memory index of every node seen so far, in this order
(the first rule that finds a node wins, and the rule is recorded as the explanation):

1. a shared identifier (Wikidata, GeoNames, ISO 3166) - exact and always trusted;
2. for ``State`` records, the state gazetteer (``kg.resolve.states``): names, official names,
   aliases, capitals and demonyms all lead to one node per country;
3. a shared name key within the same type family (``kg.resolve.names``): normalised name or
   consonant skeleton of any name the record carries (label, names, canonical); for persons a shared
   skeleton counts only when the surnames are spelt alike and the affiliations agree;
4. for persons: a surname alone ("Lavrov") joins the one person of this document, else the one
   person in the index, with that surname; a full name with the same surname and similar given
   names (ratio >= 80) joins unless their affiliations disagree; so does a full name with the same
   given names and a surname spelt alike ("Yahya Saree" / "Yahya Sarea"), and a full name that is the
   start of a longer one ("Yassin Ibrahim" / "Yassin Ibrahim Yassin"). "Kim Jong Un" and
   "Kim Yo Jong" differ in their given names and stay apart.

Otherwise a new IRI is minted: ``<base><folder>/<slug of the label>``, with a short hash suffix
only when that slug is already taken by another node. Every lookup is a dictionary access, so
the cost per record does not grow with the size of the graph.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz

from kg.records import EntityRecord
from kg.resolve import states
from kg.resolve.known import KnownEntity
from kg.resolve.names import IRI_FOLDER, claim_iri, family, name_keys, normalise, person_parts, rules, slug

ID_SCHEMES = ("wikidata", "geonames", "iso3166")
#: In the org family these types may not merge with each other (a generic Organization may).
EXCLUSIVE_ORG_TYPES = {"ArmedGroup", "GovernmentBody", "MediaOrganization"}
GIVEN_NAME_SIMILARITY = 80
#: Surnames spelt alike by two transliterations ("Saree" / "Sarea"); shorter ones are too risky.
SURNAME_SIMILARITY = 80
MIN_SIMILAR_SURNAME = 4
#: A two-word name may be the start of a longer one by at most this many more words.
MAX_EXTRA_NAME_WORDS = 2


def types_compatible(a: set[str], b: set[str]) -> bool:
    sa, sb = a & EXCLUSIVE_ORG_TYPES, b & EXCLUSIVE_ORG_TYPES
    return not (sa and sb and not sa & sb)


class EntityIndex:
    """Nodes by identifier, by (family, name key) and persons by surname."""

    def __init__(self, base: str):
        self.base = base
        self.nodes: dict[str, KnownEntity] = {}
        self.by_id: dict[str, str] = {}
        self.by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_surname: dict[str, set[str]] = defaultdict(set)
        self.by_given: dict[str, set[str]] = defaultdict(set)  # first word of a full name -> persons
        self.used_iris: set[str] = set()

    # -- index maintenance -------------------------------------------------------------------
    def add(self, node: KnownEntity) -> None:
        """Index a node (new or updated); names and ids only ever accumulate."""
        self.nodes[node.iri] = node
        self.used_iris.add(node.iri)
        for scheme, value in node.ids.items():
            self.by_id.setdefault(f"{scheme}:{value}", node.iri)
        fam = family(_primary(node.types))
        for name in {node.label, *node.names}:
            for key in name_keys(name, fam):
                self.by_key[(fam, key)].add(node.iri)
            if fam == "person":
                parts = person_parts(name)
                surname = parts[1] if parts else normalise(name, "person")
                if surname:
                    self.by_surname[surname].add(node.iri)
                if parts:
                    self.by_given[parts[0].split()[0]].add(node.iri)

    # -- matching ----------------------------------------------------------------------------
    def match(
        self, record: EntityRecord, local: dict[str, str], affiliations: set[str]
    ) -> tuple[str | None, str]:
        """The IRI of the node ``record`` is, or None; plus why (for explanations)."""
        for scheme in ID_SCHEMES:
            value = record.ids.get(scheme)
            if value and f"{scheme}:{value}" in self.by_id:
                return self.by_id[f"{scheme}:{value}"], f"same {scheme} id {value}"
        state = self.state_of(record)
        if state is not None:
            iri = self.by_id.get(f"iso3166:{state.iso}")
            if iri:
                return iri, f"state gazetteer: {record.name!r} is {state.label}"
        fam = family(record.type)
        names = _names(record)
        hits: dict[str, int] = defaultdict(int)
        for name in names:
            for key in name_keys(name, fam):
                for iri in self.by_key.get((fam, key), ()):
                    if not types_compatible({record.type}, self.nodes[iri].types):
                        continue
                    if fam != "person" and self._affiliation_conflict(iri, affiliations):
                        continue  # Algeria's "Foreign Ministry" is not Turkey's
                    if record.type == "Place" and _other_place(record, self.nodes[iri]):
                        continue  # "Idlib province" is not the city of Idlib
                    if fam == "person" and key.startswith("s:") and not self._same_person_skeleton(
                            names, iri, affiliations):
                        continue  # 'Omar Hassan' / 'Omar Hassanein', 'Hassan' / 'Hussein': one skeleton, two people
                    hits[iri] += 2 if key.startswith("n:") else 1
        if hits:
            best = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            return best, f"same name key as {self.nodes[best].label!r}"
        if fam == "person":
            return self._match_person(record, local, affiliations)
        return None, ""

    def _match_person(
        self, record: EntityRecord, local: dict[str, str], affiliations: set[str]
    ) -> tuple[str | None, str]:
        parts = person_parts(record.name)
        if parts is None:  # a surname alone: this document's person first, then a unique one
            surname = normalise(record.name, "person")
            in_doc = {iri for iri in local.values() if iri in self.by_surname.get(surname, ())}
            pool = in_doc or self.by_surname.get(surname, set())
            pool = {iri for iri in pool if not self._affiliation_conflict(iri, affiliations)}
            if len(pool) == 1:
                iri = next(iter(pool))
                return iri, f"surname {record.name!r} after the full name {self.nodes[iri].label!r}"
            return None, ""
        given, surname = parts
        for iri in sorted(self.by_surname.get(surname, ())):
            other = person_parts(self.nodes[iri].label)
            if other is None or self._affiliation_conflict(iri, affiliations):
                continue
            if fuzz.ratio(given, other[0]) >= GIVEN_NAME_SIMILARITY:
                return iri, f"same surname and similar given names as {self.nodes[iri].label!r}"
        words = (given + " " + surname).split()
        for iri in sorted(self.by_given.get(words[0], ())):
            if self._affiliation_conflict(iri, affiliations):
                continue
            for name in sorted({self.nodes[iri].label, *self.nodes[iri].names}):
                why = same_person_variant(words, normalise(name, "person").split())
                if why:
                    return iri, f"{why} as {self.nodes[iri].label!r}"
        return None, ""

    def _same_person_skeleton(self, names: list[str], iri: str, affiliations: set[str]) -> bool:
        """A consonant skeleton shared by two persons' names is one person only when their surnames are
        spelt alike (the same, or a letter swapped or added) and their affiliations do not disagree; given
        names may differ in vowels ('Mohammed' / 'Muhammad')."""
        if self._affiliation_conflict(iri, affiliations):
            return False
        node = self.nodes[iri]
        ours = {w[-1] for w in (normalise(n, "person").split() for n in names) if w}
        theirs = {w[-1] for w in (normalise(n, "person").split() for n in (node.label, *node.names)) if w}
        return any(surnames_alike(x, y) for x in ours for y in theirs)

    def _affiliation_conflict(self, iri: str, affiliations: set[str]) -> bool:
        known = self.nodes[iri].affiliations
        return bool(known and affiliations and not known & affiliations)

    @staticmethod
    def state_of(record: EntityRecord):
        """The gazetteer state of a State record (any of its names); Places only by exact name."""
        if record.type == "State":
            iso = record.ids.get("iso3166")
            if iso and len(iso) == 2 and states.info(iso):
                return states.info(iso)
            for name in _names(record):
                found = states.lookup(name)
                if found:
                    return found
        return None

    # -- minting -----------------------------------------------------------------------------
    def mint(self, record: EntityRecord, label: str, doc_id: str) -> str:
        folder = IRI_FOLDER.get(record.type, "entity")
        return claim_iri(self.used_iris, f"{self.base}{folder}/{slug(label)}", f"{doc_id}|{record.key}|{label}")


def surnames_alike(x: str, y: str) -> bool:
    """The same surname, or one spelt alike: a letter swapped or added ('saree' / 'sarea'), never a longer
    name ('hassan' / 'hassanein') nor another vowel pattern of a short one ('hassan' / 'hussein')."""
    return x == y or (min(len(x), len(y)) >= MIN_SIMILAR_SURNAME and x[0] == y[0] and abs(len(x) - len(y)) <= 1
                      and fuzz.ratio(x, y) >= SURNAME_SIMILARITY)


def same_person_variant(a: list[str], b: list[str]) -> str | None:
    """Why two full names (normalised words) are one person's, or None.

    Same given names and surnames spelt alike ("yahya saree" / "yahya sarea"), or one name the start
    of the other ("yassin ibrahim" / "yassin ibrahim yassin"). Both need two words at least.
    """
    if len(a) < 2 or len(b) < 2 or a == b:
        return None
    if len(a) == len(b) and a[:-1] == b[:-1]:
        # a letter swapped or added, not a longer name ("Hassan" / "Hassanein")
        if surnames_alike(a[-1], b[-1]):
            return "same given names and a surname spelt alike"
        return None
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if long_[:len(short)] == short and len(long_) - len(short) <= MAX_EXTRA_NAME_WORDS:
        return "the start of a longer name"
    return None


# Last words that name a first-level subdivision ('Kharkiv region'), so it is not the city it is named after.
_SUBDIVISION_WORDS = frozenset(rules()["subdivision_words"])


def _other_place(record: EntityRecord, node: KnownEntity) -> bool:
    """Two places whose names agree once 'province'/'city' is dropped are still two places when one is
    named as a subdivision ('Idlib province') and the other is a city of the gazetteer (a GeoNames id
    without an ISO 3166-2 code)."""
    def city(ids: dict) -> bool:
        return "geonames" in ids and "iso3166" not in ids

    def subdivision_named(names) -> bool:
        return any(n.split()[-1].lower() in _SUBDIVISION_WORDS for n in names if n.split())

    return (city(node.ids) and subdivision_named([record.name, *record.names])) or (
        city(record.ids) and subdivision_named([node.label, *node.names]))


def _names(record: EntityRecord) -> list[str]:
    """All names of a record, best first, without duplicates."""
    out: list[str] = []
    for name in (record.canonical, record.name, *sorted(record.names)):
        if name and name not in out:
            out.append(name)
    return out


def _primary(types: set[str]) -> str:
    """The most specific type (for the comparison family)."""
    for preferred in ("State", "Official", "Person", "ArmedGroup", "GovernmentBody", "MediaOrganization",
                      "Place", "Organization"):
        if preferred in types:
            return preferred
    return sorted(types)[0] if types else "Organization"


def record_names(record: EntityRecord) -> list[str]:
    return _names(record)
