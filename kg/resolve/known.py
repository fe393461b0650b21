"""What the resolver knows about nodes already in the graph, as plain records.

``kg.rdf.known_records`` reads these back from a store so an incremental build merges new documents
into existing nodes; the resolver also keeps its own index of them up to date as it resolves
documents, so later documents of the same build merge too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class KnownEntity:
    iri: str
    types: set[str]  # ontology class local names
    label: str
    names: set[str] = field(default_factory=set)  # every name seen (altLabels)
    ids: dict[str, str] = field(default_factory=dict)  # "wikidata" -> "Q794", "geonames" -> "130758", ...
    affiliations: set[str] = field(default_factory=set)  # IRIs (ckg:affiliation)
    containers: set[str] = field(default_factory=set)  # IRIs (ckg:locatedIn)


@dataclass
class KnownEvent:
    iri: str
    category: str  # "Attack" or "DiplomaticAction"
    types: set[str]
    label: str
    principals: set[str] = field(default_factory=set)  # perpetrator / actor IRIs
    targets: set[str] = field(default_factory=set)  # target / recipient IRIs
    locations: set[str] = field(default_factory=set)
    dates: set[date] = field(default_factory=set)
    killed: set[int] = field(default_factory=set)  # death tolls the sources gave (attacks)
