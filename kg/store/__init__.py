"""Stage 6: the quad store, one small interface over Oxigraph.

Layout of the dataset:

* each source document's facts live in a named graph of their own;
* the store's **default graph holds the set union** of all named graphs. Oxigraph's
  ``use_default_graph_as_union`` would return a triple once per graph that holds it (five sources,
  five rows), which breaks ``COUNT`` and non-DISTINCT queries; keeping the union materialised in
  the default graph gives RDF set semantics and lets queries run at full speed with no rewriting.

Every change is one Oxigraph transaction (``extend`` or one ``update``), so a crash never leaves
half a document: either its graph and its share of the union are there, or neither is.

Only this package and ``kg.rdf`` know rdflib or pyoxigraph. The same layout in an existing SPARQL
server is :mod:`kg.store.remote`; :func:`open_graph_store` opens either.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from kg import vocab

PREFIXES = vocab.PREFIXES  # derived from the ontology (ontology/build.py)
PROV_DERIVED = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")

EXPORT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = {"nquads", "trig"}


class StoreError(Exception):
    """The store cannot be opened or changed; the message says why."""


def _load_reason(exc: BaseException) -> str:
    """Oxigraph's reason for refusing a file, in words a user can act on."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    if "LoadDocumentCallback" in message or "remote context" in message.lower():
        return f"the JSON-LD names a remote @context, which is never fetched: refused ({message})"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return message


class StoreListener(Protocol):
    """What a KGStore tells about its merged graph (kg.search.SearchIndex is one)."""

    def changed(self, added: Iterable = (), removed: Iterable = ()) -> None: ...

    def reset(self, store: KGStore) -> None: ...


class KGStore:
    """A dataset of per-source named graphs plus their union in the default graph (embedded Oxigraph).

    It satisfies :class:`kg.store.interface.GraphStore`, as :class:`kg.store.remote.RemoteStore` does.
    """

    remote = False  # queries run in this process (the sandbox confines them)

    def __init__(self, path: Path | str | None = None, read_only: bool = False):
        self.path = Path(path) if path else None
        try:
            if self.path is None:
                self.ox = ox.Store()
            elif read_only:
                self.ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        # Oxigraph is safe for concurrent readers; writers are serialised here so the
        # check-then-write of add/remove is never interleaved within this process.
        self._write_lock = threading.Lock()
        # Told of every triple entering or leaving the merged graph (kg.search keeps its index in step so).
        self.listeners: list[StoreListener] = []

    def notify_changed(self, added: Iterable = (), removed: Iterable = ()) -> None:
        """Tell the listeners which triples entered and left the merged graph. The writes here and in
        ``kg.query`` call it; any other code that writes through ``self.ox`` directly must call it too."""
        for listener in self.listeners:
            listener.changed(added=added, removed=removed)

    # -- reading -----------------------------------------------------------------------------
    def query(self, sparql: str, **kwargs):
        """Run SPARQL on Oxigraph; the default graph is the merged graph (a set)."""
        return self.ox.query(sparql, prefixes=PREFIXES, **kwargs)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph_iri: str) -> bool:
        return self.ox.contains_named_graph(ox.NamedNode(graph_iri))

    def __len__(self) -> int:
        """Triples in the merged (default) graph."""
        result = self.ox.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    # -- writing -----------------------------------------------------------------------------
    def add_graph(self, graph_iri: str, triples: Iterable[ox.Triple]) -> bool:
        """Add one source's graph and its share of the union atomically; False if already there."""
        graph = ox.NamedNode(graph_iri)
        triples = list(triples)
        with self._write_lock:
            if self.ox.contains_named_graph(graph):
                return False
            self._write_graph(graph, triples)
            self.notify_changed(added=triples)
            return True

    def _write_graph(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """One transaction holding the graph and its share of the union, made without a Python object per quad.

        The triples are serialised once as N-Triples (in Rust), the named-graph copy is the same lines with the
        graph's name put before each line's final `` .`` (N-Triples escapes every line break inside a term, so
        a line ends only there), and ``Store.load`` parses both in one transaction. Making two ``Quad`` objects
        per triple for ``extend`` held the interpreter lock ~10x longer (``benchmarks/bench_store.py``), time the
        build thread wants while the store is written on a thread of its own (``kg.pipeline``). Blank nodes and
        triple terms would not keep their identity through a parse, so a graph whose text may hold one (``_:``
        or ``<<`` anywhere, a literal's text included) is written quad by quad as before.
        """
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if text and b"_:" not in text and b"<<" not in text:
            named = text.replace(b" .\n", f" {graph} .\n".encode())
            self.ox.load(text + named, format=ox.RdfFormat.N_QUADS)
            return
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        self.ox.extend(quads)

    def remove_graph(self, graph_iri: str) -> int:
        """Remove one source's graph, and from the union every triple no other graph still states.

        Returns the number of triples removed from the merged graph.
        """
        graph = ox.NamedNode(graph_iri)
        with self._write_lock:
            if not self.ox.contains_named_graph(graph):
                return 0
            orphans = [
                q.triple
                for q in self.ox.quads_for_pattern(None, None, None, graph)
                if not any(
                    other.graph_name != graph and not isinstance(other.graph_name, ox.DefaultGraph)
                    for other in self.ox.quads_for_pattern(q.subject, q.predicate, q.object, None)
                )
            ]
            body = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in orphans)
            self.ox.update(f"DELETE DATA {{ {body} }} ; DROP GRAPH {graph}" if orphans else f"DROP GRAPH {graph}")
            self.notify_changed(removed=orphans)
            return len(orphans)

    # -- import / export ---------------------------------------------------------------------
    def export(self, fmt: str, out) -> None:
        """Serialise: triple formats get the merged graph, quad formats every named graph too."""
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        rdf_format = EXPORT_FORMATS[fmt]
        if fmt in QUAD_FORMATS:
            # graph by graph: never reads the union (~40 % of the quads) only to drop it (bench_store.py)
            quads: Iterator[ox.Quad] = (
                q for g in self.ox.named_graphs() for q in self.ox.quads_for_pattern(None, None, None, g)
            )
            ox.serialize(quads, out, rdf_format, prefixes=PREFIXES if fmt == "trig" else None)
        else:
            self.ox.dump(out, rdf_format, from_graph=ox.DefaultGraph(),
                         prefixes=PREFIXES if fmt != "ntriples" else None)

    def load_quads(self, path: Path) -> None:
        """Load an exported dataset (TriG/N-Quads keep their graphs; triples go to the union).

        RDF/XML is first read by lxml and Oxigraph parses lxml's re-serialisation, never the raw file
        (see ``kg.store.xmlguard``). Every failure is a StoreError naming the file and the reason.
        """
        path = Path(path)
        extension = path.suffix.lstrip(".").lower()
        fmt = ox.RdfFormat.RDF_XML if extension == "owl" else ox.RdfFormat.from_extension(extension or "?")
        if fmt is None:
            raise StoreError(f"cannot tell the RDF format of {path} from its extension")
        source: dict = {"path": str(path)}
        if fmt == ox.RdfFormat.RDF_XML:
            from kg.store.xmlguard import UnsafeXML, read_rdfxml

            try:
                source = {"input": read_rdfxml(path)}
            except UnsafeXML as exc:
                raise StoreError(str(exc)) from None
        try:
            with self._write_lock:
                if next(iter(self.ox.quads_for_pattern(None, None, None, None)), None) is None:
                    self._bulk_load_empty(source, fmt)
                    return
                quads = list(ox.parse(format=fmt, **source))
                union = [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads]
                self.ox.extend(quads + union)
                self.notify_changed(added=union)
        except (SyntaxError, ValueError, OSError, LookupError, UnicodeError) as exc:
            raise StoreError(f"{path}: {_load_reason(exc)}") from None

    def _bulk_load_empty(self, source: dict, fmt) -> None:
        """Load into an empty store with Oxigraph's bulk loader, then copy the named graphs into the
        union in one update: 3x faster than parsing into Python, and no Python object per quad (a
        10M-quad ``--data`` file needed ~20 GB that way). The bulk loader is not transactional, so on
        any error the store is emptied again: all or nothing, as before."""
        try:
            self.ox.bulk_load(format=fmt, **source)
            self.ox.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        except BaseException:
            self.ox.clear()
            raise
        for listener in self.listeners:
            listener.reset(self)

    def flush(self) -> None:
        if self.path is not None:
            self.ox.flush()

    def rdflib_dataset(self):
        """An rdflib Dataset over this same Oxigraph store (via oxrdflib), for rdflib tooling."""
        from oxrdflib import OxigraphStore
        from rdflib import Dataset

        return Dataset(store=OxigraphStore(store=self.ox))


def open_graph_store(path: Path | str | None = None, read_only: bool = False, url: str | None = None,
                     update_url: str | None = None, auth: str | None = None):
    """The store a command names: a SPARQL server by ``url`` (``--store-url``), else a folder (or memory)."""
    if url:
        from kg.store.remote import RemoteStore, parse_auth

        return RemoteStore(url, update_url, parse_auth(auth))
    if update_url or auth:
        raise StoreError("--update-url and --store-auth go with --store-url")
    return KGStore(path, read_only=read_only)
