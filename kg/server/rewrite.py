"""Serving the graph at a public URL that is not its dataset base: rewriting on the way in and out.

A store is built with IRIs under one *dataset base* (``--base``, default ``https://w3id.org/conflict-kg/id/``),
but where it will be served is only known when it is served. Like Pubby and Trifid, the server keeps the
two apart: the store always holds the dataset base, and ``kg serve --public-url URL`` presents every IRI
under the dataset base as the same path under ``URL/id/`` (the *public base*), where the server
dereferences it. So a Linked Data client that follows a link never leaves the server.

:class:`Rebase` is the mapping itself (IRIs, text, bytes, quads); :class:`PublicURLRewriter` is the WSGI
layer that applies it around the whole application, so every answer is covered: SPARQL results in every
format, CONSTRUCT/DESCRIBE, ``/id/`` pages (HTML and RDF), VoID, the service description, ``/store``.

* **In**: the public base becomes the dataset base in the query string, a form body and a
  ``application/sparql-query`` / ``sparql-update`` body (and a Turtle or N-Triples body written to
  ``/store``), so IRIs are accepted in either form.
* **Out**: the dataset base becomes the public base in the body of every text response (RDF, SPARQL
  results, HTML, JSON, CSV) and in the ``Link``, ``Location`` and ``Content-Location`` headers.

The replacement is of the base string wherever it occurs, literals included (``STR(?e)`` shows the public
form, and a filter written with it matches), which keeps the two views exactly consistent. Both bases are
checked to be plain ASCII IRIs with no character that any of the formats escapes, so a byte replacement is
a correct rewrite in every format. Static files are passed through untouched.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import pyoxigraph as ox

# An http(s) URL with a host, an optional port and path, and nothing any serialisation would escape
# (no quotes, angle brackets, ampersand, backslash, space, query or fragment).
_SAFE_URL = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(/[A-Za-z0-9._~!$()*+,;=:@%/-]*)?")
_SAFE_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~!$()*+,;=:@%/#-]+")

# Bodies that are text and carry IRIs: RDF, SPARQL results, HTML, JSON, CSV/TSV, plain text.
_TEXT_TYPES = ("text/", "application/sparql-results", "application/ld+json", "application/json",
               "application/n-triples", "application/n-quads", "application/trig", "application/rdf+xml",
               "application/xml", "application/turtle", "application/x-turtle", "application/xhtml+xml")
_REWRITTEN_HEADERS = ("link", "location", "content-location")
FORM = "application/x-www-form-urlencoded"
_TEXT_BODIES = ("application/sparql-query", "application/sparql-update", "text/turtle", "application/n-triples")


class BadPublicURL(ValueError):
    """The public URL or base cannot be used; the message says why."""


def public_url(url: str) -> str:
    """``url`` checked and ending with ``/``: an http(s) URL of a host, port and path, no query or fragment."""
    text = url.strip()
    if not _SAFE_URL.fullmatch(text):
        raise BadPublicURL(f"--public-url {url!r}: give an http(s) URL such as http://kg.example.org/ (a host, "
                           "an optional port and path; no query, fragment, user name, quotes or spaces)")
    try:
        port = urlsplit(text).port
    except ValueError:
        port = 0
    if port == 0:
        raise BadPublicURL(f"--public-url {url!r}: the port must be a number from 1 to 65535")
    return text if text.endswith("/") else text + "/"


def check_base(base: str) -> str:
    """A dataset base that every serialisation writes verbatim (so a byte replacement is exact)."""
    if not _SAFE_BASE.fullmatch(base):
        raise BadPublicURL(f"the base {base!r} has characters that serialisations escape; use a plain IRI "
                           "such as https://example.org/id/")
    return base


def default_public_url(host: str, port: int) -> str:
    """``http://HOST:PORT/`` for ``kg serve``; a wildcard address (every interface) is reached as loopback."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def public_base(url: str) -> str:
    """Where IRIs are dereferenced under a public URL: ``URL/id/`` (the path ``/id/`` serves)."""
    return public_url(url) + "id/"


@dataclass(frozen=True)
class Rebase:
    """IRIs under ``old`` shown under ``new``; :meth:`inverse` goes back."""

    old: str
    new: str

    def __post_init__(self) -> None:
        check_base(self.old)
        check_base(self.new)

    @property
    def identity(self) -> bool:
        return self.old == self.new

    def inverse(self) -> Rebase:
        return Rebase(self.new, self.old)

    def iri(self, iri: str) -> str:
        return self.new + iri[len(self.old):] if iri.startswith(self.old) else iri

    def text(self, text: str) -> str:
        return text.replace(self.old, self.new) if self.old in text else text

    def bytes(self, body: bytes) -> bytes:
        old = self.old.encode("ascii")
        return body.replace(old, self.new.encode("ascii")) if old in body else body

    def term(self, term):
        if isinstance(term, ox.NamedNode):
            value = term.value
            return ox.NamedNode(self.new + value[len(self.old):]) if value.startswith(self.old) else term
        if isinstance(term, ox.Triple):  # RDF-star: a quoted triple's terms too
            return ox.Triple(self.term(term.subject), self.term(term.predicate), self.term(term.object))
        return term

    def quad(self, quad: ox.Quad) -> ox.Quad:
        return ox.Quad(self.term(quad.subject), self.term(quad.predicate), self.term(quad.object),
                       self.term(quad.graph_name))

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        return (self.quad(q) for q in quads)


def export_rebased(store, fmt: str, out, rebase: Rebase) -> None:
    """``store.export(fmt, out)`` with every IRI under ``rebase.old`` written under ``rebase.new``.

    Term by term (an IRI is rebased, a literal that happens to contain the base is data and kept), streamed
    graph by graph like the plain export, so a large store is never held in memory twice.
    """
    from kg.store import EXPORT_FORMATS, PREFIXES, QUAD_FORMATS, StoreError

    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    prefixes = {name: rebase.iri(ns) for name, ns in PREFIXES.items()}
    db = store.ox
    if fmt in QUAD_FORMATS:
        quads: Iterator = (q for g in db.named_graphs() for q in db.quads_for_pattern(None, None, None, g))
        ox.serialize(rebase.quads(quads), out, EXPORT_FORMATS[fmt], prefixes=prefixes if fmt == "trig" else None)
    else:
        triples = (ox.Triple(q.subject, q.predicate, q.object)
                   for q in rebase.quads(db.quads_for_pattern(None, None, None, ox.DefaultGraph())))
        ox.serialize(triples, out, EXPORT_FORMATS[fmt], prefixes=prefixes if fmt != "ntriples" else None)


class RebasedExport:
    """A store's ``export(fmt, out)`` writing the rebased copy (what ``kg export --base`` writes)."""

    def __init__(self, store, rebase: Rebase):
        self.store, self.rebase = store, rebase

    def export(self, fmt: str, out) -> None:
        export_rebased(self.store, fmt, out, self.rebase)


def _rewritable(content_type: str, content_encoding: str) -> bool:
    return content_type.lower().startswith(_TEXT_TYPES) and content_encoding.lower() in ("", "identity")


class PublicURLRewriter:
    """WSGI layer: requests from the public base to the dataset base, answers back (see the module docs).

    ``HEAD`` is answered as the ``GET`` it stands for with the body left out, so its ``Content-Length``
    is that of the rewritten body; the original method is kept in ``environ["kg.method"]`` for the log.
    """

    STATIC = ("/static/", "/assets/")  # files of the site itself (the UI's are at /assets/): never rewritten

    def __init__(self, app: Callable, dataset_base: str, public: str, max_body_bytes: int = 1_000_000):
        self.app = app
        self.out = Rebase(dataset_base, public)
        self.into = self.out.inverse()
        self.max_body_bytes = max_body_bytes
        self._public = public.encode("ascii")

    def __call__(self, environ: dict, start_response: Callable):
        if environ.get("PATH_INFO", "").startswith(self.STATIC):
            return self.app(environ, start_response)
        self.rewrite_request(environ)
        head = environ.get("REQUEST_METHOD") == "HEAD"
        if head:
            environ["kg.method"] = "HEAD"
            environ["REQUEST_METHOD"] = "GET"
        captured: list = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers]
            return lambda _data: None  # the legacy write() callable: no part of this application uses it

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, given = captured
        headers, content_type, content_encoding = [], "", ""
        for name, value in given:
            lower = name.lower()
            if lower == "content-length":
                continue
            if lower == "content-type":
                content_type = value
            elif lower == "content-encoding":
                content_encoding = value
            elif lower in _REWRITTEN_HEADERS:
                value = self.out.text(value)
            headers.append((name, value))
        if _rewritable(content_type, content_encoding):
            body = self.out.bytes(body)
        if not status.startswith(("1", "204", "304")):  # those never carry a body, nor its length
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [b""] if head else [body]

    # -- the way in ------------------------------------------------------------------------------------
    def rewrite_request(self, environ: dict) -> None:
        query_string = environ.get("QUERY_STRING", "")
        if query_string:
            rewritten = self._form(query_string)
            if rewritten is not None:
                environ["QUERY_STRING"] = rewritten
        if environ.get("REQUEST_METHOD") not in ("POST", "PUT"):
            return
        mimetype = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
        if mimetype != FORM and mimetype not in _TEXT_BODIES:
            return
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit() or int(length) > self.max_body_bytes:
            return  # unknown or over the limit: the application answers it as it is
        raw = environ["wsgi.input"].read(int(length))
        body = raw
        try:
            if mimetype == FORM:
                rewritten = self._form(raw.decode("ascii"))
                body = rewritten.encode("ascii") if rewritten is not None else raw
            elif self._public in raw:  # the public base is ASCII: absent from the bytes, absent from the text
                body = self.into.text(raw.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            body = raw  # the application says what is wrong with it
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

    def _form(self, encoded: str) -> str | None:
        """A query string or form body with the public base mapped in every value; None when unchanged."""
        public = self.into.old
        if public not in unquote_plus(encoded):
            return None
        try:
            pairs = parse_qsl(encoded, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return None  # not UTF-8 once decoded: the application says what is wrong with it
        if not any(public in key or public in value for key, value in pairs):
            return None
        return urlencode([(key, self.into.text(value)) for key, value in pairs])
