"""Choosing a response format from a ``format=`` parameter or the ``Accept`` header.

Result sets and RDF graphs have separate menus; each format has one canonical media type that is
sent back, a few aliases that clients ask for, and the short names ``format=`` takes. The rules
follow what Fuseki and Oxigraph do, so clients written against either work here:

1. ``format=`` (Fuseki's ``output=``/``format=``) wins over ``Accept``: it is a deliberate choice
   written into a URL, and SPARQLWrapper sends both. A name this server does not know is refused
   (406) rather than silently ignored, so a typo in a link says what is wrong.
2. Otherwise the best ``Accept`` match: highest q, then the most specific range, then the
   canonical type, then menu order. ``*/*`` and no ``Accept`` get the menu's first format (SPARQL
   JSON, Turtle); ``text/*`` and ``application/*`` get the menu's first format of that type.
3. Near misses are served rather than refused: a client that names a format of the *other* menu
   gets its counterpart (a CONSTRUCT asked for SPARQL XML, as roqet asks, gets RDF/XML; a SELECT
   asked for ``text/plain`` or Turtle gets TSV, whose terms are written in Turtle syntax). N3 is
   served as Turtle, which every N3 reader reads. A format the client refused with ``q=0`` is
   never the stand-in.
4. 406, listing what can be served, only when none of that fits (``image/png``, ``application/nope``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    key: str  # the name kg.query serialises by (json, xml, csv, tsv, turtle, ...)
    media_type: str  # sent in Content-Type
    aliases: tuple[str, ...] = ()  # other media types that select it
    names: tuple[str, ...] = ()  # values of format= that select it
    charset: bool = True
    near: tuple[str, ...] = ()  # keys served instead when this is asked of a menu that lacks it


RESULT_FORMATS = [
    Format("json", "application/sparql-results+json", ("application/json",), ("json", "srj"), near=("jsonld",)),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ("xml", "srx", "sparql"),
           near=("rdfxml",)),
    Format("csv", "text/csv", (), ("csv",), near=("turtle",)),
    Format("tsv", "text/tab-separated-values", ("text/tsv",), ("tsv",), near=("turtle",)),
]
GRAPH_FORMATS = [
    Format("turtle", "text/turtle",
           ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
           ("turtle", "ttl", "n3"), near=("tsv",)),
    Format("ntriples", "application/n-triples", ("text/plain", "application/x-ntriples"),
           ("ntriples", "nt", "n-triples"), near=("tsv",)),
    Format("jsonld", "application/ld+json", ("application/json", "application/x-json+ld", "application/x-ld+json"),
           ("jsonld", "json-ld", "json"), near=("json",)),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ("rdfxml", "rdf", "xml", "owl"),
           near=("xml",)),
    Format("nquads", "application/n-quads", ("text/x-nquads",), ("nquads", "nq", "n-quads"), near=("tsv",)),
    Format("trig", "application/trig", ("application/x-trig",), ("trig",), near=("tsv",)),
]
HTML = Format("html", "text/html", ("application/xhtml+xml",), ("html",))
ALL_FORMATS = [*RESULT_FORMATS, *GRAPH_FORMATS, HTML]


class NotAcceptable(Exception):
    """No offered format matches; the message lists what can be served (HTTP 406)."""

    def __init__(self, offers: list[Format], asked: str | None = None):
        what = (f"format={asked} names no format this endpoint serves here"
                if asked is not None else "none of the requested media types can be served")
        super().__init__(f"{what}; available: " + ", ".join(f.media_type for f in offers)
                         + " (format=" + ", ".join(f.names[0] for f in offers if f.names) + ")")


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """``(media type, q, specificity)`` for each range of an Accept header."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, specificity))
    return ranges


def _quality(ranges: list[tuple[str, float, int]], media: str) -> tuple[float, int]:
    """The q of the most specific range matching ``media`` (and that specificity)."""
    best = (-1.0, -1)
    for pattern, q, spec in ranges:
        matches = pattern in (media, "*/*") or (pattern.endswith("/*") and media.startswith(pattern[:-1]))
        if matches and spec > best[1]:
            best = (q, spec)
    return best


def _refused(ranges: list[tuple[str, float, int]], fmt: Format) -> bool:
    """The client said ``q=0`` to the media type ``fmt`` is sent as (directly or through a wildcard)."""
    q, spec = _quality(ranges, fmt.media_type)
    return spec >= 0 and q <= 0


def known(name: str) -> Format | None:
    """The format a ``format=`` value or a media type names, on any menu (``rdf+xml`` works too)."""
    wanted = name.strip().lower()
    candidates = (wanted,) if "/" in wanted else (wanted, "application/" + wanted, "text/" + wanted)
    for value in candidates:
        for fmt in ALL_FORMATS:
            if value in fmt.names or value == fmt.media_type or value in fmt.aliases:
                return fmt
    return None


def _stand_in(asked: Format, offers: list[Format], ranges=()) -> Format | None:
    by_key = {f.key: f for f in offers}
    for key in asked.near:
        if key in by_key and not _refused(list(ranges), by_key[key]):
            return by_key[key]
    return None


def _from_param(offers: list[Format], format_param: str) -> Format:
    wanted = format_param.strip().lower()
    for fmt in offers:  # this menu first: "json" is SPARQL JSON for SELECT, JSON-LD for CONSTRUCT
        if wanted in fmt.names or wanted == fmt.media_type or wanted in fmt.aliases:
            return fmt
    asked = known(wanted)
    if asked is not None and asked in offers:
        return asked
    stand_in = _stand_in(asked, offers) if asked is not None else None
    if stand_in is None:
        raise NotAcceptable(offers, format_param.strip())
    return stand_in


def choose(offers: list[Format], accept: str | None, format_param: str | None = None) -> Format:
    """The format to answer in: ``format=`` wins, then the best ``Accept`` match, then a near miss."""
    if format_param and format_param.strip():
        return _from_param(offers, format_param)
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, fmt in enumerate(offers):
        for rank, media in enumerate((fmt.media_type, *fmt.aliases)):
            q, spec = _quality(ranges, media)
            if q <= 0:
                continue
            # higher q, then a more specific match, then the canonical type, then menu order
            score = (q, spec, -rank * 100 - index)
            if best is None or score > best:
                best, chosen = score, fmt
    if chosen is not None:
        return chosen
    for media, q, _spec in sorted(ranges, key=lambda r: -r[1]):  # near misses, most wanted first
        asked = known(media) if q > 0 else None
        stand_in = _stand_in(asked, offers, ranges) if asked is not None else None
        if stand_in is not None:
            return stand_in
    raise NotAcceptable(offers)


def content_type(fmt: Format) -> str:
    return f"{fmt.media_type}; charset=utf-8" if fmt.charset else fmt.media_type


def prefers_html(accept: str | None) -> bool:
    """True when a browser asks: text/html ranked at least as high as any RDF type."""
    ranges = parse_accept(accept)
    html_q, html_spec = _quality(ranges, "text/html")
    if html_q <= 0 or html_spec < 2:
        return False
    rdf_q = max((_quality(ranges, m)[0] for f in GRAPH_FORMATS for m in (f.media_type,)
                 if _quality(ranges, m)[1] == 2), default=-1.0)
    return html_q >= rdf_q
