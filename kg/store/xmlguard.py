"""Screening RDF/XML before Oxigraph parses it, because Oxigraph expands XML entities without limit.

Oxigraph's RDF/XML parser honours internal ``<!ENTITY>`` declarations (OWL files use them for
namespaces) and expands nested ones fully: a 1 KB "billion laughs" file becomes a 1 GB literal. It
refuses external entities itself, but only by accident of its DTD parser. So a file that declares
entities is first read by expat, which names the first problem before any expansion happens:

* an external entity (``SYSTEM`` / ``PUBLIC``), which could read local files or fetch URLs;
* an entity whose value refers to another entity (the exponential case);
* a total expansion over expat's amplification limit (one large entity repeated many times).

Files without ``<!ENTITY`` (everything ``kg export`` writes) skip the check at no cost.
"""

from __future__ import annotations

import xml.parsers.expat
from pathlib import Path


class UnsafeXML(ValueError):
    """The XML declares entities that could read files, fetch URLs or exhaust memory."""


def check_entities(path: Path) -> None:
    """Raise UnsafeXML when the RDF/XML at ``path`` declares a dangerous entity."""
    with open(path, "rb") as handle:
        data = handle.read()
    if b"<!ENTITY" not in data:
        return

    def declared(name, _is_parameter, value, _base, system_id, public_id, _notation):
        if system_id is not None or public_id is not None:
            raise UnsafeXML(f"{path.name}: the XML declares the external entity '{name}' ({system_id or public_id}), "
                            "which could read local files or fetch URLs; refused")
        if value is not None and ("&" in value or "%" in value):
            raise UnsafeXML(f"{path.name}: the XML entity '{name}' refers to other entities (an entity-expansion "
                            "attack); refused")

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = declared
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        if "amplification" in str(exc):
            raise UnsafeXML(f"{path.name}: the XML entities expand to far more text than the file holds; "
                            f"refused ({exc})") from None
        # other XML errors are Oxigraph's to report, with its own message
