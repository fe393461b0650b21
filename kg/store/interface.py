"""What the rest of ``kg`` may ask of a store: the embedded :class:`kg.store.KGStore` and the
:class:`kg.store.remote.RemoteStore` (a SPARQL 1.1 server) both satisfy :class:`GraphStore`.

The build, ``kg query/export/remove/validate`` and ``kg serve`` go through these methods only, so a new
kind of store is one class, not a branch in every command. Two attributes tell the few places that must
know: ``path`` (a folder, or None: worker snapshots and backups need one) and ``remote`` (queries are
evaluated by another server, so there is no local engine to confine in the sandbox; the text checks of
:mod:`kg.server.safety` are then the line of defence against SERVICE and LOAD).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class GraphStore(Protocol):
    """A dataset of per-source named graphs plus their set union as the default graph."""

    path: Path | None
    remote: bool

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """SPARQL over the merged graph, answered as pyoxigraph result objects (solutions, boolean, triples)."""

    def graphs(self) -> list[str]:
        """The source graphs' IRIs, sorted."""

    def has_graph(self, graph_iri: str) -> bool: ...

    def __len__(self) -> int:
        """Triples in the merged graph."""

    def add_graph(self, graph_iri: str, triples: Iterable[Any]) -> bool:
        """Add one source's graph and its share of the union atomically; False if it was already there."""

    def remove_graph(self, graph_iri: str) -> int:
        """Remove a source's graph and the union triples only it stated; how many left the merged graph."""

    def export(self, fmt: str, out: Any) -> None: ...

    def flush(self) -> None: ...
