"""The ontology's terms for Python code, read from the ontology so nothing is re-typed by hand.

``ontology/build.py`` (the source of truth) writes ``ontology/vocab.json`` from the generated
Turtle; this module only loads that JSON, so importing it is fast and needs no rdflib. A test
checks the JSON against ``conflict-kg.ttl``.

    >>> CKG.Attack
    'https://w3id.org/conflict-kg/ontology#Attack'
    >>> CKG.Atack            # a typo fails loudly
    Traceback (most recent call last):
    AttributeError: ...
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path

from kg.config import ONTOLOGY_DIR, ONTOLOGY_NS

ONTOLOGY_TTL: Path = ONTOLOGY_DIR / "conflict-kg.ttl"
ONTOLOGY_OWL: Path = ONTOLOGY_DIR / "conflict-kg.owl"
ONTOLOGY_HTML: Path = ONTOLOGY_DIR / "conflict-kg.html"
SHAPES_TTL: Path = ONTOLOGY_DIR / "shapes.ttl"
VOCAB_JSON: Path = ONTOLOGY_DIR / "vocab.json"

XSD = "http://www.w3.org/2001/XMLSchema#"


@lru_cache(maxsize=1)
def _index() -> dict:
    try:
        index = json.loads(VOCAB_JSON.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuntimeError(f"{VOCAB_JSON} is missing: run `python ontology/build.py`") from None
    if index["namespace"] != ONTOLOGY_NS:
        raise RuntimeError(f"{VOCAB_JSON} is for namespace {index['namespace']}, expected {ONTOLOGY_NS}")
    return index


def _prefixes() -> dict[str, str]:
    return dict(_index()["prefixes"])


class _Namespace:
    """Attribute and item access to the ontology's terms as full IRI strings; unknown names raise."""

    def __init__(self, base: str):
        self._base = base

    def _terms(self) -> frozenset[str]:
        return CLASSES | PROPERTIES

    def __getattr__(self, name: str) -> str:
        if name.startswith("__") or name not in self._terms():
            raise AttributeError(f"{name!r} is not a term of the conflict-kg ontology")
        return self._base + name

    def __getitem__(self, name: str) -> str:
        try:
            return self.__getattr__(name)
        except AttributeError as exc:
            raise KeyError(str(exc)) from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._terms()

    def __iter__(self):
        return iter(sorted(self._terms()))

    def __str__(self) -> str:
        return self._base

    def __repr__(self) -> str:
        return f"Namespace({self._base!r})"


CLASSES: frozenset[str] = frozenset(_index()["classes"])
PROPERTIES: frozenset[str] = frozenset(_index()["properties"])
CKG = _Namespace(ONTOLOGY_NS)
NS = ONTOLOGY_NS
VERSION: str = _index()["version"]


def iri(name: str) -> str:
    """The full IRI of a term given by local name (raises KeyError for unknown names)."""
    return CKG[name]


def local_name(term_iri: str) -> str | None:
    """The local name of a ckg IRI that is a term of the ontology, else None."""
    if term_iri.startswith(NS) and term_iri[len(NS):] in CKG:
        return term_iri[len(NS):]
    return None


def superclasses(name: str) -> frozenset[str]:
    """All ckg superclasses of a class (transitive, local names, excluding itself)."""
    classes = _index()["classes"]
    if name not in classes:
        raise KeyError(f"{name!r} is not a class of the conflict-kg ontology")
    seen: set[str] = set()
    todo = list(classes[name])
    while todo:
        parent = todo.pop()
        if parent not in seen:
            seen.add(parent)
            todo.extend(classes.get(parent, ()))
    return frozenset(seen)


@cache
def subclasses(name: str) -> frozenset[str]:
    """All ckg subclasses of a class (transitive, local names, excluding itself)."""
    if name not in CLASSES:
        raise KeyError(f"{name!r} is not a class of the conflict-kg ontology")
    return frozenset(c for c in CLASSES if name in superclasses(c))


def property_kind(name: str) -> str:
    """"object", "data" or "annotation"."""
    return _index()["properties"][name]["kind"]


def domain(name: str) -> frozenset[str]:
    """The ckg classes a property's subjects belong to (empty when the ontology states none)."""
    return frozenset(_index()["properties"][name]["domain"])


def range_of(name: str) -> frozenset[str]:
    """A property's range: ckg class local names for object properties, datatype IRIs for data ones.

    Use it to type literals: ``range_of("date") == {XSD + "date"}``, ``range_of("killed") ==
    {XSD + "nonNegativeInteger"}``, ``range_of("confidence") == {XSD + "decimal"}`` (0..1).
    """
    return frozenset(_index()["properties"][name]["range"])


def datatype(name: str) -> str | None:
    """The one datatype IRI of a data property (None for object properties or no single range)."""
    ranges = range_of(name)
    if property_kind(name) != "data" or len(ranges) != 1:
        return None
    return next(iter(ranges))


def cameo_codes(name: str) -> tuple[str, ...]:
    """The CAMEO event codes recorded on an event class (empty if none)."""
    return tuple(_index()["cameo"].get(name, ()))


def label(name: str) -> str:
    """The English rdfs:label of a term."""
    return _index()["labels"][name]


# Prefix -> namespace for the data, queries and exports: the contract's standard prefixes plus ckg.
PREFIXES: dict[str, str] = _prefixes()
