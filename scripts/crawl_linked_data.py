"""Crawl a served graph as a Linked Data client would: from one IRI, follow every IRI under the public URL.

Every IRI an answer contains that starts with the public URL is fetched (its fragment dropped, as HTTP
does) in Turtle, JSON-LD, N-Triples and RDF/XML by ``Accept``, and as a browser would (``text/html``);
an RDF answer must be 200 (redirects are followed and counted), of the media type asked for, and parse.
The IRIs found in the Turtle answer are crawled next. Prints the counts; exits 1 if any fetch failed.

    python scripts/crawl_linked_data.py http://127.0.0.1:8000/id/state/iran
    python scripts/crawl_linked_data.py http://127.0.0.1:8000/id/state/iran --root http://127.0.0.1:8000/ --json

tests/test_public_url.py runs :func:`crawl` against a store built with the default base and served
under a local public URL.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests

RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass
class CrawlReport:
    root: str
    iris: set[str] = field(default_factory=set)  # documents fetched (fragments dropped)
    statuses: collections.Counter = field(default_factory=collections.Counter)  # (accept, status) -> n
    redirects: int = 0
    failures: list[str] = field(default_factory=list)
    triples: int = 0

    def summary(self) -> dict:
        by_status: dict[str, dict[str, int]] = collections.defaultdict(dict)
        for (accept, status), n in sorted(self.statuses.items()):
            by_status[accept][str(status)] = n
        return {"root": self.root, "iris": len(self.iris), "fetches": sum(self.statuses.values()),
                "redirects_followed": self.redirects, "triples_read": self.triples, "by_accept": by_status,
                "failures": self.failures[:20], "failure_count": len(self.failures)}


def iris_in(quads, root: str) -> set[str]:
    found = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, getattr(quad, "graph_name", None)):
            if isinstance(term, ox.NamedNode) and term.value.startswith(root):
                found.add(term.value.split("#", 1)[0])
    return found


@dataclass
class Fetch:
    """One fetch's outcome, merged into the report by the crawling thread (workers share nothing)."""

    accept: str
    status: int
    redirects: int = 0
    failure: str | None = None
    triples: int = 0
    iris: set[str] = field(default_factory=set)


_local = threading.local()


def _fetch(url: str, accept: str, root: str) -> Fetch:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()  # one per thread: a Session is not thread-safe
    response = session.get(url, headers={"Accept": accept}, timeout=60)
    done = Fetch(accept.split(",")[0], response.status_code, len(response.history))
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if response.status_code != 200:
        done.failure = f"{url} Accept {accept}: {response.status_code}"
    elif accept == BROWSER_ACCEPT:
        if media != "text/html" or "<html" not in response.text[:2000].lower():
            done.failure = f"{url} as a browser: {media}, not an HTML page"
    elif media != accept:
        done.failure = f"{url} Accept {accept}: answered {media}"
    else:
        try:
            quads = list(ox.parse(response.content, RDF_FORMATS[accept], base_iri=url))
        except SyntaxError as exc:
            done.failure = f"{url} Accept {accept}: does not parse ({exc})"
            return done
        if not quads:
            done.failure = f"{url} Accept {accept}: no triples"
        done.triples = len(quads)
        if accept == "text/turtle":
            done.iris = iris_in(quads, root)
    return done


def crawl(start: str, root: str, limit: int = 5000, threads: int = 4) -> CrawlReport:
    """Breadth-first from ``start`` over IRIs under ``root``, each fetched in every form (see the module)."""
    report = CrawlReport(root=root)
    frontier = {start.split("#", 1)[0]}
    with ThreadPoolExecutor(threads) as pool:
        while frontier and len(report.iris) < limit:
            batch = sorted(frontier)[: limit - len(report.iris)]
            report.iris.update(batch)
            jobs = [pool.submit(_fetch, url, accept, root)
                    for url in batch for accept in (*RDF_FORMATS, BROWSER_ACCEPT)]
            found: set[str] = set()
            for job in jobs:
                done = job.result()
                report.statuses[(done.accept, done.status)] += 1
                report.redirects += done.redirects
                report.triples += done.triples
                if done.failure:
                    report.failures.append(done.failure)
                found |= done.iris
            frontier = found - report.iris
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("start", help="the IRI to start from, e.g. http://127.0.0.1:8000/id/state/iran")
    parser.add_argument("--root", help="follow IRIs under this URL (default: the start's scheme and host)")
    parser.add_argument("--limit", type=int, default=5000, help="at most this many IRIs")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    root = args.root or "/".join(args.start.split("/", 3)[:3]) + "/"
    report = crawl(args.start, root, args.limit)
    summary = report.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['iris']} IRIs under {root}, {summary['fetches']} fetches, "
              f"{summary['redirects_followed']} redirects followed, {summary['triples_read']} triples read")
        for accept, statuses in summary["by_accept"].items():
            print(f"  {accept:24} " + ", ".join(f"{status}: {n}" for status, n in statuses.items()))
        for failure in summary["failures"]:
            print("  FAILED", failure)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
