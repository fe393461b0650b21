"""A read-only, in-memory view of the parts of a built graph the scorer needs.

Pulled out of the store with a handful of SPARQL queries once, so matching is plain Python over
dicts (fast, and testable on hand-built graphs). Only the vocabulary of the public contract is
used: ckg: classes and properties, rdfs:label / skos:altLabel, owl:sameAs, and the provenance
links ``?g prov:wasDerivedFrom ?doc`` / ``?doc dcterms:source ?name``.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from kg import vocab
from kg.config import ONTOLOGY_NS
from kg.eval.names import norm, source_key

# Properties whose values the scorer reads (contract section 3).
PROPERTIES = ("perpetrator", "target", "actor", "recipient", "location", "locatedIn", "date", "killed",
              "injured", "inResponseTo", "position", "affiliation", "partOf", "basedIn")


@cache
def ontology_superclasses() -> dict[str, frozenset[str]]:
    """The class tree of the ontology (kg.vocab reads it from ontology/, so nothing is re-typed)."""
    return {c: vocab.superclasses(c) for c in vocab.CLASSES}


def _key(term) -> str:
    """A hashable id for an IRI or blank node; literals are their lexical form."""
    kind = type(term).__name__
    if kind == "BlankNode":
        return "_:" + term.value
    return term.value


def _is_resource(term) -> bool:
    return type(term).__name__ in ("NamedNode", "BlankNode")


def _local(iri: str) -> str | None:
    return iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else None


class GraphView:
    """Nodes with their ckg types, names, property values, and the documents that state them."""

    def __init__(self, store):
        self.types: dict[str, set[str]] = defaultdict(set)
        self.names: dict[str, set[str]] = defaultdict(set)
        self.label: dict[str, str] = {}
        self.props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.same_as: dict[str, set[str]] = defaultdict(set)
        self.node_graphs: dict[str, set[str]] = defaultdict(set)
        self.triple_graphs: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.graph_sources: dict[str, set[str]] = defaultdict(set)
        self.superclasses = {k: set(v) for k, v in ontology_superclasses().items()}
        self._load(store)

    # -- loading --------------------------------------------------------------------------------
    def _load(self, store) -> None:
        for row in store.query("SELECT ?s ?t WHERE { ?s a ?t }"):
            local = _local(row["t"].value) if _is_resource(row["t"]) else None
            if local:
                self.types[_key(row["s"])].add(local)
        for row in store.query("SELECT ?c ?d WHERE { ?c rdfs:subClassOf ?d }"):
            c, d = _local(row["c"].value), _local(row["d"].value)
            if c and d:
                self.superclasses.setdefault(c, set()).add(d)
        for row in store.query("SELECT ?s ?p ?l WHERE { ?s ?p ?l VALUES ?p { rdfs:label skos:altLabel } }"):
            node = _key(row["s"])
            self.names[node].add(norm(row["l"].value))
            if row["p"].value.endswith("#label") and node not in self.label:
                self.label[node] = row["l"].value
        values = " ".join(f"ckg:{p}" for p in PROPERTIES)
        for row in store.query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o VALUES ?p {{ {values} }} }}"):
            self.props[_key(row["s"])][_local(row["p"].value)].append(_key(row["o"]))
        for row in store.query("SELECT ?s ?o WHERE { ?s owl:sameAs ?o }"):
            self.same_as[_key(row["s"])].add(row["o"].value)
        events = " ".join(f"ckg:{c}" for c, sup in self.superclasses.items()
                          if "Event" in self.ancestors_of_class(c) or c == "Event")
        for row in store.query(
            f"SELECT DISTINCT ?s ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} ?s a ?t VALUES ?t {{ {events} }} }}"
        ):
            self.node_graphs[_key(row["s"])].add(row["g"].value)
        query = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o VALUES ?p {{ {values} }} }} }}"
        for row in store.query(query):
            self.triple_graphs[(_key(row["s"]), _local(row["p"].value), _key(row["o"]))].add(row["g"].value)
        self._load_sources(store)

    def _load_sources(self, store) -> None:
        """Map each named graph to the names of the documents it was derived from.

        A document is known by ``dcterms:source`` (its URL when a manifest gives one, else its file
        name) and ``dcterms:identifier`` (its name in the build); gold sources may name either.
        """
        named = {g.value for g in store.ox.named_graphs() if _is_resource(g)}
        doc_sources: dict[str, set[str]] = defaultdict(set)
        for row in store.query(
            "SELECT DISTINCT ?d ?src WHERE { { ?d ?p ?src } UNION { GRAPH ?x { ?d ?p ?src } } "
            "VALUES ?p { dcterms:source dcterms:identifier } }"
        ):
            doc_sources[_key(row["d"])].add(row["src"].value)
        graph_docs: dict[str, set[str]] = defaultdict(set)
        fallback: dict[str, set[str]] = {}
        for row in store.query(
            "SELECT DISTINCT ?g ?d WHERE { { ?g prov:wasDerivedFrom ?d } "
            "UNION { GRAPH ?x { ?g prov:wasDerivedFrom ?d } } }"
        ):
            if row["g"].value in named:
                graph_docs[row["g"].value].add(_key(row["d"]))
        # Fallback when a graph has no graph-level link: the SourceDocuments its statements cite.
        for row in store.query("SELECT DISTINCT ?g ?d WHERE { GRAPH ?g { ?x prov:wasDerivedFrom ?d } "
                               "?d a ckg:SourceDocument }"):
            if row["g"].value in named and row["g"].value not in graph_docs:
                fallback.setdefault(row["g"].value, set()).add(_key(row["d"]))
        for graph, docs in [*graph_docs.items(), *fallback.items()]:
            for doc in docs:
                self.graph_sources[graph] |= doc_sources.get(doc) or {doc}

    # -- types ----------------------------------------------------------------------------------
    def ancestors_of_class(self, cls: str) -> set[str]:
        seen, todo = {cls}, [cls]
        while todo:
            for sup in self.superclasses.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def type_closure(self, node: str) -> set[str]:
        out: set[str] = set()
        for t in self.types.get(node, ()):
            out |= self.ancestors_of_class(t)
        return out

    def nodes_of(self, cls: str) -> list[str]:
        return sorted(n for n in self.types if cls in self.type_closure(n))

    def specific_types(self, node: str, root: str) -> set[str]:
        """The node's types strictly below ``root`` (e.g. MissileStrike under Attack)."""
        return {t for t in self.type_closure(node) if t != root and root in self.ancestors_of_class(t)}

    # -- values ---------------------------------------------------------------------------------
    def values(self, node: str, prop: str) -> list[str]:
        return self.props.get(node, {}).get(prop, [])

    def ancestors(self, node: str) -> set[str]:
        """The node and every place it is (transitively) ckg:locatedIn."""
        seen, todo = {node}, [node]
        while todo:
            for up in self.values(todo.pop(), "locatedIn"):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        return seen

    def named(self, node: str, names: set[str]) -> bool:
        return bool(self.names.get(node, set()) & names)

    def refers_to(self, node: str, names: set[str]) -> bool:
        """The node is the named entity, or serves it (an official's ckg:affiliation, a body's ckg:partOf)."""
        serves = [*self.values(node, "affiliation"), *self.values(node, "partOf")]
        return self.named(node, names) or any(self.named(a, names) for a in serves)

    def sources(self, node: str) -> set[str]:
        """File names / URLs of the documents whose graphs state something about the node."""
        return {s for g in self.node_graphs.get(node, ()) for s in self.graph_sources.get(g, ())}

    def triple_sources(self, s: str, p: str, o: str) -> set[str]:
        return {src for g in self.triple_graphs.get((s, p, o), ()) for src in self.graph_sources.get(g, ())}

    def show(self, node: str) -> str:
        """How to name a node in a message: its label and the end of its IRI."""
        tail = node.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        label = self.label.get(node)
        return f"'{label}' <{tail}>" if label else f"<{tail}>"

    def show_value(self, value: str) -> str:
        return self.show(value) if value in self.types or value in self.label else repr(value)


def short_sources(sources: set[str]) -> list[str]:
    return sorted(source_key(s) for s in sources)
