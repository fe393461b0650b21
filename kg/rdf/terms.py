"""pyoxigraph terms for the vocabularies the graph uses, and the IRI scheme of instance data.

IRIs under the configurable base (default ``https://w3id.org/conflict-kg/id/``):

* entities ``state/iran``, ``group/jaish-al-adl``, ``person/...``, ``place/...``, ``org/...``
  and events ``event/[<yyyy-mm-dd>-][<principal>-]<type>[-<territory|target>]`` are minted by
  ``kg.resolve`` (an event's parts only as its first report stated them: ``kg.resolve.names.event_slug``);
* documents ``source/<sha256[:16]>`` and their graphs ``graph/<sha256[:16]>`` (from the text's
  hash, so the same article is the same document in every run);
* statements ``statement/<sha256(graph|s|p|o|start|end)[:24]>`` (deterministic);
* the run ``activity/<hash of run>``, the software ``agent/conflict-kg-<version>`` and the NLP
  model ``agent/model-<name>-<version>``.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from kg.resolve.names import slug
from kg.vocab import CKG

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "http://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

ID_HASH = 16


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def ckg(name: str) -> ox.NamedNode:
    return ox.NamedNode(CKG[name])


A = n(RDF + "type")
LABEL = n(RDFS + "label")
ALT = n(SKOS + "altLabel")
SAME_AS = n(OWL + "sameAs")
EXACT = n(SKOS + "exactMatch")
DERIVED = n(PROV + "wasDerivedFrom")
GENERATED = n(PROV + "wasGeneratedBy")


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=n(XSD + datatype))


def graph_iri(doc_id: str, base: str) -> str:
    """The named graph of a document: deterministic from the document's sha256."""
    return f"{base}graph/{doc_id[:ID_HASH]}"


def document_iri(doc_id: str, base: str) -> str:
    return f"{base}source/{doc_id[:ID_HASH]}"


def statement_iri(base: str, *parts: object) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:24]
    return f"{base}statement/{digest}"


def agent_iri(base: str, name: str, version: str) -> str:
    return f"{base}agent/{slug(name)}-{slug(version)}"
