"""RDF/XML is read once, by lxml, and Oxigraph is given what lxml read, never the raw bytes.

Oxigraph's RDF/XML parser honours internal ``<!ENTITY>`` declarations and expands nested ones without
limit (a 1 KB file becomes a 1 GB literal). Screening the file with a second parser first does not
work: the screen and Oxigraph disagree on malformed prologs (``standalone="maybe"``, a space before
``<?xml``, two DOCTYPEs, ...), and each disagreement is a bomb that passes the screen and explodes in
Oxigraph. So there is one reading of the document, libxml2's through lxml, with its own switches:

* ``resolve_entities=False``, ``load_dtd=False``, ``no_network=True``: no entity is expanded, no DTD
  or entity is fetched, from a file or the network;
* ``huge_tree=False``: libxml2's own limits on text nodes, depth and entity amplification stay on.

A document whose DTD declares any entity is refused (RDF/XML needs none; an entity-expansion attack
needs one), and so is one that refers to an entity it does not declare. What lxml accepted is then
written out again (the root element only: no DOCTYPE, UTF-8, comments and processing instructions
dropped) and that is what Oxigraph parses: a well-formed document with no DTD, which cannot expand.

Sizes are bounded on the way: the file (``KG_MAX_RDFXML_BYTES``, the tree lives in memory), every
literal and attribute value (``KG_MAX_LITERAL_CHARS``), and what is handed on (the same bound as the
file: with no entities, nothing grows). Each refusal is one line naming the file and the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

#: The largest RDF/XML file read (lxml holds its tree in memory, ~5-10x the file); dumps larger than this
#: belong in N-Quads or TriG, which Oxigraph streams.
MAX_RDFXML_BYTES = 200_000_000
#: The largest literal (or attribute value) accepted; libxml2 alone would allow 10 MB text nodes.
MAX_LITERAL_CHARS = 5_000_000


REFUSED = "refused, since RDF/XML needs no entities and entity expansion is how XML bombs and file reads work"


class UnsafeXML(ValueError):
    """The RDF/XML cannot be read safely or is not well-formed; the message names the file and why."""


def _limit(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.isdigit() else default


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        # not collect_ids=False: with lxml 6 / libxml2 2.14 it makes libxml2 load the external DTD subset
        # (a local file, or a FIFO that blocks forever), whatever load_dtd says; tests/test_security_xml.py
    )


def _entity_problem(parser: etree.XMLParser, tree) -> str | None:
    dtd = tree.docinfo.internalDTD
    entities = list(dtd.iterentities()) if dtd is not None else []
    external = [e for e in entities if e.system_url or getattr(e, "public_id", None)]
    if external:
        return (f"the XML declares the external entity '{external[0].name}' ({external[0].system_url}), which "
                f"would read a local file or fetch a URL: {REFUSED}")
    declared = [entity.name for entity in entities]
    if declared:
        shown = ", ".join(declared[:3]) + (f" and {len(declared) - 3} more" if len(declared) > 3 else "")
        return f"the XML declares entities ({shown}): {REFUSED}"
    for entry in parser.error_log:
        if "ENTITY" in entry.type_name:
            return f"the XML refers to an entity it does not declare ({entry.message}, line {entry.line}): refused"
    for node in tree.iter(etree.Entity):
        return f"the XML refers to the entity &{node.name}; which it does not declare: refused"
    return None


def _literal_problem(root, max_chars: int) -> str | None:
    for element in root.iter(etree.Element):  # comments and PIs are gone; entity nodes were refused above
        for where, value in (("text", element.text), ("text", element.tail), *(
                (f"attribute {name}", value) for name, value in element.attrib.items())):
            if value is not None and len(value) > max_chars:
                return (f"a literal ({where} of <{etree.QName(element).localname}>, line {element.sourceline}) of "
                        f"{len(value):,} characters, over the limit of {max_chars:,} (KG_MAX_LITERAL_CHARS)")
    return None


def read_rdfxml(path: Path, max_bytes: int | None = None, max_literal: int | None = None) -> bytes:
    """The RDF/XML at ``path`` as lxml read it, re-serialised for Oxigraph; UnsafeXML if refused."""
    max_bytes = max_bytes or _limit("KG_MAX_RDFXML_BYTES", MAX_RDFXML_BYTES)
    max_literal = max_literal or _limit("KG_MAX_LITERAL_CHARS", MAX_LITERAL_CHARS)
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UnsafeXML(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise UnsafeXML(f"{name}: over {max_bytes:,} bytes (KG_MAX_RDFXML_BYTES), too large to read as RDF/XML; "
                        "give the graph as N-Quads or TriG")
    parser = _parser()
    try:
        root = etree.fromstring(data, parser, base_url=None)
    except etree.XMLSyntaxError as exc:
        message = exc.msg or str(exc)
        if "failed to load" in message or "network entity" in message:
            raise UnsafeXML(f"{name}: the XML declares an external entity, which would read a local file or fetch "
                            f"a URL: {REFUSED} (libxml2: {message})") from None
        if "amplification" in message or "ntity" in message:
            raise UnsafeXML(f"{name}: the XML declares or expands entities: {REFUSED} (libxml2: {message})") from None
        raise UnsafeXML(f"{name}: not well-formed XML: {message}") from None
    except (ValueError, LookupError) as exc:  # e.g. lxml refusing a str with an encoding declaration
        raise UnsafeXML(f"{name}: not readable XML: {exc}") from None
    if root is None:
        raise UnsafeXML(f"{name}: no XML document")
    tree = root.getroottree()
    problem = _entity_problem(parser, tree) or _literal_problem(root, max_literal)
    if problem:
        raise UnsafeXML(f"{name}: {problem}")
    out = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    if len(out) > max_bytes:  # cannot grow without entities; checked so no later change makes it silently
        raise UnsafeXML(f"{name}: the parsed XML is over {max_bytes:,} bytes (KG_MAX_RDFXML_BYTES)")
    return out
