"""The graph in an existing SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, ...) instead of an embedded store.

:class:`RemoteStore` satisfies the same :class:`kg.store.interface.GraphStore` interface as the embedded
:class:`kg.store.KGStore`, so the build, ``kg query``, ``kg export``, ``kg remove``, ``kg validate`` and
``kg serve`` work on it unchanged: queries go out as SPARQL 1.1 Protocol requests and their answers come
back as the same pyoxigraph result objects the embedded store returns (solutions parsed from SPARQL
JSON, graphs from N-Triples).

The layout is the embedded store's: one named graph per source document plus their set union. Each
document is written as **one** SPARQL Update request (``INSERT DATA`` of its named graph and its share of
the union together, provenance included), so a request the server refuses or a connection that breaks
leaves nothing of the document behind; documents are identified by content (the graph IRI is made from
the text's sha256), the build asks first whether the graph is there, and ``INSERT DATA`` adds triples as a
set, so running a build again adds nothing twice.

Where the union lives depends on the server (``dialect``, found from the server's ``Server`` header):

* ``standard`` (Oxigraph server, Fuseki): in the real default graph, as in the embedded store;
* ``virtuoso``: Virtuoso's default graph, when a query names none, is *every* graph it holds (a triple in
  five sources comes back five times, and its own system graphs are in it too). So the union is kept in
  the named graph :data:`UNION_GRAPH` and every query is sent with ``default-graph-uri`` naming it. ``GRAPH ?g``
  on Virtuoso also ranges over that graph and Virtuoso's system graphs: queries that join ``?g
  prov:wasDerivedFrom ?doc`` (all of ``queries/``) see only the source graphs, as on the other stores.
"""

from __future__ import annotations

import copy
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from kg.store import PREFIXES, QUAD_FORMATS, StoreError

UNION_GRAPH = "urn:x-conflict-kg:union"
DIALECTS = ("standard", "virtuoso")
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
QUERY_ACCEPT = f"{SELECT_ACCEPT}, {GRAPH_ACCEPT.replace('application/n-triples', 'application/n-triples;q=0.95')}"
DEFAULT_TIMEOUT = 300.0  # seconds for one request (the server's query time limit is passed per query)


class RemoteTimeout(StoreError):
    """The server did not answer within the time allowed."""


class RemoteQueryError(SyntaxError):
    """The server refused a query as malformed (HTTP 400); the message is the server's own.

    A SyntaxError, like the embedded engine's, so callers report it the same way ("malformed query: ...").
    """


def _prologue() -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


PROLOGUE = _prologue()


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``USER:PASS`` as a pair; the password may hold colons, the user may not."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise StoreError("--store-auth must be USER:PASS")
    return user, password


def default_update_url(query_url: str) -> str:
    """Oxigraph server and Fuseki answer updates at ``.../update`` beside ``.../query``; others at the same URL."""
    if query_url.rstrip("/").endswith("/query"):
        return query_url.rstrip("/")[: -len("query")] + "update"
    return query_url


class RemoteStore:
    """A dataset of per-source named graphs plus their union, kept in a SPARQL 1.1 server."""

    path = None  # no folder: snapshots, backups and read-only opening are the server's business
    remote = True  # queries are evaluated elsewhere: there is no local engine to confine

    def __init__(self, query_url: str, update_url: str | None = None, auth: tuple[str, str] | None = None,
                 dialect: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        parsed = urllib.parse.urlsplit(query_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise StoreError(f"--store-url {query_url!r}: give the server's SPARQL query URL, http(s)://HOST/PATH")
        self.url = query_url
        self.update_url = update_url or default_update_url(query_url)
        self.timeout = timeout
        self._opener = self._make_opener(auth)
        self.dialect = dialect or self._detect_dialect()
        if self.dialect not in DIALECTS:
            raise StoreError(f"unknown store dialect {self.dialect!r}; choose one of {', '.join(DIALECTS)}")
        self.union = UNION_GRAPH if self.dialect == "virtuoso" else None

    def with_timeout(self, timeout: float) -> RemoteStore:
        """The same store whose requests give up after ``timeout`` seconds (one per query of ``kg serve``)."""
        clone = copy.copy(self)
        clone.timeout = timeout
        return clone

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}, dialect={self.dialect!r})"

    # -- HTTP --------------------------------------------------------------------------------------
    def _make_opener(self, auth: tuple[str, str] | None) -> urllib.request.OpenerDirector:
        handlers: list[Any] = []
        if auth:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.url, self.update_url}:
                passwords.add_password(None, url, *auth)
            # each answers the server's challenge in its own scheme: Digest (Virtuoso's /sparql-auth) is tried
            # first, then Basic (Fuseki, a proxy in front); the password never goes out unasked
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        return urllib.request.build_opener(*handlers)

    def _post(self, url: str, data: bytes, content_type: str, accept: str, timeout: float | None,
              what: str) -> tuple[bytes, str, dict]:
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": content_type, "Accept": accept})
        try:
            with self._opener.open(request, timeout=timeout or self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", ""), dict(response.headers)
        except urllib.error.HTTPError as exc:
            message = " ".join(exc.read(2000).decode("utf-8", "replace").split()) or exc.reason
            if exc.code in (401, 403):
                raise StoreError(f"the SPARQL server at {url} refused the {what} ({exc.code}): check "
                                 f"--store-auth and the account's rights ({message})") from None
            if exc.code == 400:
                raise RemoteQueryError(f"the SPARQL server refused the {what}: {message}") from None
            raise StoreError(f"the SPARQL server at {url} failed the {what} ({exc.code}): {message}") from None
        except TimeoutError:
            raise RemoteTimeout(f"the SPARQL server at {url} did not answer the {what} within "
                                f"{timeout or self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise RemoteTimeout(f"the SPARQL server at {url} did not answer the {what} within "
                                    f"{timeout or self.timeout:g} s") from None
            raise StoreError(f"cannot reach the SPARQL server at {url}: {reason}") from None

    def _detect_dialect(self) -> str:
        _body, _type, headers = self._post(self.url, urllib.parse.urlencode({"query": "ASK {}"}).encode(),
                                           "application/x-www-form-urlencoded", SELECT_ACCEPT, 30, "probe")
        server = next((v for k, v in headers.items() if k.lower() == "server"), "")
        return "virtuoso" if "virtuoso" in server.lower() else "standard"

    # -- reading -----------------------------------------------------------------------------------
    def query(self, sparql: str, *, default_graph=None, named_graphs=None, substitutions=None,
              timeout: float | None = None, **_ignored):
        """Run SPARQL on the server; the default graph is the merged graph (a set), as in the embedded store.

        Returns pyoxigraph's own result objects: ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``.
        """
        text = PROLOGUE + sparql
        if substitutions:
            text += "\n" + _values_clause(substitutions)
        params: list[tuple[str, str]] = [("query", text)]
        defaults = _graph_names(default_graph)
        if defaults is None and self.union:
            defaults = [self.union]
        params += [("default-graph-uri", g) for g in defaults or ()]
        params += [("named-graph-uri", g) for g in _graph_names(named_graphs) or ()]
        body, content_type, _headers = self._post(self.url, urllib.parse.urlencode(params).encode(),
                                                  "application/x-www-form-urlencoded", _accept(sparql), timeout,
                                                  "query")
        return _parse_answer(body, content_type)

    def graphs(self) -> list[str]:
        """The source graphs: the graphs the provenance names (a server's own system graphs are not among them)."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?doc } }")
        return sorted(row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode))

    def has_graph(self, graph_iri: str) -> bool:
        # no dataset parameters (Virtuoso then looks in every graph it has, and with a default-graph-uri it sees
        # no named graph <g>), and a SELECT, not ASK: Virtuoso 7.2 answers ASK { GRAPH <g> {...} } with true
        # for any <g> once a default-graph-uri is given
        rows = self.query(f"SELECT ?s WHERE {{ GRAPH <{_iri(graph_iri)}> {{ ?s ?p ?o }} }} LIMIT 1", default_graph=[])
        return any(True for _ in rows)

    def __len__(self) -> int:
        """Triples in the merged (default) graph."""
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        return int(rows[0]["n"].value) if rows else 0

    # -- writing -----------------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        self._post(self.update_url, urllib.parse.urlencode({"update": PROLOGUE + sparql}).encode(),
                   "application/x-www-form-urlencoded", "*/*", None, "update")

    def add_graph(self, graph_iri: str, triples: Iterable[ox.Triple]) -> bool:
        """Add one source's graph and its share of the union in one update request; False if already there."""
        if self.has_graph(graph_iri):
            return False
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        union = f"GRAPH <{self.union}> {{\n{body}\n}}" if self.union else body
        self.update(f"INSERT DATA {{\nGRAPH <{_iri(graph_iri)}> {{\n{body}\n}}\n{union}\n}}")
        return True

    def remove_graph(self, graph_iri: str) -> int:
        """Remove one source's graph, and from the union every triple no other source graph states, in one
        request. Returns the number of triples removed from the merged graph."""
        graph = f"<{_iri(graph_iri)}>"
        if not self.has_graph(graph_iri):
            return 0
        union = f"<{self.union}>" if self.union else None
        not_union = f" && ?h != {union}" if union else ""
        others = f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {graph}{not_union}) }}"
        orphans = f"GRAPH {graph} {{ ?s ?p ?o }} {others}"
        count = list(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {orphans} }}", default_graph=[]))
        target = f"GRAPH {union} {{ ?s ?p ?o }}" if union else "?s ?p ?o"
        self.update(f"DELETE {{ {target} }} WHERE {{ {orphans} }} ;\nDROP SILENT GRAPH {graph}")
        return int(count[0]["n"].value) if count else 0

    def flush(self) -> None:
        """Nothing to do: every update request is committed by the server when it answers."""

    # -- export --------------------------------------------------------------------------------------
    def export(self, fmt: str, out) -> None:
        """Serialise: triple formats get the merged graph, quad formats every source graph too (graph by graph)."""
        from kg.store import EXPORT_FORMATS

        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        rdf_format = EXPORT_FORMATS[fmt]
        prefixes = PREFIXES if fmt in ("turtle", "trig", "rdfxml", "jsonld") else None
        if fmt in QUAD_FORMATS:
            ox.serialize(self._quads(), out, rdf_format, prefixes=prefixes if fmt == "trig" else None)
        else:
            triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            ox.serialize(triples, out, rdf_format, prefixes=prefixes)

    def _quads(self) -> Iterator[ox.Quad]:
        for graph in self.graphs():
            node = ox.NamedNode(graph)
            for t in self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{_iri(graph)}> {{ ?s ?p ?o }} }}",
                                default_graph=[]):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def load_quads(self, path) -> None:
        raise StoreError("--data files are read into an embedded store; load them into the SPARQL server "
                         "with its own loader")


def _accept(sparql: str) -> str:
    """What to ask for: Virtuoso answers a CONSTRUCT in SPARQL JSON when that is acceptable at all, so the
    query's form (read by the endpoint's tokeniser) decides between results and a graph format."""
    from kg.server.safety import UnsafeRequest, inspect

    try:
        form = inspect(sparql).form
    except UnsafeRequest:
        return QUERY_ACCEPT  # the server will say what is wrong with it
    return GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else SELECT_ACCEPT if form else QUERY_ACCEPT


def _iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        raise StoreError(f"not a valid IRI: {iri!r}")
    return iri


def _graph_names(graphs) -> list[str] | None:
    """Graph IRIs from pyoxigraph-style arguments (NamedNode, DefaultGraph, str, or a list of them)."""
    if graphs is None:
        return None
    if not isinstance(graphs, list | tuple):
        graphs = [graphs]
    names = []
    for g in graphs:
        if isinstance(g, ox.DefaultGraph):
            continue  # the store's default graph is what the server uses when none is named
        names.append(g.value if isinstance(g, ox.NamedNode) else str(g))
    return names


def _values_clause(substitutions: dict) -> str:
    """Bind variables for the whole query with a trailing ``VALUES`` (the remote analogue of substitutions)."""
    names = [getattr(k, "value", str(k)).lstrip("?$") for k in substitutions]
    terms = [str(v) if isinstance(v, ox.NamedNode | ox.Literal) else str(ox.Literal(str(v)))
             for v in substitutions.values()]
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }}"


def _parse_answer(body: bytes, content_type: str):
    """The server's answer as a pyoxigraph result: solutions or a boolean from SPARQL JSON, triples from
    N-Triples or Turtle (loaded into a scratch store, whose CONSTRUCT yields a genuine ``QueryTriples``)."""
    mime = content_type.split(";")[0].strip().lower()
    try:
        if mime in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(_plain_json(body), format=ox.QueryResultsFormat.JSON)
        if mime == "application/sparql-results+xml":
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
        fmt = ox.RdfFormat.TURTLE if mime == "text/turtle" else ox.RdfFormat.N_TRIPLES
        scratch = ox.Store()
        scratch.bulk_load(body, format=fmt)
        return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read the SPARQL server's answer ({mime or 'no content type'}): {exc}") from None


def _plain_json(body: bytes) -> bytes:
    """SPARQL JSON as the W3C spec writes it: Virtuoso still sends the pre-REC ``typed-literal`` type."""
    if b'"typed-literal"' not in body:
        return body
    doc = json.loads(body)
    for row in doc.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
    out = io.StringIO()
    json.dump(doc, out, ensure_ascii=False)
    return out.getvalue().encode("utf-8")
