"""Stage 4: entity resolution and event coreference across documents.

``Resolver(base, known).resolve(extraction) -> ResolvedDocument`` gives every entity and event
record of a document an IRI shared with every other document that speaks of the same thing, a
canonical label, and a plain-words explanation of each merge. See :mod:`kg.resolve.entities` for
the entity rules and :mod:`kg.resolve.events` for the event coreference rule; word lists and
weights are data files under ``kg/resolve/data``.
"""

from kg.resolve.known import KnownEntity, KnownEvent
from kg.resolve.resolver import Resolver

__all__ = ["Resolver", "KnownEntity", "KnownEvent"]
