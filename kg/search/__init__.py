"""Full-text search over the names of the graph's entities, events and documents (SQLite FTS5).

What is indexed: every ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel`` and ``dcterms:title`` in the
merged graph whose subject is typed with an entity, event or document class of the ontology (by its
hierarchy: :mod:`kg.vocab`), so a new class counts without a code change. Statements, activities and the
like have no names worth finding and stay out.

How: a plain table of (node, field, text) rows, UNIQUE, and an FTS5 index over it (external content, kept
in step by triggers) with the ``unicode61`` tokenizer, ``remove_diacritics 2`` and the Porter stemmer:
"Sanaa", "SANAA" and "Sanaá" find each other, and so do "strike" and "strikes". SQLite comes with Python,
so there is nothing to install, and a lookup takes under a millisecond at a million quads where a SPARQL
``REGEX`` over the names takes 65-110 ms (``benchmarks/bench_search.py``).

Kept in step: :meth:`SearchIndex.attach` builds the index from the store's merged graph once and registers
it as a listener of the :class:`kg.store.KGStore`, which reports every triple that enters or leaves the
merged graph (a document added or removed, SPARQL Update, a file loaded). The index lives in memory in
the process that serves or queries the store, so it can never disagree with a store another process
rewrote while it was not running.

Ranking: FTS5's BM25, with a name matching the whole query first, a node's own label before its other
names, and shorter names before longer ones; the last word of the query also matches as a prefix, so the
search box answers while the name is being typed.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kg import vocab
from kg.store import PREFIXES, KGStore

RDF_TYPE = PREFIXES["rdf"] + "type"
#: predicate -> field name; "label" is a node's own name, the others its alternative names and titles
NAME_FIELDS = {
    PREFIXES["rdfs"] + "label": "label",
    PREFIXES["skos"] + "prefLabel": "label",
    PREFIXES["skos"] + "altLabel": "alt",
    PREFIXES["dcterms"] + "title": "title",
}
#: ontology class roots -> the kind a search result is shown as
KIND_ROOTS = {"Event": "event", "SourceDocument": "document", "Actor": "entity", "Place": "entity"}
KINDS = ("entity", "event", "document")
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)

TABLES = """
CREATE TABLE names(id INTEGER PRIMARY KEY, node TEXT NOT NULL, predicate TEXT NOT NULL, field TEXT NOT NULL,
                   text TEXT NOT NULL, folded TEXT NOT NULL, UNIQUE(node, predicate, text));
CREATE TABLE kinds(node TEXT NOT NULL, class TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY(node, class));
CREATE VIRTUAL TABLE names_fts USING fts5(text, content='names', content_rowid='id',
                                          tokenize='porter unicode61 remove_diacritics 2');
"""
TRIGGERS = """
CREATE TRIGGER names_added AFTER INSERT ON names BEGIN
  INSERT INTO names_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER names_removed AFTER DELETE ON names BEGIN
  INSERT INTO names_fts(names_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""


@cache
def class_kinds() -> dict[str, str]:
    """Full class IRI -> "entity", "event" or "document", from the ontology's hierarchy."""
    kinds: dict[str, str] = {}
    for root, kind in KIND_ROOTS.items():
        for name in {root} | vocab.subclasses(root):
            kinds.setdefault(vocab.NS + name, kind)
    return kinds


def fold(text: str) -> str:
    """Lower case without accents and with runs of spaces as one: how names are compared for an exact match."""
    if text.isascii():  # most names: nothing to strip
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def match_expression(query: str) -> str | None:
    """The FTS5 query for what a user typed: its words, each quoted (no FTS syntax gets through), all required,
    the last one also as a prefix. None when the text holds no word."""
    words = _WORD.findall(query[:MAX_QUERY_CHARS])[:MAX_TERMS]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


@dataclass(frozen=True)
class Hit:
    """One node found: its IRI, kind, the name to show (a document's title, else the node's label), the name
    that matched when it is another one, and the score (lower is better)."""

    iri: str
    kind: str
    label: str
    matched: str | None
    score: float


class SearchIndex:
    """The FTS5 index of the names in one store's merged graph; safe to use from many threads."""

    def __init__(self) -> None:
        self._db = self._new_database()
        self._lock = threading.Lock()

    @staticmethod
    def _new_database() -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        db.executescript(TABLES + TRIGGERS)
        return db

    # -- keeping in step ------------------------------------------------------------------------------
    @classmethod
    def attach(cls, store: KGStore) -> SearchIndex:
        """The index of ``store``, built now and kept in step with it from here on (one per store).

        Only a local :class:`KGStore` reports its changes; for any other store (a SPARQL server elsewhere,
        which others may change unseen) this raises TypeError rather than serve names that drift from it."""
        if not isinstance(store, KGStore) or getattr(store, "remote", False):
            raise TypeError(f"the name index needs a local store, not {type(store).__name__}")
        existing = next((x for x in getattr(store, "listeners", []) if isinstance(x, cls)), None)
        if existing is not None:
            return existing
        index = cls()
        store.listeners.append(index)  # first, so no change between the read below and now is missed
        index.reset(store)
        return index

    def reset(self, store: KGStore) -> None:
        """Index the store's merged graph afresh (after a bulk load, or when attaching)."""
        import pyoxigraph as ox

        # Under the lock from the read to the swap: a change reported meanwhile waits, then applies to the new
        # tables (changes are idempotent, so one already read is harmless). The new tables are filled in bulk
        # and the full-text index built once at the end, not row by row through the triggers made afterwards.
        default, rdf_type = ox.DefaultGraph(), ox.NamedNode(RDF_TYPE)
        with self._lock:
            triples = []
            for predicate in NAME_FIELDS:
                triples += [q.triple for q in store.ox.quads_for_pattern(None, ox.NamedNode(predicate), None, default)]
            for cls in class_kinds():  # by class: the many rdf:Statement types are never read
                triples += [q.triple for q in store.ox.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), default)]
            fresh = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            fresh.executescript(TABLES)
            fresh.execute("BEGIN")
            _write(fresh, triples, add=True)
            fresh.execute("INSERT INTO names_fts(names_fts) VALUES ('rebuild')")
            fresh.execute("COMMIT")
            fresh.executescript(TRIGGERS)
            self._db.close()
            self._db = fresh

    def changed(self, added: Iterable = (), removed: Iterable = ()) -> None:
        """Triples that entered and left the merged graph (pyoxigraph Triples or Quads; others are ignored)."""
        added, removed = _relevant(added), _relevant(removed)
        if not added and not removed:
            return
        with self._lock, _Transaction(self._db):
            _write(self._db, removed, add=False)
            _write(self._db, added, add=True)

    # -- searching ------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 20, kind: str | None = None) -> list[Hit]:
        """The best ``limit`` nodes for ``query`` (optionally of one kind), best first."""
        expression = match_expression(query)
        if expression is None:
            return []
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
        # One pass over the matches: each node's best-scoring name (a window), the kind filter, the order and
        # the limit; only then, for at most ``limit`` nodes, their kind and the name to show.
        sql = """
            WITH matches AS (
              SELECT n.node, n.text,
                     bm25(names_fts) * (CASE n.field WHEN 'label' THEN 1.5 ELSE 1.0 END)
                       - (CASE WHEN n.folded = :folded THEN 100.0 ELSE 0.0 END)
                       + length(n.text) / 1000.0 AS score
              FROM names_fts JOIN names n ON n.id = names_fts.rowid
              WHERE names_fts MATCH :match
            ), ranked AS (
              SELECT node, text, score, ROW_NUMBER() OVER (PARTITION BY node ORDER BY score) AS place FROM matches
            ), best AS (
              SELECT node, text AS matched, score FROM ranked
              WHERE place = 1
                AND EXISTS (SELECT 1 FROM kinds k WHERE k.node = ranked.node AND (:kind IS NULL OR k.kind = :kind))
              ORDER BY score, node LIMIT :limit
            )
            SELECT b.node, (SELECT MIN(k.kind) FROM kinds k WHERE k.node = b.node),
                   COALESCE((SELECT MIN(l.text) FROM names l WHERE l.node = b.node AND l.field = 'title'),
                            (SELECT MIN(l.text) FROM names l WHERE l.node = b.node AND l.field = 'label')),
                   b.matched, b.score
            FROM best b ORDER BY b.score, b.node"""
        params = {"match": expression, "folded": fold(query[:MAX_QUERY_CHARS]), "kind": kind,
                  "limit": max(1, min(int(limit), 200))}
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        hits = []
        for node, found_kind, label, matched, score in rows:
            shown = label or matched
            hits.append(Hit(node, found_kind, shown, matched if matched != shown else None, round(score, 4)))
        return hits

    def __len__(self) -> int:
        """Names indexed (of typed and untyped nodes alike)."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM names").fetchone()[0]


def _write(db: sqlite3.Connection, triples: list, add: bool) -> None:
    """Add (or remove) the names and kind-giving types among ``triples`` (already in a transaction)."""
    import pyoxigraph as ox

    kinds = class_kinds()
    names, types = [], []
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate.value == RDF_TYPE:
            kind = kinds.get(t.object.value) if isinstance(t.object, ox.NamedNode) else None
            if kind:
                types.append((t.subject.value, t.object.value, kind))
        elif isinstance(t.object, ox.Literal) and t.object.value.strip():
            predicate = t.predicate.value
            names.append((t.subject.value, predicate, NAME_FIELDS[predicate], t.object.value, fold(t.object.value)))
    if add:
        db.executemany("INSERT OR IGNORE INTO names(node, predicate, field, text, folded) "
                             "VALUES (?, ?, ?, ?, ?)", names)
        db.executemany("INSERT OR IGNORE INTO kinds(node, class, kind) VALUES (?, ?, ?)", types)
    else:
        db.executemany("DELETE FROM names WHERE node = ? AND predicate = ? AND text = ?",
                             [(n[0], n[1], n[3]) for n in names])
        db.executemany("DELETE FROM kinds WHERE node = ? AND class = ?", [t[:2] for t in types])


def _relevant(triples: Iterable) -> list:
    """The name and type triples among ``triples`` (Quads of the default graph or Triples)."""
    wanted = NAME_FIELDS.keys() | {RDF_TYPE}
    out = []
    for t in triples:
        triple = getattr(t, "triple", t)
        if triple.predicate.value in wanted:
            out.append(triple)
    return out


class _Transaction:
    """BEGIN ... COMMIT around a change (ROLLBACK on error), so a failed change leaves the index as it was."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(self, kind, _exc, _tb) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
