"""conflict-kg: news about armed conflict and diplomacy, turned into a provenance-keeping knowledge graph.

The notebook API (:mod:`kg.api`) is reachable from here: ``kg.build(paths, store=None, **options)`` and
``kg.open(store_dir)`` return a :class:`kg.KnowledgeGraph`. It is imported on first use, so ``import kg.vocab``
(and every worker process) does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kg.api import Entity, KnowledgeGraph, QueryResult, build, open

_API = ("build", "open", "KnowledgeGraph", "QueryResult", "Entity")
__all__ = ["Entity", "KnowledgeGraph", "QueryResult", "__version__", "build", "open"]


def __getattr__(name: str) -> Any:
    if name in _API:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
