"""The queries the endpoint benchmark times: the analysts' ``queries/*.rq`` and selective lookups.

Selective lookups are what an application built on the endpoint sends all day: one entity's
description, the events of one perpetrator, the sources of one event, the events of one day, a
label lookup, one source's graph. Their IRIs are sampled (seeded) from the store being measured, so
they hit real nodes at any size; every run of a lookup uses a different node.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from kg.config import QUERIES_DIR
from kg.store import PREFIXES

PROLOGUE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
PARAMS = {"event": "event", "actor": "actor", "place": "place"}

LOOKUPS = {
    "describe an entity": "SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}",
    "events of a perpetrator": "SELECT ?e ?d WHERE {{ ?e ckg:perpetrator <{actor}> . OPTIONAL {{ ?e ckg:date ?d }} }}",
    "sources of an event": ("SELECT ?doc ?title ?evidence WHERE {{ ?st rdf:subject <{event}> ; "
                            "prov:wasDerivedFrom ?doc ; ckg:evidence ?evidence . "
                            "OPTIONAL {{ ?doc dcterms:title ?title }} }}"),
    "events on a day": "SELECT ?e ?l WHERE {{ ?e ckg:date \"{day}\"^^xsd:date ; rdfs:label ?l }}",
    "entity by label": "SELECT ?e ?t WHERE {{ ?e rdfs:label \"{label}\" ; a ?t }}",
    "one source's graph": "SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
}


@dataclass(frozen=True)
class Query:
    name: str
    texts: tuple[str, ...]  # one per run (lookups vary their node); canned queries have one text
    kind: str  # "canned" or "lookup"


def _sample(store, sparql: str, k: int, rng: random.Random) -> list[str]:
    values = [row[0].value for row in store.query(PROLOGUE + sparql)]
    values.sort()
    return rng.sample(values, min(k, len(values))) if values else []


def sample_nodes(store, k: int = 50, seed: int = 11) -> dict[str, list[str]]:
    """Nodes of each kind to bind lookups to; ``store`` is anything with ``query`` (raw or KGStore)."""
    rng = random.Random(seed)
    return {
        "entity": _sample(store, "SELECT DISTINCT ?e WHERE { ?e a ckg:Actor } LIMIT 20000", k, rng)
        or _sample(store, "SELECT DISTINCT ?e WHERE { ?e a ckg:State } LIMIT 20000", k, rng),
        "actor": _sample(store, "SELECT DISTINCT ?a WHERE { ?e ckg:perpetrator ?a } LIMIT 20000", k, rng),
        "event": _sample(store, "SELECT ?e WHERE { ?e a ckg:Event } LIMIT 20000", k, rng),
        "day": _sample(store, "SELECT DISTINCT ?d WHERE { ?e ckg:date ?d } LIMIT 20000", k, rng),
        "label": _sample(store, "SELECT ?l WHERE { ?e a ckg:ArmedGroup ; rdfs:label ?l } LIMIT 20000", k, rng),
        "graph": _sample(store, "SELECT ?g WHERE { ?g prov:wasDerivedFrom ?d ; prov:wasGeneratedBy ?run } "
                                "LIMIT 20000", k, rng),
        "place": _sample(store, "SELECT DISTINCT ?p WHERE { ?e ckg:location ?p } LIMIT 20000", k, rng),
    }


def bind(text: str, name: str, iri: str) -> str:
    """The queries/README.md convention: ``VALUES ?NAME { <iri> }`` right after the first ``WHERE {``."""
    match = WHERE.search(text)
    if match is None:
        raise ValueError(f"no WHERE {{ to bind ?{name} in")
    return f"{text[:match.end()]} VALUES ?{name} {{ <{iri}> }} {text[match.end():]}"


def _params(text: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# param:")]


def canned_queries(nodes: dict[str, list[str]], queries_dir: Path = QUERIES_DIR) -> list[Query]:
    """Every ``queries/*.rq``: unbound as written, and bound to one node where it has a parameter."""
    out = []
    for path in sorted(queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        out.append(Query(path.stem, (text,), "canned"))
        for param in _params(text):
            values = nodes.get(PARAMS.get(param, param)) or nodes.get("entity") or []
            if values:
                out.append(Query(f"{path.stem}?{param}=…", tuple(bind(text, param, v) for v in values),
                                 "canned"))
    return out


def lookup_queries(nodes: dict[str, list[str]]) -> list[Query]:
    out = []
    for name, template in LOOKUPS.items():
        field = next(f for f in ("entity", "actor", "event", "day", "label", "graph") if "{" + f + "}" in template)
        values = nodes.get(field) or []
        if values:
            texts = tuple(PROLOGUE + template.format(**{field: v.replace('"', '\\"')}) for v in values)
            out.append(Query(name, texts, "lookup"))
    return out
