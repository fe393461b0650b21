"""Name normalisation for entity resolution, and readable IRI slugs.

Two documents rarely spell a name the same way ("al-Shabaab" / "al-Shabab" / "Al Shabaab",
"Kandahar" / "Qandahar", "Khyber Pakhtunkhwa" / "Khyber-Pakhtoonkhwa"). Resolution therefore
compares *keys* rather than raw names:

* :func:`normalise` - lower case, no accents or punctuation, no leading article, no generic suffix
  such as "province" or "group" (per type family), connector words ("and", Persian "o") dropped;
* :func:`skeleton` - a consonant skeleton of the normalised name (vowels after the first letter
  dropped, common transliteration pairs such as w/v, q/k, kh/k folded, doubled letters collapsed),
  used only when long enough to be distinctive.

The word lists live in ``data/name_rules.json`` so analysts can extend them without code changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

#: Ontology class -> the family used for comparing names and the IRI folder.
TYPE_FAMILY = {
    "State": "state",
    "Place": "place",
    "ArmedGroup": "org",
    "Organization": "org",
    "GovernmentBody": "org",
    "MediaOrganization": "org",
    "Person": "person",
    "Official": "person",
    "Actor": "org",
}
IRI_FOLDER = {
    "State": "state",
    "Place": "place",
    "ArmedGroup": "group",
    "Organization": "org",
    "GovernmentBody": "org",
    "MediaOrganization": "org",
    "Person": "person",
    "Official": "person",
    "Actor": "actor",
}


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads((DATA_DIR / "name_rules.json").read_text(encoding="utf-8"))


def family(entity_type: str) -> str:
    return TYPE_FAMILY.get(entity_type, "org")


def fold(text: str) -> str:
    """Lower case ASCII words separated by single spaces (accents, punctuation, quotes removed)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("'", "").replace("\u2019", "").replace("`", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


def _strip_suffixes(words: list[str], suffixes: list[list[str]]) -> list[str]:
    changed = True
    while changed and len(words) > 1:
        changed = False
        for suffix in suffixes:
            if len(words) > len(suffix) and words[-len(suffix):] == suffix:
                words = words[: -len(suffix)]
                changed = True
                break
    return words


@lru_cache(maxsize=8)
def _suffixes(fam: str) -> list[list[str]]:
    entries = rules()["generic_suffixes"].get(fam, [])
    return sorted((s.split() for s in entries), key=len, reverse=True)


@lru_cache(maxsize=1)
def _titles() -> list[list[str]]:
    return sorted((t.split() for t in rules()["name_titles"]), key=len, reverse=True)


def normalise(name: str, fam: str = "org") -> str:
    """The comparison key of a name within a type family (see module docstring)."""
    variants = rules().get("spelling_variants", {})
    words = [variants.get(w, w) for w in fold(name).split()]  # British and American spellings: one key
    lead = set(rules()["leading_words"])
    while len(words) > 1 and words[0] in lead and fam != "person":
        words = words[1:]
    if fam == "person":
        titles = _titles()
        stripped = True
        while stripped and len(words) > 1:
            stripped = False
            for title in titles:
                if len(words) > len(title) and words[: len(title)] == title:
                    words = words[len(title):]
                    stripped = True
                    break
    words = _strip_suffixes(words, _suffixes(fam))
    connectors = set(rules()["connector_words"])
    if len(words) > 2:
        words = [w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and w in connectors)]
    return " ".join(words)


def display_name(name: str, fam: str) -> str:
    """A name fit for a label: ``Helmand province`` -> ``Helmand`` (original spelling kept)."""
    words = name.split()
    folded = [fold(w) for w in words]
    for suffix in _suffixes(fam):
        if len(words) > len(suffix) and folded[-len(suffix):] == suffix:
            return " ".join(words[: -len(suffix)]).strip(" ,-")
    return name.strip()


def skeleton(key: str) -> str | None:
    """Consonant skeleton of a normalised key, or None when too short to be distinctive."""
    text = key.replace(" ", "")
    if not text:
        return None
    r = rules()
    for digraph, repl in r["skeleton_digraphs"].items():
        text = text.replace(digraph, repl)
    text = "".join(r["skeleton_letters"].get(c, c) for c in text)
    head, tail = text[0], re.sub(r"[aeiouyh]", "", text[1:])
    out = re.sub(r"(.)\1+", r"\1", head + tail)
    return out if len(out) >= r["skeleton_min_length"] else None


def name_keys(name: str, fam: str) -> set[str]:
    """Every key a name is indexed under: its normalised form and, if distinctive, its skeleton."""
    key = normalise(name, fam)
    if not key:
        return set()
    keys = {"n:" + key}
    sk = skeleton(key)
    if sk:
        keys.add("s:" + sk)
    return keys


def person_parts(name: str) -> tuple[str, str] | None:
    """(given names, surname) of a multi-word personal name, normalised; None for one word."""
    words = normalise(name, "person").split()
    if len(words) < 2:
        return None
    return " ".join(words[:-1]), words[-1]


def slug(text: str, max_length: int = 60) -> str:
    """A readable IRI path segment: ``Sergei Lavrov`` -> ``sergei-lavrov``."""
    value = fold(text).replace(" ", "-")
    value = value[:max_length].strip("-")
    return value or "unnamed"


def event_slug(when: str | None, principal: str | None, type_slug: str, other: str | None) -> str:
    """The readable part of a new event's IRI: ``2024-01-16-iran-drone-strike-pakistan``.

    An IRI is minted once, from the first report of the event, and never changes (other graphs and
    other people's data point at it), so it must not say anything a later report can contradict.
    It holds what the first report *stated* (its date, principal, type, territory or target) and
    leaves out what it did not: no ``undated-`` when the first report gave no date, no ``unknown``
    when it named no attacker. A later source that dates or attributes the event adds ``ckg:date``
    or ``ckg:perpetrator`` to the same node, and the IRI stays true. (The alternative, an alias
    IRI tied by ``owl:sameAs``, would split the event's facts over two names.) A date in the IRI is
    the first report's, not a verdict: when sources disagree the ``ckg:date`` values say so.
    """
    return "-".join(part for part in (when, principal, type_slug, other) if part)


def claim_iri(used: set[str], iri: str, seed: str) -> str:
    """``iri``, or ``iri`` with a short hash of ``seed`` when another node already holds it, so two
    different things with the same readable name never share an IRI (and stay stable run after run)."""
    if iri in used:
        iri = f"{iri}-{hashlib.sha256(seed.encode()).hexdigest()[:8]}"
    used.add(iri)
    return iri


def camel_words(class_name: str) -> str:
    """``MissileStrike`` -> ``missile strike`` (for labels and slugs of event types)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name).lower()
