"""The Python API for notebooks: ``kg.build``, ``kg.open`` and :class:`KnowledgeGraph`.

    >>> import kg
    >>> graph = kg.build("examples/")                  # in memory; kg.build(paths, store="my-store") keeps it
    >>> graph.query("SELECT ?label WHERE { ?e a ckg:Attack ; rdfs:label ?label }").df   # a pandas DataFrame
    >>> graph.entity("Houthis").facts                   # what the graph says about a node, by label or IRI
    >>> graph.export("graph.trig")                      # any format kg export writes, by suffix or format=

A thin layer over what the command line uses: :class:`kg.pipeline.Builder` builds, :class:`kg.store.KGStore`
stores, :mod:`kg.query` evaluates (on the same sandbox thread as ``kg query``, with the same refusal of
SERVICE and LOAD) and :func:`kg.server.describe.describe` gathers an entity's facts, as on its web page.
This module only turns their answers into plain Python values and pandas tables; pandas is needed for
``.df`` only (``pip install 'conflict-kg[notebook]'``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.config import EXAMPLES_DIR, Settings
from kg.query import QueryError, TermValue, term_value
from kg.store import PREFIXES, KGStore, StoreError

if TYPE_CHECKING:
    import pandas
    from rdflib import Dataset

    from kg.pipeline import Builder, BuildReport
    from kg.records import Document
    from kg.search import Hit
    from kg.server.describe import EntityView

XSD = PREFIXES["xsd"]
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                               "unsignedShort", "unsignedByte")}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}
_BUILD_OPTIONS = {"manifest", "strict", "jobs", "nlp", "progress"}

__all__ = ["Entity", "KnowledgeGraph", "QueryResult", "build", "open", "python_value"]


# -- values ------------------------------------------------------------------------------------------
def python_value(term: TermValue | None) -> Any:
    """A plain Python value for an RDF term: IRIs as ``str``, blank nodes as ``"_:id"``, numbers as ``int`` or
    ``float`` (``xsd:decimal`` too, for arithmetic and plots), ``xsd:boolean`` as ``bool``, ``xsd:date`` and
    ``xsd:dateTime`` as ``datetime`` objects, other literals as their text; an unbound variable is ``None``.
    A literal that does not parse as its datatype (an ill-typed value in the data) stays its text."""
    if term is None:
        return None
    if term.kind == "bnode":
        return "_:" + term.value
    if term.kind != "literal" or term.datatype is None:
        return term.value
    try:
        if term.datatype in _INTEGERS:
            return int(term.value)
        if term.datatype in _FLOATS:
            return float(term.value)
        if term.datatype == XSD + "boolean":
            return term.value.strip() in ("true", "1")
        if term.datatype == XSD + "date":
            return dt.date.fromisoformat(term.value)
        if term.datatype == XSD + "dateTime":
            return dt.datetime.fromisoformat(term.value)
    except ValueError:
        return term.value
    return term.value


def _dataframe(rows: list[dict[str, Any]], columns: list[str]) -> pandas.DataFrame:
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("pandas is needed for .df: pip install 'conflict-kg[notebook]' (or pandas)") from None
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:  # a column of dates becomes datetime64, so it sorts, filters and plots as time
        values = frame[column].dropna()
        if len(values) and all(isinstance(v, dt.date) for v in values):
            frame[column] = pd.to_datetime(frame[column])
    return frame


@dataclasses.dataclass
class QueryResult:
    """The answer of :meth:`KnowledgeGraph.query`, read in full.

    SELECT: ``variables`` and ``rows`` (one dict per solution, values from :func:`python_value`); iterating
    gives the rows; ``terms`` keeps the RDF terms (datatypes, languages). CONSTRUCT and DESCRIBE: ``triples``,
    also as rows of ``subject``, ``predicate``, ``object``. ASK: ``boolean`` (and ``bool(result)``).
    ``.df`` is any of them as a pandas DataFrame.
    """

    variables: list[str]
    terms: list[dict[str, TermValue | None]]
    boolean: bool | None = None
    is_graph: bool = False

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [{k: python_value(v) for k, v in row.items()} for row in self.terms]

    @property
    def triples(self) -> list[tuple[Any, Any, Any]]:
        if not self.is_graph:
            raise AttributeError("only a CONSTRUCT or DESCRIBE result has triples; use .rows")
        return [(r["subject"], r["predicate"], r["object"]) for r in self.rows]

    @property
    def df(self) -> pandas.DataFrame:
        if self.boolean is not None:
            return _dataframe([{"boolean": self.boolean}], ["boolean"])
        return _dataframe(self.rows, self.variables)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.boolean is not None else bool(self.terms)

    def _repr_html_(self) -> str | None:
        """Jupyter shows a result as its table (when pandas is there; else the plain repr)."""
        try:
            return self.df._repr_html_()
        except ImportError:
            return None

    def __repr__(self) -> str:
        if self.boolean is not None:
            return f"<QueryResult ASK {self.boolean}>"
        kind = "triples" if self.is_graph else "rows"
        return f"<QueryResult {len(self.terms)} {kind} of {', '.join(self.variables)}>"


def _read_result(result) -> QueryResult:
    """All of a pyoxigraph result as plain data (called on the sandbox thread, where it is evaluated)."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return QueryResult([], [], boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        names = ["subject", "predicate", "object"]
        return QueryResult(names, [dict(zip(names, map(term_value, (t.subject, t.predicate, t.object)),
                                            strict=True)) for t in result], is_graph=True)
    names = [v.value for v in result.variables]
    return QueryResult(names, [{n: term_value(row[n]) for n in names} for row in result])


# -- entities ----------------------------------------------------------------------------------------
@dataclasses.dataclass
class Entity:
    """One node as its web page shows it: ``view`` is the full :class:`kg.server.describe.EntityView`
    (facts with their sources and evidence sentences, incoming links, related events)."""

    view: EntityView

    @property
    def iri(self) -> str:
        return self.view.iri

    @property
    def label(self) -> str:
        return self.view.label

    @property
    def alt_labels(self) -> list[str]:
        return list(self.view.alt_labels)

    @property
    def types(self) -> list[str]:
        return [t.label for t in self.view.types]

    @property
    def facts(self) -> dict[str, list[str]]:
        """Property label -> the values' texts (labels for nodes)."""
        return {g.property.label: [v.value.text for v in g.values] for g in self.view.facts}

    @property
    def sources(self) -> list[str]:
        """The headlines (else URLs or file names) of the documents that mention the node."""
        return [s.heading for s in self.view.sources]

    @property
    def df(self) -> pandas.DataFrame:
        """One row per fact: property, value, the value's IRI (for a node), how many sources state it, and the
        best evidence sentence."""
        rows = []
        for group in self.view.facts:
            for fact in group.values:
                link = fact.value.link
                best = fact.evidence[0].sentence if fact.evidence else None
                rows.append({"property": group.property.label, "value": fact.value.text,
                             "iri": link.iri if link else None, "sources": len(fact.sources), "evidence": best})
        return _dataframe(rows, ["property", "value", "iri", "sources", "evidence"])

    def __repr__(self) -> str:
        kinds = ", ".join(self.types) or "untyped"
        return f"<Entity {self.label!r} ({kinds}) {self.iri}>"


# -- the graph ---------------------------------------------------------------------------------------
class KnowledgeGraph:
    """A built graph: a :class:`KGStore` (in memory or a store folder) with the methods a notebook needs."""

    def __init__(self, store: KGStore, settings: Settings | None = None, report: BuildReport | None = None,
                 read_only: bool = False):
        self.store = store
        self.read_only = read_only
        self.settings = settings or Settings()
        self.report = report  # what the last build or add did (None for a graph opened from disk)
        self._builder: Builder | None = None
        self._dataset: Dataset | None = None

    # -- reading --------------------------------------------------------------------------------------
    def query(self, sparql: str) -> QueryResult:
        """Run SPARQL on the merged graph (``GRAPH ?g`` reaches each source) with the usual prefixes declared.

        Evaluated as ``kg query`` does: SERVICE and LOAD are refused and the engine runs on the sandbox
        thread. A malformed query raises :class:`kg.query.QueryError` with the parser's message.
        """
        from kg.query import _in_sandbox, run_query
        from kg.server.safety import UnsafeRequest, inspect

        try:
            inspect(sparql)
        except UnsafeRequest as exc:
            raise QueryError(str(exc)) from None
        return _in_sandbox(lambda: _read_result(run_query(self.store, sparql)), "query")

    def canned(self, name: str) -> QueryResult:
        """One of the analysts' queries in ``queries/`` (``timeline``, ``casualties_by_source``, ...) by name."""
        from kg.config import QUERIES_DIR

        path = QUERIES_DIR / f"{name}.rq"
        if "/" in name or not path.is_file():
            known = ", ".join(sorted(p.stem for p in QUERIES_DIR.glob("*.rq")))
            raise KeyError(f"no canned query named {name!r}; the queries are: {known}")
        return self.query(path.read_text(encoding="utf-8"))

    def search(self, text: str, limit: int = 20, kind: str | None = None) -> list[Hit]:
        """Entities, events and documents whose names match ``text`` (case and accents ignored, the last word
        as a prefix), best first: the index behind the server's /search, built on first use and kept in step
        with this graph's store (:mod:`kg.search`). ``kind``: "entity", "event" or "document"."""
        from kg.search import SearchIndex

        return SearchIndex.attach(self.store).search(text, limit=limit, kind=kind)

    def entity(self, iri_or_label: str) -> Entity:
        """The node with this IRI, or the one whose label or alternative label is this text (any case); when
        several share it, the one the most sources mention. KeyError when nothing matches."""
        from kg.server.describe import describe

        iri = iri_or_label if self._has_node(iri_or_label) else self._by_label(iri_or_label)
        return Entity(describe(self.store, iri, self.settings.base))

    def _has_node(self, text: str) -> bool:
        from kg.query import sparql_iri

        try:
            node = sparql_iri(text)
        except QueryError:
            return False
        return ":" in text and bool(self.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"))

    def _by_label(self, label: str) -> str:
        from kg.query import sparql_term

        wanted = sparql_term(label.strip().lower())
        rows = self.query(f"""SELECT ?e (COUNT(DISTINCT ?g) AS ?sources) WHERE {{
              ?e rdfs:label|skos:altLabel ?l FILTER(LCASE(STR(?l)) = {wanted})
              FILTER NOT EXISTS {{ ?e a rdf:Statement }}
              OPTIONAL {{ GRAPH ?g {{ ?e ?p ?o }} }} }}
            GROUP BY ?e ORDER BY DESC(?sources) STR(?e) LIMIT 1""").rows
        if not rows:
            near = [hit.label for hit in self.search(label, limit=5)]
            hint = f"; names that match: {', '.join(near)}" if near else ""
            raise KeyError(f"no node has the IRI or label {label!r}{hint}")
        return str(rows[0]["e"])

    @property
    def dataset(self) -> Dataset:
        """The store as an rdflib ``Dataset`` (through oxrdflib: the same data, not a copy), for rdflib tools."""
        if self._dataset is None:
            self._dataset = self.store.rdflib_dataset()
        return self._dataset

    def graphs(self) -> list[str]:
        """The named graphs: one per source document."""
        return self.store.graphs()

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        where = self.store.path or "memory"
        return f"<KnowledgeGraph {len(self):,} triples, {len(self.graphs())} sources, in {where}>"

    # -- writing --------------------------------------------------------------------------------------
    def export(self, path: str | os.PathLike | IO[bytes], format: str | None = None) -> Path | None:  # noqa: A002
        """Write the graph as ``kg export`` does (triple formats: the merged graph; trig and nquads: every
        source's graph too). ``format`` defaults to the file's suffix; the file appears whole or not at all.
        A binary file object is written to directly (``format`` is then required)."""
        from kg.cli import FORMAT_BY_SUFFIX
        from kg.store import EXPORT_FORMATS

        if not isinstance(path, str | os.PathLike):
            if format is None:
                raise ValueError("give format=... to write to a file object")
            self.store.export(format, path)
            return None
        target = Path(path)
        fmt = format or FORMAT_BY_SUFFIX.get(target.suffix.lower())
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"cannot tell the format of {target}: give format= one of {', '.join(EXPORT_FORMATS)}")
        handle, scratch = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                self.store.export(fmt, out)
            os.replace(scratch, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(scratch)
        return target

    def add(self, paths: str | os.PathLike | Iterable[str | os.PathLike | Document], **options: Any) -> BuildReport:
        """Build more articles into this graph (the NLP pipeline is loaded once per graph); returns the report.
        Options as for :func:`build` (manifest, strict, jobs)."""
        from kg.pipeline import Builder

        if self.read_only:
            raise PermissionError("this graph was opened read-only: kg.open(path, read_only=False) to add to it")
        unknown = set(options) - _BUILD_OPTIONS
        if unknown:
            raise TypeError(f"unknown option(s) for add: {', '.join(sorted(unknown))}")
        nlp = options.pop("nlp", None)  # used only when this graph has no builder (pipeline) yet
        inputs = _inputs(paths)
        if self._builder is None:
            self._builder = Builder(self.store, self.settings, nlp=nlp)
        self.report = _run_build(self._builder, inputs, **options)
        self._dataset = None
        return self.report

    def close(self) -> None:
        """Let go of a store folder (flushed first), so another process may open it for writing."""
        if not self.read_only:
            self.store.flush()
        self._dataset = self._builder = None
        self.store.ox = None  # type: ignore[assignment]  # any use after close fails loudly

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# -- building and opening ----------------------------------------------------------------------------
def _inputs(paths) -> list:
    if paths is None:
        return [EXAMPLES_DIR]
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    inputs = [Path(p) if isinstance(p, str | os.PathLike) else p for p in items]
    missing = [str(p) for p in inputs if isinstance(p, Path) and not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    return inputs


def _run_build(builder: Builder, inputs: list, manifest: str | os.PathLike | None = None, **options: Any):
    """The CLI's build steps: the folder's own manifest when none is given, then the builder."""
    from kg.ingest import folder_manifest, load_manifest

    paths = [p for p in inputs if isinstance(p, Path)]
    chosen = Path(manifest) if manifest is not None else folder_manifest(paths)
    return builder.build(inputs, manifest=load_manifest(chosen), **options)


def build(paths: str | os.PathLike | Iterable[str | os.PathLike | Document] | None = None,
          store: str | os.PathLike | KGStore | None = None, **options: Any) -> KnowledgeGraph:
    """Build articles (files, folders, or :class:`kg.records.Document` objects; default: the examples) into a
    graph: in memory when ``store`` is None, else into that store folder (created, or added to).

    Options: ``manifest`` (default: a lone folder's ``manifest.csv``), ``strict``, ``jobs``, ``nlp`` (a spaCy
    pipeline already loaded, to reuse between builds), ``progress``, and any :class:`kg.config.Settings` field
    (``base``, ``spacy_model``, ``batch_size``, ...). Raises FileNotFoundError for a missing input,
    :class:`kg.ingest.manifest.ManifestError` for an unusable manifest, :class:`kg.pipeline.BuildError` when
    ``strict`` stops the build, TypeError for an unknown option.
    """
    from kg.pipeline import Builder

    fields = {f.name for f in dataclasses.fields(Settings)}
    unknown = set(options) - fields - _BUILD_OPTIONS
    if unknown:
        raise TypeError(f"unknown option(s) for kg.build: {', '.join(sorted(unknown))}; choose from "
                        f"{', '.join(sorted(fields | _BUILD_OPTIONS))}")
    settings = Settings(**{k: v for k, v in options.items() if k in fields})
    build_options = {k: v for k, v in options.items() if k in _BUILD_OPTIONS}
    inputs = _inputs(paths)
    kg_store = store if isinstance(store, KGStore) else KGStore(Path(store) if store is not None else None)
    graph = KnowledgeGraph(kg_store, settings)
    graph._builder = Builder(kg_store, settings, nlp=build_options.pop("nlp", None))
    graph.report = _run_build(graph._builder, inputs, **build_options)
    return graph


def open(path: str | os.PathLike, read_only: bool = True, base: str | None = None) -> KnowledgeGraph:  # noqa: A001
    """A graph from a store folder (``kg build --store DIR``) or from RDF files (.trig .nq .ttl .nt .jsonld,
    loaded into memory, as ``--data``). A folder opens read-only by default, so a running ``kg serve`` may
    hold it too; ``read_only=False`` allows :meth:`KnowledgeGraph.add`. ``base`` is the build's base IRI
    (default: ``KG_BASE`` or the standard one)."""
    target = Path(path)
    settings = Settings(base=base) if base else Settings()
    if target.is_file():
        memory = KGStore()
        memory.load_quads(target)
        return KnowledgeGraph(memory, settings)
    if not target.is_dir():
        raise FileNotFoundError(f"no store at {target}: build one with kg.build(paths, store={str(target)!r}) "
                                f"or `kg build --store {target}`")
    try:
        return KnowledgeGraph(KGStore(target, read_only=read_only), settings, read_only=read_only)
    except StoreError as exc:
        raise StoreError(f"{target} is not a store that can be opened: {exc}") from None
