"""Gazetteer phrase tables: every known name as the sequence of its token hashes.

spaCy's ``PhraseMatcher`` needs a ``Doc`` per pattern, so building one for 30,000 names meant
tokenizing every name and creating a lexeme for every new word at each start (1.5 s of a one-article
build). The matching it does is simple: a token sequence whose ORTH (or LOWER) hashes equal a
pattern's. So the names are tokenized once, with the model's own tokenizer, into hash sequences that
are compiled with the gazetteer (:mod:`kg.nlp.compiled`); at run time a document is matched by dictionary
lookups on ``doc.to_array`` hashes, which gives the same matches as the PhraseMatcher (ordered by start,
then length, then the order the names were added).

Keys name what a phrase stands for: ``S|<iso2>|name|demonym|capital`` (states), ``N|<i>`` / ``C|<i>``
(``Gazetteer.named[i]``; C = context-only alias), ``B|<i>`` (``generic_bodies[i]``), ``P`` (multiword
place), ``R|<place id>`` (region, sea, river) in the ORTH table; ``T`` (title of office) and ``SITE``
(head word of a named site) in the LOWER table.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp import compiled
from kg.nlp.gazetteer import DATA_DIR, Gazetteer, fold, source_fingerprint


class PhraseTable:
    """Phrases as hash tuples -> keys; :meth:`find` gives every (key, start, end) in a document."""

    def __init__(self, attr: int, keys: list[str], phrases: list[tuple[tuple[int, ...], tuple[int, ...]]]):
        self.attr = attr
        self.keys = keys
        self.table: dict[tuple[int, ...], tuple[int, ...]] = {}
        lengths: dict[int, set[int]] = {}
        for hashes, key_ids in phrases:
            self.table[tuple(hashes)] = tuple(key_ids)
            lengths.setdefault(hashes[0], set()).add(len(hashes))
        self.lengths = {h: tuple(sorted(ls)) for h, ls in lengths.items()}

    def find(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Matches on the tokens as written and, where a token has diacritics, on it folded too: the
        tables hold each name and its folded form, so 'Perú' in a text finds the state 'Peru'."""
        if not len(doc):
            return []
        hashes = doc.to_array([self.attr]).tolist()
        found = self.find_hashes(hashes)
        folded = list(hashes)
        for token in doc:
            if not token.text.isascii():
                plain = fold(token.text).lower() if self.attr == LOWER else fold(token.text)
                folded[token.i] = doc.vocab.strings[plain]
        if folded != hashes:
            seen = set(found)
            found += [m for m in self.find_hashes(folded) if m not in seen]
            found.sort(key=lambda m: (m[1], m[2]))  # by start, then length, as find_hashes orders them
        return found

    def find_hashes(self, hashes: list[int]) -> list[tuple[str, int, int]]:
        out = []
        n = len(hashes)
        table, keys, lengths = self.table, self.keys, self.lengths
        for i, first in enumerate(hashes):
            sizes = lengths.get(first)
            if sizes is None:
                continue
            for size in sizes:
                if i + size > n:
                    break
                ids = table.get(tuple(hashes[i:i + size]))
                if ids:
                    out.extend((keys[k], i, i + size) for k in ids)
        return out


class _Builder:
    """Collects (key, texts) like ``PhraseMatcher.add`` and tokenizes them with the model's tokenizer."""

    def __init__(self, nlp: Language, attr: int):
        self.nlp, self.attr = nlp, attr
        self.keys: list[str] = []
        self.by_hashes: dict[tuple[int, ...], list[int]] = {}

    def add(self, key: str, texts) -> None:
        # news writes "Jama’at" and "Jama'at" alike: each name also in the other apostrophe
        texts = sorted({v for t in texts if t for v in (t, t.replace("'", "\u2019"), t.replace("\u2019", "'"))})
        if not texts:
            return
        k = len(self.keys)
        self.keys.append(key)
        for doc in self.nlp.tokenizer.pipe(texts):
            hashes = tuple(doc.to_array([self.attr]).tolist())
            ids = self.by_hashes.setdefault(hashes, [])
            if k not in ids:
                ids.append(k)

    def encode(self) -> dict:
        return {"attr": self.attr, "keys": self.keys, "phrases": [[list(h), ids] for h, ids in self.by_hashes.items()]}


def build_tables(nlp: Language, gaz: Gazetteer) -> dict:
    """The plain form of both tables (what gets compiled)."""
    names, lower = _Builder(nlp, ORTH), _Builder(nlp, LOWER)
    for iso2, st in gaz.states.items():
        names.add(f"S|{iso2}|name", [st.name, *st.aliases])
        names.add(f"S|{iso2}|demonym", st.demonyms)
        names.add(f"S|{iso2}|capital", st.capitals)
    for i, info in enumerate(gaz.named):
        names.add(f"N|{i}", info.aliases)
        names.add(f"C|{i}", info.context_aliases)
    for i, body in enumerate(gaz.generic_bodies):
        # a lower-case alias also starts a sentence: "Foreign ministry spokeswoman X said"
        names.add(f"B|{i}", [*body.aliases, *(a[:1].upper() + a[1:] for a in body.aliases if a.islower())])
    # titles are keyed without hyphens ('secretary general'); texts write 'Secretary-General' too
    lower.add("T", [*gaz.titles, *(t.replace(" ", "-") for t in gaz.titles if " " in t)])
    lower.add("SITE", gaz.site_words)
    multiword = {n for p in gaz.places.values() if p.kind != "region"
                 for n in ((p.name, *p.names) if p.kind == "subdivision" else (p.name,))
                 if " " in n or "-" in n}
    names.add("P", multiword)
    for pid, place in gaz.places.items():
        if place.kind == "region":
            names.add(f"R|{pid}", place.names)
    return {"names": names.encode(), "lower": lower.encode()}


def _decode(data: dict) -> dict[str, PhraseTable]:
    return {name: PhraseTable(t["attr"], list(t["keys"]), t["phrases"]) for name, t in data.items()}


def load_tables(nlp: Language, gaz: Gazetteer, data_dir: str | None) -> dict[str, PhraseTable]:
    """The compiled tables for this model's tokenizer and this gazetteer (built and cached on first use)."""
    path = Path(data_dir) if data_dir else DATA_DIR
    meta = nlp.meta
    key = compiled.fingerprint([Path(__file__)], [source_fingerprint(path), spacy.__version__,
                                                 str(meta.get("lang")), str(meta.get("name")),
                                                 str(meta.get("version"))])
    name = compiled.scoped("phrases", str(path.resolve()), str(meta.get("name")))
    return compiled.load_or_build(name, key, lambda: build_tables(nlp, gaz), _decode)
