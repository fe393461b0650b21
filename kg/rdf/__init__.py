"""Stage 5: resolved records -> RDF, and reading the store back for incremental builds.

Graph layout (contract §4): one named graph per source document holding the document's metadata,
the extraction activity, every entity and event it speaks of (with the shared IRIs and canonical
labels from ``kg.resolve``), its facts as plain triples and one ``rdf:Statement`` per fact with the
evidence sentence and offsets. The store's default graph is the set union of these graphs (see
``kg.store``). IRI scheme: :mod:`kg.rdf.terms`; triples: :mod:`kg.rdf.triples`; read-back:
:mod:`kg.rdf.read`. Only this package and ``kg.store`` import pyoxigraph/rdflib.
"""

from kg.rdf.read import find_graphs, known_records
from kg.rdf.terms import document_iri, graph_iri, statement_iri
from kg.rdf.triples import RunInfo, document_triples

__all__ = ["RunInfo", "document_triples", "graph_iri", "document_iri", "statement_iri", "known_records",
           "find_graphs"]
