"""Choosing a response format from ``Accept`` (or a ``format=`` parameter, for links).

Result sets and RDF graphs have separate menus; each format has one canonical media type that is
sent back and a few aliases that clients ask for. The first media type of each menu is the default
for ``*/*`` or no ``Accept`` at all.
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


RESULT_FORMATS = [
    Format("json", "application/sparql-results+json", ("application/json",), ("json", "srj")),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ("xml", "srx")),
    Format("csv", "text/csv", (), ("csv",)),
    Format("tsv", "text/tab-separated-values", (), ("tsv",)),
]
GRAPH_FORMATS = [
    Format("turtle", "text/turtle", ("application/x-turtle", "application/turtle"), ("turtle", "ttl")),
    Format("ntriples", "application/n-triples", ("text/plain",), ("ntriples", "nt", "n-triples")),
    Format("jsonld", "application/ld+json", ("application/json",), ("jsonld", "json-ld", "json")),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ("rdfxml", "rdf", "xml", "owl")),
    Format("nquads", "application/n-quads", (), ("nquads", "nq", "n-quads")),
    Format("trig", "application/trig", (), ("trig",)),
]
HTML = Format("html", "text/html", ("application/xhtml+xml",), ("html",))


class NotAcceptable(Exception):
    """No offered format matches; the message lists what can be served (HTTP 406)."""

    def __init__(self, offers: list[Format]):
        super().__init__("none of the requested media types can be served; available: "
                         + ", ".join(f.media_type for f in offers))


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


def choose(offers: list[Format], accept: str | None, format_param: str | None = None) -> Format:
    """The format to answer in: ``format=`` wins, then the best ``Accept`` match, earliest offer first."""
    if format_param:
        wanted = format_param.strip().lower()
        for fmt in offers:
            if wanted in fmt.names or wanted == fmt.media_type or wanted in fmt.aliases:
                return fmt
        raise NotAcceptable(offers)
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
    if chosen is None:
        raise NotAcceptable(offers)
    return chosen


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
