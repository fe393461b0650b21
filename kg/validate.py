"""``kg validate``: the SHACL shapes on the merged graph, and HermiT on the ontology, in plain words.

Two independent checks:

* :func:`shacl_check` runs ``ontology/shapes.ttl`` with pyshacl over the store's merged (default)
  graph, with the ontology as ``ont_graph`` so ``sh:class`` follows ``rdfs:subClassOf`` (no RDFS
  inference pass is needed for that, which keeps it fast on tens of thousands of triples).
* :func:`reasoner_check` loads ``conflict-kg.owl`` in owlready2 and runs HermiT. HermiT rejects an
  ``xsd:date`` range (UnsupportedDatatypeException), so the reasoner works on a *copy* with that
  range relaxed; the published ontology keeps it.

Only warnings (``sh:Warning``) still count as valid. rdflib, pyshacl and owlready2 are imported
lazily, only when a check runs.
"""

from __future__ import annotations

import io
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.display import visible
from kg.vocab import NS, ONTOLOGY_OWL, ONTOLOGY_TTL, SHAPES_TTL

SH = "http://www.w3.org/ns/shacl#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
EXAMPLES_PER_MESSAGE = 3


@dataclass
class Finding:
    """One SHACL result, reduced to what a person needs to read."""

    severity: str  # "Violation", "Warning" or "Info"
    message: str
    focus: str  # a readable name for the focus node
    value: str | None = None
    path: str | None = None


@dataclass
class ShaclResult:
    triples: int
    seconds: float
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def ok(self) -> bool:
        return self.count("Violation") == 0


@dataclass
class ReasonerResult:
    consistent: bool | None  # None: the reasoner could not run (e.g. no Java)
    seconds: float
    detail: str = ""


# -- SHACL ------------------------------------------------------------------------------------------
def shacl_check_graph(data_graph, sparql=None) -> ShaclResult:
    """Validate an rdflib Graph against the shapes, with the ontology for subclass reasoning.

    ``sparql``, if given, is a function running a SPARQL SELECT over the same data (the store's
    Oxigraph): node-level SPARQL constraints then run once over the whole graph there instead of
    once per focus node in rdflib inside pyshacl (20 s instead of 0.1 s on 30k triples).
    """
    from pyshacl import validate
    from rdflib import Graph

    shapes = Graph().parse(SHAPES_TTL, format="turtle")
    ontology = Graph().parse(ONTOLOGY_TTL, format="turtle")
    start = time.perf_counter()
    findings: list[Finding] = []
    if sparql is not None:
        findings += _run_sparql_constraints(shapes, data_graph, sparql)
    conforms, report, text = validate(
        data_graph, shacl_graph=shapes, ont_graph=ontology, inference="none",
        advanced=True, allow_warnings=True, abort_on_first=False,
    )
    if not hasattr(report, "subjects"):  # pyshacl could not run the shapes at all
        raise RuntimeError(f"SHACL validation failed to run: {text}")
    findings += _findings(report, data_graph)
    return ShaclResult(len(data_graph), time.perf_counter() - start, findings)


def shacl_check(store) -> ShaclResult:
    """Validate the store's merged graph (the default graph: the union of all sources)."""
    return shacl_check_graph(store_graph(store), sparql=store.query)


def _run_sparql_constraints(shapes, data_graph, sparql) -> list[Finding]:
    """Evaluate (and remove from ``shapes``) each node shape's sh:sparql constraint in one query.

    Only shapes whose targets are ``sh:targetSubjectsOf`` / ``sh:targetNode`` are taken over, and
    only rows whose ``$this`` is such a target are kept, so the results are those SHACL defines.
    """
    from rdflib import URIRef

    sh = lambda name: URIRef(SH + name)  # noqa: E731
    findings = []
    for shape, constraint in list(shapes.subject_objects(sh("sparql"))):
        target_predicates = set(shapes.objects(shape, sh("targetSubjectsOf")))
        target_nodes = set(shapes.objects(shape, sh("targetNode")))
        other_targets = [p for p in ("targetClass", "targetObjectsOf", "target") if shapes.value(shape, sh(p))]
        if other_targets or not (target_predicates or target_nodes) or shapes.value(shape, sh("path")):
            continue  # leave it to pyshacl
        prefixes = "".join(
            f"PREFIX {shapes.value(d, sh('prefix'))}: <{shapes.value(d, sh('namespace'))}>\n"
            for source in shapes.objects(constraint, sh("prefixes"))
            for d in shapes.objects(source, sh("declare"))
        )
        query = prefixes + str(shapes.value(constraint, sh("select"))).replace("$this", "?this")
        severity = str(shapes.value(shape, sh("severity")) or sh("Violation"))[len(SH):]
        message = str(shapes.value(constraint, sh("message")) or shapes.value(shape, sh("message")) or shape)
        for row in sparql(query):
            focus = _to_rdflib(row["this"])
            if focus not in target_nodes and not any(
                (focus, p, None) in data_graph for p in target_predicates
            ):
                continue
            path, value = _to_rdflib(_get(row, "path")), _to_rdflib(_get(row, "value"))
            findings.append(Finding(severity, message, _describe(data_graph, focus),
                                    None if value is None else _describe(data_graph, value),
                                    None if path is None else _short(path)))
        shapes.remove((shape, sh("sparql"), constraint))
    return findings


def _get(row, name):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _to_rdflib(term):
    """An Oxigraph term as the rdflib term of the same RDF node."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if getattr(term, "language", None):
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def store_graph(store):
    """The store's merged graph as an rdflib Graph (via N-Triples: simple and fast enough)."""
    from rdflib import Graph

    buffer = io.BytesIO()
    store.export("ntriples", buffer)
    graph = Graph()
    graph.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
    return graph


def _findings(report, data_graph) -> Iterable[Finding]:
    from rdflib import URIRef

    sh = lambda name: URIRef(SH + name)  # noqa: E731
    for result in report.subjects(URIRef(RDF + "type"), sh("ValidationResult")):
        severity = str(report.value(result, sh("resultSeverity")) or SH + "Violation")[len(SH):]
        message = report.value(result, sh("resultMessage"))
        if message is None:
            path = report.value(result, sh("resultPath"))
            component = report.value(result, sh("sourceConstraintComponent"))
            message = f"{_short(path)} fails {_short(component)}"
        focus = report.value(result, sh("focusNode"))
        value = report.value(result, sh("value"))
        path = report.value(result, sh("resultPath"))
        if value == focus:  # node-level constraints report the focus node itself as the value
            value = None
        yield Finding(severity, str(message), _describe(data_graph, focus),
                      None if value is None else _describe(data_graph, value),
                      None if path is None else _short(path))


def _short(node) -> str:
    text = str(node)
    for prefix, base in (("ckg:", NS), ("sh:", SH), ("rdf:", RDF), ("xsd:", XSD), ("rdfs:", RDFS)):
        if text.startswith(base):
            return prefix + text[len(base):]
    return text


def _describe(graph, node) -> str:
    """A person-readable name: the label, or for an evidence statement what it is about."""
    from rdflib import Literal, URIRef

    if node is None:
        return "?"
    if isinstance(node, Literal):
        return repr(str(node)) if node.datatype is None else f"{node} ({_short(node.datatype)})"
    label = graph.value(node, URIRef(RDFS_LABEL))
    if label is not None:
        return f'"{label}" <{node}>' if isinstance(node, URIRef) else f'"{label}"'
    subject = graph.value(node, URIRef(RDF + "subject"))
    if subject is not None:
        predicate = graph.value(node, URIRef(RDF + "predicate"))
        return f"the statement that {_describe(graph, subject)} {_short(predicate)} …"
    kinds = sorted(_short(t) for t in graph.objects(node, URIRef(RDF + "type")) if str(t).startswith(NS))
    name = f"<{node}>" if isinstance(node, URIRef) else "a blank node"
    return f"{name} ({', '.join(kinds)})" if kinds else name


def format_shacl(result: ShaclResult) -> str:
    """Counts, then each distinct problem with how often it occurs and a few examples."""
    violations, warnings = result.count("Violation"), result.count("Warning")
    lines = [
        f"SHACL shapes: {violations} violation{'s' * (violations != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)} in {result.triples:,} triples ({result.seconds:.1f} s)"
    ]
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        grouped[(finding.severity, finding.message)].append(finding)
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    for (severity, message), group in sorted(grouped.items(), key=lambda kv: (order.get(kv[0][0], 3), -len(kv[1]))):
        lines.append(f"  {severity.upper()} ×{len(group)}: {message}")
        for finding in group[:EXAMPLES_PER_MESSAGE]:  # labels and values are the data's: one visible line each
            value = f" {finding.path or 'value'}: {visible(finding.value, 300)}" if finding.value else ""
            lines.append(f"      e.g. {visible(finding.focus, 300)}{value}")
        if len(group) > EXAMPLES_PER_MESSAGE:
            lines.append(f"      … and {len(group) - EXAMPLES_PER_MESSAGE} more")
    return "\n".join(lines)


# -- reasoner ---------------------------------------------------------------------------------------
def reasoner_check(extra_individuals: Iterable[tuple[str, Iterable[str]]] = ()) -> ReasonerResult:
    """Run HermiT on a copy of the ontology (``xsd:date`` range relaxed) and say if it is consistent.

    ``extra_individuals`` are ``(name, [class local names])`` added to the copy first, so a test
    can check that a wrong individual (a State that is also an ArmedGroup) is found inconsistent.
    Unsatisfiable classes count as inconsistent too: a class nothing can belong to is a modelling bug.
    """
    import owlready2 as ow

    start = time.perf_counter()
    world = ow.World()
    try:
        onto = world.get_ontology(ONTOLOGY_OWL.as_uri()).load()
        relaxed = _relax_unsupported_ranges(world)
        with onto:
            for name, classes in extra_individuals:
                types = [world[NS + c] for c in classes]
                individual = types[0](name)
                individual.is_a.extend(types[1:])
            ow.sync_reasoner_hermit([onto], infer_property_values=False, debug=0)
        unsatisfiable = sorted(c.name for c in world.inconsistent_classes() if c is not ow.Nothing)
    except ow.OwlReadyInconsistentOntologyError:
        return ReasonerResult(False, time.perf_counter() - start, "inconsistent")
    except (OSError, ow.OwlReadyJavaError) as exc:
        return ReasonerResult(None, time.perf_counter() - start, f"HermiT could not run: {exc}".strip())
    finally:
        world.close()
    seconds = time.perf_counter() - start
    if unsatisfiable:
        return ReasonerResult(False, seconds, "unsatisfiable classes: " + ", ".join(unsatisfiable))
    return ReasonerResult(True, seconds, f"checked with {', '.join(relaxed) or 'no'} range relaxed")


def _relax_unsupported_ranges(world) -> list[str]:
    """Drop ``xsd:date`` ranges (HermiT cannot handle them) in this world's copy only."""
    import datetime

    relaxed = []
    for prop in world.data_properties():
        if datetime.date in prop.range:
            prop.range = [r for r in prop.range if r is not datetime.date]
            relaxed.append(f"ckg:{prop.name} xsd:date")
    return relaxed


def format_reasoner(result: ReasonerResult) -> str:
    if result.consistent is None:
        return f"ontology not checked: {result.detail}"
    word = "consistent" if result.consistent else "INCONSISTENT"
    return f"ontology {word} (HermiT, {result.seconds:.1f} s; {result.detail})"


# -- the command ------------------------------------------------------------------------------------
def validate_store(store, reasoner: bool = True) -> tuple[bool, str]:
    """Both checks on a store; ``(ok, report)``. ok is False on any violation or an inconsistent ontology."""
    shacl = shacl_check(store)
    lines = [format_shacl(shacl)]
    ok = shacl.ok
    if reasoner:
        reasoning = reasoner_check()
        lines.append(format_reasoner(reasoning))
        ok = ok and reasoning.consistent is not False
    lines.append("valid" if ok else "NOT valid: see the violations above")
    return ok, "\n".join(lines)
